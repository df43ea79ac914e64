/**
 * The request listener shape every manager role and user handler has: Node's `(req, res)` plus
 * `next()` to fall through to what is mounted after it (docs/node.md "Handlers").
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request listener for one port. Call `next()` to fall through to the port's default handler
 * (a handler *beside* the defaults); answer the request yourself and never call `next()` to
 * replace them. A plain `(req, res)` listener therefore replaces the defaults.
 */
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
) => void | Promise<void>;
