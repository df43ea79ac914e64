/**
 * The request and answer the SEPM REST handler works on: plain data, so that the handler runs
 * on any server (the manager's webServices port, a host's own server, a test) and its answers can
 * be checked without a socket. `listener.ts` adapts it to `node:http`.
 *
 * @module
 */

/** One REST request. */
export interface RestRequest {
  readonly method: string;
  /** The path as sent, without the query (not normalised: `..` matches no route). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The `Authorization` header. */
  readonly authorization?: string;
  /** The `Content-Type` header. */
  readonly contentType?: string;
  /** The TCP peer (login throttling; never taken from a header). */
  readonly remoteAddress: string;
  /** Reads the body: at most `max` bytes, else `'too_large'` (the rest is not read). */
  body(max: number): Promise<Uint8Array | 'too_large'>;
}

/** One answer: a status, a JSON value (or none), extra headers. */
export interface RestResponse {
  readonly status: number;
  /** Serialised as JSON; `undefined`: no body (204). */
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** `200` (or `status`) with `value` as JSON. */
export function ok(value: unknown, status = 200, headers?: Record<string, string>): RestResponse {
  return headers === undefined ? { status, json: value } : { status, json: value, headers };
}

/** `204 No Content`. */
export const NO_CONTENT: RestResponse = Object.freeze({ status: 204 });
