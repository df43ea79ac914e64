/**
 * The reporting port (8445): client registrations, heartbeats and policy downloads, as JSON
 * (`GET /reporting/api/v1/activity`) and as a small HTML page (`GET /reporting/`), one page of
 * clients at a time (`pageIndex`, `pageSize`; `http/paging.ts`). Both need a live token: a REST
 * bearer token from 8446, or the console's session cookie.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReportingDeps } from '../context.js';
import { bearerToken, cookie, splitUrl } from '../../http/request.js';
import { methodNotAllowed, sendError } from '../../http/json_api.js';
import { sendBody, sendJson } from '../../http/response.js';
import { SESSION_COOKIE } from '../console/session.js';
import type { ClientActivity } from '../activity.js';
import { pageInfo, pageOffset, pageRequest, type PageRequest } from '../../http/paging.js';

/** Path of the JSON report. */
export const REPORTING_JSON_PATH = '/reporting/api/v1/activity';
/** Path of the HTML report. */
export const REPORTING_HTML_PATH = '/reporting/';

// No script, no style, nothing loaded: the page is a table.
const HTML_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Escapes text for HTML element content and quoted attributes (host names come from clients). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function activityJson(ctx: ReportingDeps, p: PageRequest) {
  const totals = ctx.activity.totals();
  return {
    generatedAt: new Date(ctx.now()).toISOString(),
    domainId: ctx.site.domainId,
    totals,
    page: pageInfo(p, totals.clients),
    clients: ctx.activity.clients(pageOffset(p), p.pageSize).map((c) => ({
      clientId: c.clientId,
      hostname: c.hostname ?? null,
      registeredAt: c.registeredAt.toISOString(),
      heartbeats: c.heartbeats,
      downloads: c.downloads,
      lastSeen: c.lastSeen.toISOString(),
      lastAddress: c.lastAddress ?? null,
    })),
  };
}

function row(c: ClientActivity): string {
  const cells = [
    c.clientId,
    c.hostname ?? '',
    c.registeredAt.toISOString(),
    String(c.heartbeats),
    String(c.downloads),
    c.lastSeen.toISOString(),
    c.lastAddress ?? '',
  ];
  return `<tr>${cells.map((x) => `<td>${escapeHtml(x)}</td>`).join('')}</tr>`;
}

// Links to the neighbouring pages (numbers only: nothing from the request is echoed).
function pager(p: PageRequest, total: number): string {
  const info = pageInfo(p, total);
  const link = (i: number, text: string) =>
    `<a href="${REPORTING_HTML_PATH}?pageIndex=${i}&amp;pageSize=${p.pageSize}">${text}</a>`;
  const parts = [`Page ${info.pageIndex} of ${info.totalPages}`];
  if (info.pageIndex > 1)
    parts.unshift(link(Math.min(info.pageIndex - 1, info.totalPages), 'newer'));
  if (!info.lastPage) parts.push(link(info.pageIndex + 1, 'older'));
  return `<p>${parts.join(' · ')}</p>`;
}

function activityHtml(ctx: ReportingDeps, p: PageRequest): string {
  const t = ctx.activity.totals();
  const clients = ctx.activity.clients(pageOffset(p), p.pageSize);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SEPM reporting</title></head>
<body>
<h1>Client activity</h1>
<p>Domain ${escapeHtml(ctx.site.domainId)}, generated ${escapeHtml(new Date(ctx.now()).toISOString())}</p>
<table>
<tr><th>Registrations</th><th>Heartbeats</th><th>Downloads</th><th>Registered clients</th></tr>
<tr><td>${t.registrations}</td><td>${t.heartbeats}</td><td>${t.downloads}</td><td>${t.clients}</td></tr>
</table>
<h2>Clients</h2>
${pager(p, t.clients)}
<table>
<tr><th>Client id</th><th>Host name</th><th>Registered</th><th>Heartbeats</th><th>Downloads</th><th>Last seen</th><th>Last address</th></tr>
${clients.map(row).join('\n')}
</table>
</body></html>
`;
}

/** The request listener of the reporting port; calls `next()` outside `/reporting`. */
export function reportingHandler(ctx: ReportingDeps) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = splitUrl(req);
    if (url === undefined) return sendError(req, res, 400, 'bad_request', 'malformed URL');
    const { path } = url;
    if (path !== '/reporting' && !path.startsWith('/reporting/')) return next();
    const method = req.method ?? 'GET';
    if (path === '/reporting') {
      res.writeHead(308, { Location: REPORTING_HTML_PATH });
      return void res.end();
    }
    const info =
      ctx.tokens.lookup(bearerToken(req), ['bearer']) ??
      ctx.tokens.lookup(cookie(req, SESSION_COOKIE), ['session']);
    if (info === undefined) {
      return sendError(req, res, 401, 'unauthorized', 'missing, invalid or expired token', {
        'WWW-Authenticate': 'Bearer realm="sepm"',
      });
    }
    if (path !== REPORTING_JSON_PATH && path !== REPORTING_HTML_PATH) {
      return sendError(req, res, 404, 'not_found', 'no such resource');
    }
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, ['GET', 'HEAD']);
    const p = pageRequest(url.query);
    if (p === undefined) {
      return sendError(req, res, 400, 'bad_request', 'pageIndex >= 1 and 1 <= pageSize <= 1000');
    }
    if (path === REPORTING_JSON_PATH) return sendJson(req, res, 200, activityJson(ctx, p));
    return sendBody(req, res, 200, 'text/html; charset=utf-8', activityHtml(ctx, p), {
      'Content-Security-Policy': HTML_CSP,
    });
  };
}
