/**
 * The web services port (8446): a subset of SEPM's REST API under `/sepm/api/v1` (PSSEPM swagger
 * and live captures of SEPM 14.3 RU9; see docs/rest-api.md): version, identity (authenticate,
 * logout, current user) and policies (summary, raw, publish, withdraw).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openPolicy } from '../../../policy/index.js';
import { isPolicyName } from '../../../protocol/index.js';
import type { PublishedPolicy } from '../policy_store.js';
import type { TokenInfo } from '../auth.js';
import { policyId, type PolicyMeta, type WebServicesDeps } from '../context.js';
import { login } from '../login.js';
import { bearerToken, splitUrl } from '../../http/request.js';
import { methodNotAllowed, readJson, sendError } from '../../http/json_api.js';
import { sendBody, sendJson } from '../../http/response.js';

/** The REST base path. */
export const API_BASE = '/sepm/api/v1';

const TYPE_RE = /^[a-z0-9_-]{1,32}$/;
const ID_RE = /^[0-9A-F]{32}$/;
// Policy type given to policies published without one (e.g. through `Manager.publishPolicy`).
const GENERIC_TYPE = 'generic';

type Next = () => void;

function userToken(ctx: WebServicesDeps, info: TokenInfo, token?: string) {
  return {
    ...(token !== undefined ? { token } : {}),
    // SEPM: int64 seconds (PSSEPM `identity_UserToken.tokenExpiration`).
    tokenExpiration: Math.max(0, Math.floor((info.expiresAt - ctx.now()) / 1000)),
    username: info.username,
    fullname: info.username,
    domain: info.domain,
    domainid: ctx.site.domainId,
    adminId: policyId(`admin:${info.username}`),
    role: info.role === 'administrator' ? 'SYSADMIN' : 'LIMITED_ADMIN',
    permissionSet: info.role === 'administrator' ? ['READ', 'WRITE'] : ['READ'],
    serverTime: ctx.now(),
  };
}

function metaOf(ctx: WebServicesDeps, name: string): PolicyMeta {
  return (
    ctx.store.meta(name) ?? {
      policytype: GENERIC_TYPE,
      desc: '',
      enabled: true,
      lastmodifiedtime: 0,
    }
  );
}

function summaryItem(ctx: WebServicesDeps, p: PublishedPolicy) {
  const m = metaOf(ctx, p.name);
  return {
    id: policyId(p.name),
    name: p.name,
    desc: m.desc,
    policytype: m.policytype,
    enabled: m.enabled,
    domainid: ctx.site.domainId,
    lastmodifiedtime: m.lastmodifiedtime,
    assignedtolocations: [],
    // This library's distribution data (docs/protocol.md).
    serial: p.serial,
    sha256: p.sha256,
    size: p.size,
  };
}

function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number) {
  const v = q.get(name);
  if (v === null) return dflt;
  if (!/^\d{1,9}$/.test(v)) return undefined;
  const n = Number(v);
  return n < min || n > max ? undefined : n;
}

/** SEPM's `PageObject` over `items` (pageIndex is 1-based, as SEPM's). */
function page<T>(items: readonly T[], pageIndex: number, pageSize: number) {
  const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
  const content = items.slice((pageIndex - 1) * pageSize, pageIndex * pageSize);
  return {
    content,
    firstPage: pageIndex === 1,
    lastPage: pageIndex >= totalPages,
    number: pageIndex - 1,
    numberOfElements: content.length,
    size: pageSize,
    sort: [{ direction: 'ASC', property: 'name', ascending: true }],
    totalElements: items.length,
    totalPages,
  };
}

function findById(ctx: WebServicesDeps, type: string, id: string) {
  if (!ID_RE.test(id)) return undefined;
  const p = ctx.store.list().find((x) => policyId(x.name) === id);
  if (p === undefined || metaOf(ctx, p.name).policytype !== type) return undefined;
  return p;
}

function looksLikeXml(data: Uint8Array): boolean {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(0, 4096));
    return text.trimStart().startsWith('<');
  } catch {
    return false;
  }
}

/** The request listener of the web services port; calls `next()` outside `/sepm/api/v1`. */
export function webServicesHandler(ctx: WebServicesDeps) {
  return async (req: IncomingMessage, res: ServerResponse, next: Next): Promise<void> => {
    const url = splitUrl(req);
    if (url === undefined) return sendError(req, res, 400, 'bad_request', 'malformed URL');
    const { path, query } = url;
    if (path !== API_BASE && !path.startsWith(API_BASE + '/')) return next();
    const route = path.slice(API_BASE.length);
    const method = req.method ?? 'GET';

    if (route === '/version') {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, ['GET', 'HEAD']);
      return sendJson(req, res, 200, ctx.apiVersion);
    }
    if (route === '/identity/authenticate') {
      if (method !== 'POST') return methodNotAllowed(req, res, ['POST']);
      const body = await readJson(req, res, Math.min(ctx.maxBodyBytes, 16 * 1024));
      if (body === undefined) return;
      const issued = await login(ctx, req, res, body.value, 'bearer');
      if (issued === undefined) return;
      return sendJson(req, res, 200, userToken(ctx, issued.info, issued.token));
    }

    // Everything below needs a live bearer token.
    const token = bearerToken(req);
    const info = ctx.tokens.lookup(token, ['bearer']);
    if (info === undefined) {
      return sendError(req, res, 401, 'unauthorized', 'missing, invalid or expired token', {
        'WWW-Authenticate': 'Bearer realm="sepm"',
      });
    }
    const canWrite = info.role === 'administrator';

    if (route === '/identity/logout') {
      if (method !== 'POST') return methodNotAllowed(req, res, ['POST']);
      ctx.tokens.revoke(token);
      res.writeHead(204, { 'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (route === '/sessions/currentuser') {
      if (method !== 'GET') return methodNotAllowed(req, res, ['GET']);
      return sendJson(req, res, 200, userToken(ctx, info));
    }

    let m: RegExpExecArray | null;
    if ((m = /^\/policies\/summary(?:\/([^/]+))?$/.exec(route))) {
      if (method !== 'GET') return methodNotAllowed(req, res, ['GET']);
      const type = m[1];
      if (type !== undefined && !TYPE_RE.test(type)) {
        return sendError(req, res, 400, 'bad_request', 'bad policy type');
      }
      const pageIndex = intParam(query, 'pageIndex', 1, 1, 1_000_000);
      const pageSize = intParam(query, 'pageSize', 20, 1, 1000);
      if (pageIndex === undefined || pageSize === undefined) {
        return sendError(req, res, 400, 'bad_request', 'pageIndex >= 1, 1 <= pageSize <= 1000');
      }
      const items = ctx.store
        .list()
        .map((p) => summaryItem(ctx, p))
        .filter((p) => type === undefined || p.policytype === type);
      return sendJson(req, res, 200, page(items, pageIndex, pageSize));
    }
    if ((m = /^\/policies\/raw\/([^/]+)(?:\/([^/]+))?$/.exec(route))) {
      const type = m[1]!;
      const id = m[2];
      if (!TYPE_RE.test(type)) return sendError(req, res, 400, 'bad_request', 'bad policy type');
      if (id === undefined) {
        if (method !== 'POST') return methodNotAllowed(req, res, ['POST']);
        if (!canWrite) return sendError(req, res, 403, 'forbidden', 'this account may not publish');
        const body = await readJson(req, res, ctx.maxBodyBytes);
        if (body === undefined) return;
        return publish(ctx, req, res, type, body.value);
      }
      const p = findById(ctx, type, id);
      if (method === 'GET' || method === 'HEAD') {
        if (p === undefined) return sendError(req, res, 404, 'not_found', 'no such policy');
        const opened = await openPolicy(p.sealed, ctx.site.kcs, ctx.trusted());
        const type2 = looksLikeXml(opened.data)
          ? 'application/xml; charset=utf-8'
          : 'application/octet-stream';
        return sendBody(req, res, 200, type2, Buffer.from(opened.data));
      }
      if (method === 'DELETE') {
        if (!canWrite)
          return sendError(req, res, 403, 'forbidden', 'this account may not withdraw');
        if (p === undefined) return sendError(req, res, 404, 'not_found', 'no such policy');
        await ctx.store.unpublish(p.name);
        res.writeHead(204, { 'Cache-Control': 'no-store' });
        return void res.end();
      }
      return methodNotAllowed(req, res, ['GET', 'HEAD', 'DELETE']);
    }
    return sendError(req, res, 404, 'not_found', 'no such resource');
  };
}

async function publish(
  ctx: WebServicesDeps,
  req: IncomingMessage,
  res: ServerResponse,
  policytype: string,
  value: unknown,
): Promise<void> {
  const v = value as {
    name?: unknown;
    content?: unknown;
    contentBase64?: unknown;
    desc?: unknown;
    enabled?: unknown;
  } | null;
  if (typeof v !== 'object' || v === null || !isPolicyName(v.name)) {
    return sendError(req, res, 400, 'bad_request', 'expected a policy "name" (1..128 characters)');
  }
  if ((v.content === undefined) === (v.contentBase64 === undefined)) {
    return sendError(
      req,
      res,
      400,
      'bad_request',
      'give exactly one of "content" or "contentBase64"',
    );
  }
  let data: Uint8Array;
  if (typeof v.content === 'string') {
    data = new TextEncoder().encode(v.content);
  } else if (
    typeof v.contentBase64 === 'string' &&
    /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v.contentBase64)
  ) {
    data = new Uint8Array(Buffer.from(v.contentBase64, 'base64'));
  } else {
    return sendError(
      req,
      res,
      400,
      'bad_request',
      '"content" must be a string, "contentBase64" base64',
    );
  }
  if (v.desc !== undefined && (typeof v.desc !== 'string' || v.desc.length > 1024)) {
    return sendError(
      req,
      res,
      400,
      'bad_request',
      '"desc" must be a string of at most 1024 characters',
    );
  }
  if (v.enabled !== undefined && typeof v.enabled !== 'boolean') {
    return sendError(req, res, 400, 'bad_request', '"enabled" must be a boolean');
  }
  const existing = ctx.store.meta(v.name);
  if (existing !== undefined && existing.policytype !== policytype) {
    return sendError(req, res, 409, 'conflict', `"${v.name}" is published with another type`);
  }
  const p = await ctx.store.publish(v.name, data, {
    policytype,
    ...(typeof v.desc === 'string' ? { desc: v.desc } : {}),
    ...(typeof v.enabled === 'boolean' ? { enabled: v.enabled } : {}),
  });
  return sendJson(req, res, 201, summaryItem(ctx, p), {
    Location: `${API_BASE}/policies/raw/${policytype}/${policyId(p.name)}`,
  });
}
