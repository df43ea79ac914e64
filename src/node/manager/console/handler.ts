/**
 * The web console on the manager port (8443): log on with the admin credential, then see the
 * server certificate (subject, issuer, validity, SHA-256 fingerprint), the Kcs fingerprint (never
 * the key), published policies, registered clients and replication peers, and download the
 * clients' `sylink.xml`. See docs/console.md.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { certificateFingerprint, formatFingerprint } from '../../../cert/index.js';
import { buildSylink } from '../../../sylink/index.js';
import { login } from '../login.js';
import type { ConsoleDeps } from '../context.js';
import { cookie, splitUrl } from '../../http/request.js';
import { methodNotAllowed, readJson, sendError } from '../../http/json_api.js';
import { sendBody, sendJson } from '../../http/response.js';
import { CONSOLE_CSS, CONSOLE_HTML, CONSOLE_JS } from './assets.js';
import { SESSION_COOKIE, clearedSessionCookie, sameOrigin, sessionCookie } from './session.js';
import { DEFAULT_SEPM_POLICY_TYPE } from '../../sepm-rest/policy_types.js';
import {
  DEFAULT_PAGE_SIZE,
  pageInfo,
  pageOffset,
  pageRequest,
  type PageRequest,
} from '../../http/paging.js';

/**
 * The console's Content-Security-Policy: its own script, style and fetches only; no inline code,
 * no `eval`, no plugins, no framing, no `<base>` tricks, forms only to itself.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const PAGE_HEADERS = {
  'Content-Security-Policy': CONSOLE_CSP,
  'Cross-Origin-Opener-Policy': 'same-origin',
};

// One page of the registered clients, most recently seen first.
function clientsPage(ctx: ConsoleDeps, p: PageRequest) {
  return {
    page: pageInfo(p, ctx.activity.totals().clients),
    clients: ctx.activity.clients(pageOffset(p), p.pageSize).map((c) => ({
      clientId: c.clientId,
      hostname: c.hostname ?? null,
      heartbeats: c.heartbeats,
      downloads: c.downloads,
      lastSeen: c.lastSeen.toISOString(),
    })),
  };
}

function overview(ctx: ConsoleDeps) {
  const first = clientsPage(ctx, { pageIndex: 1, pageSize: DEFAULT_PAGE_SIZE });
  const cert = ctx.site.identity.certificate;
  return {
    certificate: {
      subject: cert.subject,
      issuer: cert.issuer,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      serialNumber: cert.serialNumber,
      sha256: formatFingerprint(certificateFingerprint(cert)),
    },
    siteCertificates: ctx.trusted().map((c) => ({
      subject: c.subject,
      sha256: formatFingerprint(certificateFingerprint(c)),
    })),
    domainId: ctx.site.domainId,
    kcsFingerprint: ctx.site.kcs.fingerprint(),
    policies: ctx.store.list().map((p) => ({
      name: p.name,
      policytype: ctx.store.meta(p.name)?.policytype ?? DEFAULT_SEPM_POLICY_TYPE,
      serial: p.serial,
      size: p.size,
      sha256: p.sha256,
    })),
    // The first page only; `/console/api/clients` gives the others.
    clients: first.clients,
    clientsPage: first.page,
    peers: ctx.replicator.status().map((p) => ({
      address: p.address,
      managerPort: p.managerPort,
      subject: p.subject,
      // Same colon form as the server certificate's.
      fingerprint: p.fingerprint.toUpperCase().match(/../g)!.join(':'),
      lastSuccess: p.lastSuccess?.toISOString() ?? null,
      lastError: p.lastError ?? null,
      lastIndexSerial: p.lastIndexSerial ?? null,
      withdrawn: p.withdrawn,
    })),
  };
}

/** The console's request listener; calls `next()` for paths it does not own. */
export function consoleHandler(ctx: ConsoleDeps) {
  return async (req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> => {
    const url = splitUrl(req);
    if (url === undefined) return sendError(req, res, 400, 'bad_request', 'malformed URL');
    const { path } = url;
    const method = req.method ?? 'GET';
    if (path === '/' || path === '/console') {
      res.writeHead(303, { Location: '/console/', 'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (!path.startsWith('/console/')) return next();
    const isRead = method === 'GET' || method === 'HEAD';

    // Static files: public (they hold no site data), strict CSP on each.
    const statics: Record<string, [string, string]> = {
      '/console/': ['text/html; charset=utf-8', CONSOLE_HTML],
      '/console/app.js': ['text/javascript; charset=utf-8', CONSOLE_JS],
      '/console/app.css': ['text/css; charset=utf-8', CONSOLE_CSS],
    };
    const file = Object.hasOwn(statics, path) ? statics[path] : undefined;
    if (file !== undefined) {
      if (!isRead) return methodNotAllowed(req, res, ['GET', 'HEAD']);
      return sendBody(req, res, 200, file[0], file[1], PAGE_HEADERS);
    }

    if (path === '/console/api/login') {
      if (method !== 'POST') return methodNotAllowed(req, res, ['POST']);
      if (!sameOrigin(req))
        return sendError(req, res, 403, 'forbidden', 'cross-origin request refused');
      const body = await readJson(req, res, 16 * 1024);
      if (body === undefined) return;
      const issued = await login(ctx, req, res, body.value, 'session');
      if (issued === undefined) return;
      res.writeHead(204, {
        'Set-Cookie': sessionCookie(issued.token, ctx.sessionTtlMs / 1000),
        'Cache-Control': 'no-store',
      });
      return void res.end();
    }
    if (path === '/console/api/logout') {
      if (method !== 'POST') return methodNotAllowed(req, res, ['POST']);
      if (!sameOrigin(req))
        return sendError(req, res, 403, 'forbidden', 'cross-origin request refused');
      ctx.tokens.revoke(cookie(req, SESSION_COOKIE));
      res.writeHead(204, { 'Set-Cookie': clearedSessionCookie(), 'Cache-Control': 'no-store' });
      return void res.end();
    }

    const session = ctx.tokens.lookup(cookie(req, SESSION_COOKIE), ['session']);
    if (session === undefined) return sendError(req, res, 401, 'unauthorized', 'log on first');
    if (path === '/console/api/overview') {
      if (!isRead) return methodNotAllowed(req, res, ['GET', 'HEAD']);
      return sendJson(req, res, 200, overview(ctx));
    }
    if (path === '/console/api/clients') {
      if (!isRead) return methodNotAllowed(req, res, ['GET', 'HEAD']);
      const p = pageRequest(url.query);
      if (p === undefined) {
        return sendError(req, res, 400, 'bad_request', 'pageIndex >= 1 and 1 <= pageSize <= 1000');
      }
      return sendJson(req, res, 200, clientsPage(ctx, p));
    }
    if (path === '/console/sylink.xml') {
      if (!isRead) return methodNotAllowed(req, res, ['GET', 'HEAD']);
      // It holds the Kcs: administrators only, never cached.
      if (session.role !== 'administrator') {
        return sendError(req, res, 403, 'forbidden', 'this account may not download sylink.xml');
      }
      return sendBody(req, res, 200, 'application/xml; charset=utf-8', buildSylink(ctx.sylink()), {
        'Content-Disposition': 'attachment; filename="sylink.xml"',
      });
    }
    return sendError(req, res, 404, 'not_found', 'no such resource');
  };
}
