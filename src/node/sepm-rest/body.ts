/**
 * JSON request bodies (docs/rest-api.md "Errors"): `Content-Type: application/json` (else 415),
 * at most a given size (else 413, and the connection is closed so the unread rest cannot be
 * taken for a request), strict UTF-8 JSON (else 400): the checks of `../http/json_api.ts`
 * `readJson`, answered in SEPM's error shape.
 *
 * @module
 */
import { isJsonContentType, parseJsonUtf8 } from '../http/json_api.js';
import type { RestRequest, RestResponse } from './exchange.js';
import { badRequest, sepmError } from './errors.js';

/** The parsed body, or the error answer to send. */
export type JsonBodyResult = { readonly value: unknown } | { readonly response: RestResponse };

/** Reads and parses a JSON body of at most `max` bytes. */
export async function readJsonBody(req: RestRequest, max: number): Promise<JsonBodyResult> {
  if (!isJsonContentType(req.contentType)) {
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
  return parseJsonUtf8(bytes) ?? { response: badRequest() };
}
