/**
 * SEPM's error body (docs/rest-api.md "Errors"): `{ errorCode, appErrorCode, errorMessage }`,
 * `errorCode` the HTTP status as a string, as SEPM 14.3 RU9 answers (live capture:
 * `{"errorCode":"400","appErrorCode":"","errorMessage":"The policy type argument is invalid."}`).
 *
 * @module
 */
import type { RestResponse } from './exchange.js';

/**
 * Messages per status: SEPM's own where a capture shows it, else the spec's description of that
 * status (docs/rest-api.md "Errors").
 */
export const SEPM_MESSAGES = Object.freeze({
  badRequest: 'The parameters are invalid.',
  unauthorized:
    'The user that is currently logged on has insufficient rights to execute the web method, or the user is unauthorized.',
  forbidden:
    'The user that is currently logged on has insufficient rights to execute the web method.',
  notFound: 'The requested resource was not found.',
  gone: 'Cannot find the specified object.',
  serverError: 'The web service encountered an error while processing the web request.',
  policyType: 'The policy type argument is invalid.',
} as const);

/** SEPM's error body. */
export interface SepmErrorBody {
  readonly errorCode: string;
  readonly appErrorCode: string;
  readonly errorMessage: string;
}

/** An error answer in SEPM's shape. */
export function sepmError(
  status: number,
  message: string,
  headers?: Record<string, string>,
): RestResponse {
  const json: SepmErrorBody = {
    errorCode: String(status),
    appErrorCode: '',
    errorMessage: message,
  };
  return headers === undefined ? { status, json } : { status, json, headers };
}

/** `400` with the spec's message (or `message`). */
export const badRequest = (message: string = SEPM_MESSAGES.badRequest): RestResponse =>
  sepmError(400, message);

/** `404` with the spec's message. */
export const notFound = (): RestResponse => sepmError(404, SEPM_MESSAGES.notFound);

/** `405` with `Allow` (not in the spec; what any HTTP server answers). */
export const methodNotAllowed = (allow: readonly string[]): RestResponse =>
  sepmError(405, 'The method is not allowed for this resource.', { Allow: allow.join(', ') });
