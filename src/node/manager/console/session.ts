/**
 * The console session cookie and the checks on state-changing console requests.
 *
 * The cookie carries a random session token (the same store as REST tokens, kind `'session'`):
 * `__Host-` prefix (RFC 6265bis §4.1.3.2: Secure, `Path=/`, no `Domain`, so no sibling host can
 * set or shadow it), `HttpOnly` (no script reads it), `SameSite=Strict` (no cross-site request
 * carries it). POSTs must also come from the console's own origin (`Origin` check, OWASP CSRF
 * Prevention Cheat Sheet "Verifying Origin With Standard Headers").
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** Name of the console session cookie. */
export const SESSION_COOKIE = '__Host-sepm-console';

/** `Set-Cookie` value that installs a session for `maxAgeSeconds`. */
export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeSeconds)}`;
}

/** `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
}

/**
 * Whether a state-changing request comes from this console's own origin: `Origin` must be
 * present and equal `https://<Host>`, and `Sec-Fetch-Site`, when the browser sends it, must be
 * `same-origin`. Requests without `Origin` (non-browser tools) must add it.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (typeof origin !== 'string' || typeof host !== 'string') return false;
  if (origin !== `https://${host}`) return false;
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin';
}
