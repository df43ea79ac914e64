/**
 * The request chain of one port: the body-size gate, the user's handler in front of the role's
 * default (`next()` falls through), 500 for a handler that throws, and the tracking of slow
 * responses so that a graceful close can still mark them `Connection: close`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler } from '../http/handler.js';

/**
 * The chain's own answers: `413` for a `Content-Length` above the limit (before any handler) and
 * `500` for a handler that threw, in the port's error shape (the SEPM REST port answers SEPM's).
 */
export type ChainErrorAnswer = (
  req: IncomingMessage,
  res: ServerResponse,
  status: 413 | 500,
) => void;

/** The default {@link ChainErrorAnswer}: `{"error": "..."}` (docs/protocol.md §2). */
export const plainErrorAnswer: ChainErrorAnswer = (_req, res, status) => {
  res.writeHead(status, { 'Content-Type': 'application/json', Connection: 'close' });
  res.end(status === 413 ? '{"error":"request body too large"}' : '{"error":"internal error"}');
};

/** What the chain needs beside the two handlers. */
export interface ChainOptions {
  /** Largest request body by `Content-Length`; larger gets 413 before any handler. */
  readonly maxBodyBytes: number;
  /** Whether the manager is closing (responses then carry `Connection: close`). */
  readonly closing: () => boolean;
  /** Responses not finished when their handler returned. */
  readonly inFlight: Set<ServerResponse>;
  /** Called with a handler's error (which also becomes a 500). */
  readonly onError: (error: unknown) => void;
  /** The fall-through answer after the role's default (404). */
  readonly notFound: (req: IncomingMessage, res: ServerResponse) => void;
  /** The 413 and 500 answers (default {@link plainErrorAnswer}). */
  readonly errorAnswer?: ChainErrorAnswer;
}

function failed(req: IncomingMessage, res: ServerResponse, answer: ChainErrorAnswer): void {
  if (!res.headersSent) answer(req, res, 500);
  // A handler that answered its own 500 and then threw: that answer is out; leave it be.
  else if (!res.writableEnded) res.destroy();
}

function run(
  h: Handler,
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
  onError: (e: unknown) => void,
  answer: ChainErrorAnswer,
): void {
  const fail = (e: unknown) => {
    onError(e);
    failed(req, res, answer);
  };
  try {
    const r = h(req, res, next);
    if (r !== undefined && typeof (r as Promise<void>).then === 'function') {
      (r as Promise<void>).then(undefined, fail);
    }
  } catch (e) {
    fail(e);
  }
}

/** The `(req, res)` listener of a port: `user` (if any) in front of `role`. */
export function requestChain(
  role: Handler,
  user: Handler | undefined,
  o: ChainOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const forget = (res: ServerResponse) => () => o.inFlight.delete(res);
  const answer = o.errorAnswer ?? plainErrorAnswer;
  return (req, res) => {
    if (o.closing()) res.setHeader('Connection', 'close');
    const cl = req.headers['content-length'];
    if (cl !== undefined && Number(cl) > o.maxBodyBytes) {
      answer(req, res, 413);
      return;
    }
    const toDefault = () => run(role, req, res, () => o.notFound(req, res), o.onError, answer);
    if (user === undefined) toDefault();
    else run(user, req, res, toDefault, o.onError, answer);
    // Responses answered at once (the protocol's hot paths) need no tracking.
    if (!res.headersSent) {
      o.inFlight.add(res);
      res.once('close', forget(res));
    }
  };
}
