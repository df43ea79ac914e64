/**
 * What the handlers read from a request beside the body: bearer tokens (RFC 6750), cookies
 * (RFC 6265), the path and query, the remote address.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';

/**
 * The token of an `Authorization` header value `Bearer <token>` (RFC 6750 §2.1: the b64token
 * syntax), if well formed. Takes the value, not the request, so that handlers which do not see a
 * `node:http` request (the SEPM REST handler) share it.
 */
export function bearerOf(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim())?.[1];
}

/** The bearer token of `Authorization: Bearer <token>` (RFC 6750 §2.1), if well formed. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return bearerOf(req.headers.authorization);
}

/** The value of cookie `name` (RFC 6265 §5.4), if present once. */
export function cookie(req: IncomingMessage, name: string): string | undefined {
  const h = req.headers.cookie;
  if (typeof h !== 'string') return undefined;
  let found: string | undefined;
  for (const part of h.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() !== name) continue;
    // A duplicated session cookie (cookie tossing from a sibling host) is refused outright.
    if (found !== undefined) return undefined;
    found = part.slice(i + 1).trim();
  }
  return found;
}

/**
 * The request path (no query, not normalised: `..` and `//` stay as sent, so they match no route)
 * and its query parameters; `undefined` for a request target that is not an origin-form path.
 */
export function splitUrl(
  req: IncomingMessage,
): { path: string; query: URLSearchParams } | undefined {
  const raw = req.url ?? '/';
  if (!raw.startsWith('/')) return undefined;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  return { path, query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

/** The remote address, for throttling (never trusted from headers such as `X-Forwarded-For`). */
export function remoteAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
