/**
 * Small HTTP helpers shared by the web services (8446), reporting (8445) and console/replication
 * (8443) handlers: JSON answers with security headers, SEPM-shaped JSON errors, bounded JSON
 * bodies, bearer tokens and cookies.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Mozilla "intermediate": HSTS for two years, sent only over TLS (RFC 6797 §7.2). */
const HSTS = 'max-age=63072000';

/**
 * Headers on every answer of these ports: no MIME sniffing, no framing, no referrer, no caching
 * of authenticated data (answers carry tokens and site details).
 */
export const BASE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/** Sends `body` with {@link BASE_HEADERS}, HSTS over TLS, and no body for `HEAD`. */
export function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string | undefined,
  body: string | Buffer | undefined,
  extra?: Record<string, string | string[]>,
): void {
  const headers: Record<string, string | string[] | number> = { ...BASE_HEADERS, ...extra };
  if (type !== undefined) headers['Content-Type'] = type;
  if (body !== undefined) {
    headers['Content-Length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  }
  if ((req.socket as { encrypted?: boolean }).encrypted)
    headers['Strict-Transport-Security'] = HSTS;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Sends `value` as `application/json`. */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
  extra?: Record<string, string | string[]>,
): void {
  sendBody(req, res, status, 'application/json; charset=utf-8', JSON.stringify(value), extra);
}

/**
 * Sends a JSON error shaped like SEPM's REST errors (`errorCode` is the HTTP status as a string,
 * `errorMessage` a human sentence; PSSEPM swagger), plus a stable machine `error` tag.
 */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  message: string,
  extra?: Record<string, string | string[]>,
): void {
  sendJson(req, res, status, { errorCode: String(status), errorMessage: message, error }, extra);
}

/** 405 with `Allow`. */
export function methodNotAllowed(
  req: IncomingMessage,
  res: ServerResponse,
  allow: readonly string[],
): void {
  sendError(req, res, 405, 'method_not_allowed', 'method not allowed', { Allow: allow.join(', ') });
}

/** What {@link readJson} resolves to: the parsed value, or `undefined` once it has answered. */
export type JsonBody = { readonly value: unknown } | undefined;

/**
 * Reads a JSON request body: `Content-Type` must be `application/json` (415), at most `max` bytes
 * (413, also enforced while streaming, not only from `Content-Length`), strict UTF-8 and valid
 * JSON (400). Answers the error itself and resolves `undefined` in those cases.
 */
export function readJson(
  req: IncomingMessage,
  res: ServerResponse,
  max: number,
): Promise<JsonBody> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    // Drain nothing: the connection is closed so an unread body cannot desynchronise it.
    sendError(req, res, 415, 'unsupported_media_type', 'expected Content-Type: application/json', {
      Connection: 'close',
    });
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: JsonBody) => {
      if (done) return;
      done = true;
      resolve(v);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        sendError(req, res, 413, 'payload_too_large', `request body larger than ${max} bytes`, {
          Connection: 'close',
        });
        req.resume();
        finish(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        sendError(req, res, 400, 'bad_request', 'request body is not UTF-8 JSON');
        finish(undefined);
        return;
      }
      finish({ value });
    });
    req.on('error', () => finish(undefined));
    req.on('aborted', () => finish(undefined));
  });
}

/** The bearer token of `Authorization: Bearer <token>` (RFC 6750 §2.1), if well formed. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(h.trim());
  return m?.[1];
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
