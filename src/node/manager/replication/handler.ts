/**
 * The replication side of the manager port (8443): a pinned peer (mutual TLS, see `peers.ts`)
 * fetches this manager's signed index and sealed policies exactly as clients get them, and may
 * notify this manager that its own set changed. Anyone else gets 403.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPolicyName } from '../../../protocol/index.js';
import type { ReplicationDeps } from '../context.js';
import { methodNotAllowed, sendError } from '../../http/json_api.js';
import { sendBody, sendJson } from '../../http/response.js';
import { splitUrl } from '../../http/request.js';
import { REPLICATION_PATHS } from './replicator.js';

/** The request listener of the replication paths; calls `next()` outside `/replication/`. */
export function replicationHandler(ctx: ReplicationDeps) {
  return async (req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> => {
    const url = splitUrl(req);
    if (url === undefined) return next();
    const { path } = url;
    if (!path.startsWith('/replication/')) return next();
    const peer = ctx.peers.peerOf(req);
    if (peer === undefined) {
      return sendError(
        req,
        res,
        403,
        'forbidden',
        'replication is open to pinned peer managers only',
      );
    }
    const method = req.method ?? 'GET';
    if (path === REPLICATION_PATHS.index) {
      if (method !== 'GET') return methodNotAllowed(req, res, ['GET']);
      const idx = ctx.store.cachedIndex ?? (await ctx.store.index());
      return sendBody(req, res, 200, 'application/json', idx.body, { ETag: idx.etag });
    }
    if (path.startsWith(REPLICATION_PATHS.policyPrefix)) {
      if (method !== 'GET') return methodNotAllowed(req, res, ['GET']);
      // The path is still percent-encoded (`splitUrl` decodes nothing).
      let name: string;
      try {
        name = decodeURIComponent(path.slice(REPLICATION_PATHS.policyPrefix.length));
      } catch {
        return sendError(req, res, 400, 'bad_request', 'bad policy name');
      }
      if (!isPolicyName(name)) return sendError(req, res, 400, 'bad_request', 'bad policy name');
      const p = ctx.store.get(name);
      if (p === undefined) return sendError(req, res, 404, 'not_found', 'no such policy');
      const body = Buffer.from(p.sealed.buffer, p.sealed.byteOffset, p.sealed.byteLength);
      return sendBody(req, res, 200, 'application/octet-stream', body, { ETag: `"${p.sha256}"` });
    }
    if (path === REPLICATION_PATHS.notify) {
      if (method !== 'POST') return methodNotAllowed(req, res, ['POST']);
      // Pull in the background; the notifier does not wait for it.
      void ctx.replicator.pullFrom(peer);
      return sendJson(req, res, 202, { accepted: true });
    }
    return sendError(req, res, 404, 'not_found', 'no such resource');
  };
}
