/**
 * The SEPM REST handler as a `node:http` request listener: builds a {@link RestRequest} from the
 * incoming message with the shared request helpers (`../http/request.ts`; the body read lazily by
 * `../http/response.ts` `readBody`, bounded while streaming) and writes the
 * {@link RestResponse} as JSON with the web services' security headers.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { remoteAddress, splitUrl } from '../http/request.js';
import { readBody, sendBody } from '../http/response.js';
import type { RestRequest, RestResponse } from './exchange.js';
import { badRequest, sepmError, SEPM_MESSAGES } from './errors.js';
import type { SepmRestHandler } from './router.js';

/** A request listener (`next` is accepted for the manager's chain and never called). */
export type SepmRestListener = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: () => void,
) => Promise<void>;

function toRestRequest(req: IncomingMessage): RestRequest | undefined {
  const url = splitUrl(req);
  if (url === undefined) return undefined;
  const { authorization } = req.headers;
  const contentType = req.headers['content-type'];
  return {
    method: req.method ?? 'GET',
    path: url.path,
    query: url.query,
    ...(authorization !== undefined ? { authorization } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
    remoteAddress: remoteAddress(req),
    async body(max) {
      const read = await readBody(req, max);
      if (read.kind === 'tooLarge') return 'too_large';
      // A client that hung up mid-body gets an empty one: the answer (400) goes nowhere anyway.
      return read.kind === 'gone' ? new Uint8Array(0) : read.body;
    },
  };
}

function send(req: IncomingMessage, res: ServerResponse, answer: RestResponse): void {
  const extra = { ...answer.headers };
  if (answer.json === undefined) {
    return sendBody(req, res, answer.status, undefined, undefined, extra);
  }
  sendBody(
    req,
    res,
    answer.status,
    'application/json;charset=UTF-8',
    JSON.stringify(answer.json),
    extra,
  );
}

/**
 * SEPM's 413 and 500 bodies for the manager's request chain (a body refused by `Content-Length`
 * before the handler runs, a handler in front of it that threw).
 */
export function sepmChainAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  status: 413 | 500,
): void {
  const message = status === 413 ? 'The request body is too large.' : SEPM_MESSAGES.serverError;
  send(req, res, sepmError(status, message, { Connection: 'close' }));
}

/**
 * Wraps `handler` for `node:http`/`node:https`. A handler failure answers SEPM's 500 body and is
 * rethrown, so the server's own error path (the manager's `onError`) still sees it.
 */
export function sepmRestListener(handler: SepmRestHandler): SepmRestListener {
  return async (req, res) => {
    const rest = toRestRequest(req);
    if (rest === undefined) return send(req, res, badRequest());
    try {
      send(req, res, await handler(rest));
    } catch (e) {
      if (!res.headersSent) {
        send(req, res, sepmError(500, SEPM_MESSAGES.serverError, { Connection: 'close' }));
      }
      throw e;
    }
  };
}
