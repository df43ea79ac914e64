/**
 * The login step shared by the REST API (8446) and the console (8443): throttle per address and
 * per source network, then a constant-time credential check whose hashing slot the source
 * network waits its turn for, then a token (docs/rest-api.md "Authentication", docs/node.md
 * "Abuse limits").
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenInfo } from './auth.js';
import type { LoginDeps } from './context.js';
import { remoteAddress } from '../http/request.js';
import { sendError } from '../http/json_api.js';
import { lockedOutDelay } from './login_delay.js';

/**
 * Handles a login attempt (shared by REST and console): throttle, then constant-time check.
 * Answers errors itself; resolves the token info on success.
 */
export async function login(
  ctx: LoginDeps,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  kind: TokenInfo['kind'],
): Promise<{ token: string; info: TokenInfo } | undefined> {
  const from = remoteAddress(req);
  const wait = ctx.throttle.retryAfterMs(from);
  if (wait > 0) {
    await lockedOutDelay(wait);
    if (res.destroyed) return undefined;
    sendError(req, res, 429, 'too_many_requests', 'too many failed logins; retry later', {
      'Retry-After': String(Math.ceil(wait / 1000)),
    });
    return undefined;
  }
  const b = body as { username?: unknown; password?: unknown; domain?: unknown } | null;
  if (
    typeof b !== 'object' ||
    b === null ||
    typeof b.username !== 'string' ||
    typeof b.password !== 'string' ||
    b.username.length > 256 ||
    b.password.length > 1024 ||
    (b.domain !== undefined && b.domain !== null && typeof b.domain !== 'string')
  ) {
    sendError(req, res, 400, 'bad_request', 'expected { username, password, domain }');
    return undefined;
  }
  if (ctx.auth === undefined) {
    sendError(req, res, 401, 'unauthorized', 'invalid username or password');
    return undefined;
  }
  // SEPM's default domain is "" (also shown as "Default"); this manager serves one domain.
  const domain = typeof b.domain === 'string' ? b.domain : '';
  const domainOk = domain === '' || domain.toLowerCase() === 'default';
  const account = await ctx.auth.check(b.username, b.password, from);
  if (account === 'busy') {
    // A "busy" counts as a failure: else a flood that keeps the slots full is never throttled.
    ctx.throttle.failure(from);
    sendError(req, res, 503, 'busy', 'too many logins in progress; retry', { 'Retry-After': '1' });
    return undefined;
  }
  if (account === undefined || !domainOk) {
    ctx.throttle.failure(from);
    sendError(req, res, 401, 'unauthorized', 'invalid username or password');
    return undefined;
  }
  ctx.throttle.success(from);
  return ctx.tokens.issue(
    { username: account.username, role: account.role, domain: 'Default', kind },
    kind === 'session' ? ctx.sessionTtlMs : ctx.tokenTtlMs,
  );
}
