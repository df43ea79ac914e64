/**
 * The one response layer of every manager port: security headers, HSTS over TLS, no body for
 * `HEAD`, precomputed answers for the hot paths (index and policy downloads), conditional GET,
 * and bounded request bodies. The port roles choose their header set and error shape on top.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Mozilla "intermediate": HSTS for two years, sent only over TLS (RFC 6797 §7.2). */
export const HSTS = 'max-age=63072000';

/** A header set: name to value. */
export type Headers = Readonly<Record<string, string | string[]>>;

/**
 * Headers of the authenticated ports (REST, console, reporting, replication): no MIME sniffing,
 * no framing, no referrer, no caching (answers carry tokens and site details).
 */
export const BASE_HEADERS: Headers = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/**
 * Headers of the distribution ports (443/8014): public, signed data that clients revalidate with
 * `If-None-Match` (RFC 9111 §5.2.2.4 `no-cache`), never sniffed.
 */
export const DISTRIBUTION_HEADERS: Headers = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
});

function overTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

/**
 * Sends `body` with the `base` headers (default {@link BASE_HEADERS}) then `extra`, HSTS over
 * TLS, and no body for `HEAD`.
 */
export function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string | undefined,
  body: string | Buffer | undefined,
  extra?: Headers,
  base: Headers = BASE_HEADERS,
): void {
  const headers: Record<string, string | string[] | number> = { ...base, ...extra };
  if (type !== undefined) headers['Content-Type'] = type;
  if (body !== undefined) {
    headers['Content-Length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  }
  if (overTls(req)) headers['Strict-Transport-Security'] = HSTS;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Sends `value` as `application/json; charset=utf-8` with {@link BASE_HEADERS}. */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
  extra?: Headers,
): void {
  sendBody(req, res, status, 'application/json; charset=utf-8', JSON.stringify(value), extra);
}

/** The strong `ETag` of a body: its quoted SHA-256 hex (RFC 9110 §8.8.3). */
export function etagOf(sha256: string): string {
  return `"${sha256}"`;
}

/**
 * Whether an `If-None-Match` header value matches `etag` (RFC 9110 §13.1.2: weak comparison,
 * a comma-separated list, or `*`).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  for (const part of header.split(',')) {
    let tag = part.trim();
    if (tag.startsWith('W/')) tag = tag.slice(2);
    if (tag === etag) return true;
  }
  return false;
}

/** A cached response body with its headers precomputed (the hot path does no allocation). */
export interface CachedBody {
  readonly body: Buffer;
  readonly etag: string;
  /** Flat `[name, value, ...]` header lists for 200 over TLS / plain HTTP, and for 304. */
  readonly tls200: readonly string[];
  readonly plain200: readonly string[];
  readonly tls304: readonly string[];
  readonly plain304: readonly string[];
}

/** Precomputes the headers of a cached body ({@link DISTRIBUTION_HEADERS} + `ETag`). */
export function cachedBody(body: Buffer, etag: string, type: string): CachedBody {
  const common = [...Object.entries(DISTRIBUTION_HEADERS).flat(), 'ETag', etag] as string[];
  const ok = [...common, 'Content-Type', type, 'Content-Length', String(body.length)];
  return {
    body,
    etag,
    plain200: ok,
    tls200: [...ok, 'Strict-Transport-Security', HSTS],
    plain304: common,
    tls304: [...common, 'Strict-Transport-Security', HSTS],
  };
}

/** Answers with a cached body: 304 when `If-None-Match` hits, else 200 (no body for `HEAD`). */
export function sendCached(req: IncomingMessage, res: ServerResponse, c: CachedBody): void {
  const tls = overTls(req);
  const inm = req.headers['if-none-match'];
  if (inm !== undefined && ifNoneMatchHits(inm, c.etag)) {
    res.writeHead(304, (tls ? c.tls304 : c.plain304) as string[]);
    res.end();
    return;
  }
  res.writeHead(200, (tls ? c.tls200 : c.plain200) as string[]);
  res.end(req.method === 'HEAD' ? undefined : c.body);
}

/** What {@link readBody} resolves to. */
export type BodyRead =
  | { readonly kind: 'body'; readonly body: Buffer }
  /** More than `max` bytes arrived; the caller answers 413. */
  | { readonly kind: 'tooLarge' }
  /** The client hung up mid-body: not a handler failure, nothing to answer. */
  | { readonly kind: 'gone' };

/**
 * Reads a request body of at most `max` bytes, counted while streaming (a lying or missing
 * `Content-Length` does not help); a declared `Content-Length` above `max` is refused before
 * anything is read.
 */
export function readBody(req: IncomingMessage, max: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return Promise.resolve({ kind: 'tooLarge' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyRead) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) finish({ kind: 'tooLarge' });
      else chunks.push(chunk);
    });
    req.on('end', () => finish({ kind: 'body', body: Buffer.concat(chunks) }));
    req.on('error', () => finish({ kind: 'gone' }));
    req.on('aborted', () => finish({ kind: 'gone' }));
  });
}
