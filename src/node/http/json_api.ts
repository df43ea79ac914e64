/**
 * JSON answers of the authenticated ports (REST 8446, reporting 8445, console and replication
 * 8443): errors shaped like SEPM's REST errors and bounded JSON request bodies, over the one
 * response layer (`response.ts`).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson, type Headers } from './response.js';

/**
 * Sends a JSON error shaped like SEPM's REST errors (`errorCode` is the HTTP status as a string,
 * `errorMessage` a human sentence; docs/rest-api.md), plus a stable machine `error` tag.
 */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  message: string,
  extra?: Headers,
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

/** Whether a `Content-Type` value is JSON's media type (RFC 8259 §11), parameters ignored. */
export function isJsonContentType(value: string | undefined): boolean {
  return (value ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** Parses strict UTF-8 JSON (RFC 8259 §8.1); `undefined` for bad UTF-8 or bad JSON. */
export function parseJsonUtf8(bytes: Uint8Array): { readonly value: unknown } | undefined {
  try {
    return { value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    return undefined;
  }
}

/** What {@link readJson} resolves to: the parsed value, or `undefined` once it has answered. */
export type JsonBody = { readonly value: unknown } | undefined;

/**
 * Reads a JSON request body: `Content-Type` must be `application/json` (415), at most `max` bytes
 * (413, also enforced while streaming, not only from `Content-Length`), strict UTF-8 and valid
 * JSON (400). Answers the error itself and resolves `undefined` in those cases.
 */
export async function readJson(
  req: IncomingMessage,
  res: ServerResponse,
  max: number,
): Promise<JsonBody> {
  if (!isJsonContentType(req.headers['content-type'])) {
    // Drain nothing: the connection is closed so an unread body cannot desynchronise it.
    sendError(req, res, 415, 'unsupported_media_type', 'expected Content-Type: application/json', {
      Connection: 'close',
    });
    return undefined;
  }
  const read = await readBody(req, max);
  if (read.kind === 'gone') return undefined;
  if (read.kind === 'tooLarge') {
    sendError(req, res, 413, 'payload_too_large', `request body larger than ${max} bytes`, {
      Connection: 'close',
    });
    req.resume();
    return undefined;
  }
  const parsed = parseJsonUtf8(read.body);
  if (parsed === undefined)
    sendError(req, res, 400, 'bad_request', 'request body is not UTF-8 JSON');
  return parsed;
}
