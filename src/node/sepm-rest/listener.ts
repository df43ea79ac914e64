/**
 * The SEPM REST handler as a `node:http` request listener: builds a {@link RestRequest} from the
 * incoming message (body read lazily, bounded while streaming) and writes the
 * {@link RestResponse} as JSON with the web services' security headers.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendBody } from '../http/response.js';
import type { RestRequest, RestResponse } from './exchange.js';
import { badRequest, sepmError, SEPM_MESSAGES } from './errors.js';
import type { SepmRestHandler } from './router.js';

/** A request listener (`next` is accepted for the manager's chain and never called). */
export type SepmRestListener = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: () => void,
) => Promise<void>;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads at most `max` bytes of the body (`Content-Length` is checked first, then the stream). */
function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | 'too_large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return Promise.resolve('too_large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Uint8Array | 'too_large') => {
      if (done) return;
      done = true;
      resolve(v);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        finish('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(new Uint8Array(Buffer.concat(chunks))));
    // An aborted upload gets an empty body: the answer (400) goes nowhere anyway.
    req.on('error', () => finish(new Uint8Array(0)));
    req.on('aborted', () => finish(new Uint8Array(0)));
  });
}

function toRestRequest(req: IncomingMessage): RestRequest | undefined {
  const raw = req.url ?? '/';
  if (!raw.startsWith('/')) return undefined;
  const q = raw.indexOf('?');
  const authorization = header(req, 'authorization');
  const contentType = header(req, 'content-type');
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? raw : raw.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
    ...(authorization !== undefined ? { authorization } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
    remoteAddress: req.socket.remoteAddress ?? 'unknown',
    body: (max) => readBody(req, max),
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
