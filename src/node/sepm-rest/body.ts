/**
 * JSON request bodies (docs/rest-api.md "Errors"): `Content-Type: application/json` (else 415),
 * at most a given size (else 413, and the connection is closed so the unread rest cannot be
 * taken for a request), strict UTF-8 JSON (else 400).
 *
 * @module
 */
import type { RestRequest, RestResponse } from './exchange.js';
import { badRequest, sepmError } from './errors.js';

/** The parsed body, or the error answer to send. */
export type JsonBodyResult = { readonly value: unknown } | { readonly response: RestResponse };

/** Reads and parses a JSON body of at most `max` bytes. */
export async function readJsonBody(req: RestRequest, max: number): Promise<JsonBodyResult> {
  const type = (req.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return {
      response: sepmError(415, 'The request body must be application/json.', {
        Connection: 'close',
      }),
    };
  }
  const bytes = await req.body(max);
  if (bytes === 'too_large') {
    return {
      response: sepmError(413, `The request body is larger than ${max} bytes.`, {
        Connection: 'close',
      }),
    };
  }
  try {
    return { value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    return { response: badRequest() };
  }
}
