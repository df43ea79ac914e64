/**
 * The `client` (443) and `clientHttp` (8014) port role: this library's distribution protocol
 * (docs/protocol.md §2): health check, registration, the signed index, endorsements and sealed
 * policy downloads. Both ports serve the very same sealed bytes: the seal (signature + Twofish),
 * not the channel, protects a policy.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  PATH_ENDORSEMENTS,
  PATH_HELLO,
  PATH_INDEX,
  PATH_POLICY_PREFIX,
  PATH_REGISTER,
  isPolicyName,
} from '../../../protocol/index.js';
import {
  DISTRIBUTION_HEADERS,
  readBody,
  sendBody,
  sendCached,
  type CachedBody,
  type Headers,
} from '../../http/response.js';
import type { PolicyStore } from '../policy_store.js';
import type { ClientRegistry } from '../clients.js';

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra?: Headers,
): void {
  sendBody(req, res, status, type, body, extra, DISTRIBUTION_HEADERS);
}

// This protocol's error body is `{"error": "..."}` (docs/protocol.md §2).
function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  extra?: Headers,
): void {
  send(req, res, status, 'application/json', JSON.stringify({ error }), extra);
}

/** Options of {@link distributionHandler}. */
export interface DistributionOptions {
  readonly store: PolicyStore;
  readonly domainId: string;
  readonly clients: ClientRegistry;
  readonly maxBodyBytes: number;
  /** The endorsement list body (docs/protocol.md §2.5), built once. */
  readonly endorsements: CachedBody;
}

/** A group path as sylink writes it (`My Company\\Workstations`): 1..512 characters, no controls. */
function isPreferredGroup(v: unknown): v is string {
  // eslint-disable-next-line no-control-regex
  return typeof v === 'string' && /^[^\u0000-\u001f\u007f]{1,512}$/u.test(v);
}

/**
 * The default request handler of the `client` and `clientHttp` ports. Calls `next()` for paths
 * that are not part of the protocol (404 by default).
 */
export function distributionHandler(options: DistributionOptions) {
  const { store, domainId, clients, maxBodyBytes, endorsements } = options;
  const register = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await readBody(req, maxBodyBytes);
    if (read.kind === 'gone') return;
    if (read.kind === 'tooLarge') {
      return sendError(req, res, 413, 'request body too large', { Connection: 'close' });
    }
    const body = read.body;
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      return sendError(req, res, 400, 'body is not UTF-8 JSON');
    }
    const d = doc as { domainId?: unknown; hostname?: unknown; preferredGroup?: unknown } | null;
    if (typeof d !== 'object' || d === null || typeof d.domainId !== 'string') {
      return sendError(req, res, 400, 'domainId is required');
    }
    if (d.hostname !== undefined && (typeof d.hostname !== 'string' || d.hostname.length > 255)) {
      return sendError(req, res, 400, 'bad hostname');
    }
    if (d.preferredGroup !== undefined && !isPreferredGroup(d.preferredGroup)) {
      return sendError(req, res, 400, 'bad preferredGroup');
    }
    if (d.domainId !== domainId) return sendError(req, res, 403, 'unknown domain');
    // Never a permanent refusal: an older registration of the busiest network makes room.
    const client = clients.register(d.hostname as string | undefined, req.socket.remoteAddress, {
      ...(d.preferredGroup !== undefined ? { preferredGroup: d.preferredGroup as string } : {}),
      ...(req.socket.remoteAddress !== undefined ? { address: req.socket.remoteAddress } : {}),
    });
    const clientId = client.clientId;
    return send(req, res, 200, 'application/json', JSON.stringify({ clientId, domainId }));
  };
  const indexSlow = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    sendCached(req, res, await store.index());
  };
  // Synchronous on the hot paths (index, policy): no promise per request.
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void | Promise<void> => {
    const url = req.url ?? '';
    const method = req.method ?? 'GET';
    if (url === PATH_HELLO) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return send(req, res, 200, 'text/plain; charset=utf-8', 'OK');
    }
    if (url === PATH_INDEX) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      const idx = store.cachedIndex;
      return idx === undefined ? indexSlow(req, res) : sendCached(req, res, idx);
    }
    if (url === PATH_ENDORSEMENTS) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return sendCached(req, res, endorsements);
    }
    if (url.startsWith(PATH_POLICY_PREFIX)) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      let name: string;
      try {
        name = decodeURIComponent(url.slice(PATH_POLICY_PREFIX.length));
      } catch {
        return sendError(req, res, 400, 'bad policy name');
      }
      if (!isPolicyName(name)) return sendError(req, res, 400, 'bad policy name');
      const p = store.get(name);
      if (p === undefined) return sendError(req, res, 404, 'no such policy');
      return sendCached(req, res, p.cached);
    }
    if (url === PATH_REGISTER) {
      if (method !== 'POST')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'POST' });
      return register(req, res);
    }
    next();
  };
}

/** The fall-through answer of every port: 404 in JSON. */
export function notFound(req: IncomingMessage, res: ServerResponse): void {
  sendError(req, res, 404, 'not found');
}
