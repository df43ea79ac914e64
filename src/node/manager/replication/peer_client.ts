/**
 * One request from this manager to a peer's manager port over mutual TLS, through the one
 * pinned-TLS client (`http/pinned_client.ts`): this manager presents its own certificate, and
 * the peer must present exactly its pinned certificate; the request is written only after that
 * check.
 *
 * @module
 */
import { ManagerError } from '../../../errors.js';
import { ConnectFailure, PinnedHttpsAgent, request } from '../../http/pinned_client.js';
import type { ReplicationPeer } from './peers.js';

/** This manager's TLS client credentials (PEM). */
export interface OwnCredentials {
  readonly key: string;
  readonly cert: string;
}

/** A complete peer response. */
export interface PeerResponse {
  readonly status: number;
  readonly body: Buffer;
}

function described(peer: ReplicationPeer, e: unknown): unknown {
  if (e instanceof ConnectFailure) {
    // TLS 1.3: a peer that refuses our certificate does so after our handshake completed, so
    // the refusal shows up as a reset before any answer.
    return new ManagerError('ERR_MANAGER_UNREACHABLE', `peer ${peer.label}: ${e.message}`, {
      cause: e,
    });
  }
  if (e instanceof ManagerError) {
    return new ManagerError(e.code, `peer ${peer.label}: ${e.message}`, { cause: e });
  }
  return e;
}

/**
 * Sends one request to `peer` and reads the whole answer (at most `maxBytes`).
 *
 * @throws {@link ManagerError} `ERR_MANAGER_UNREACHABLE` when no session could be made or the
 *   peer closed it (as it does for a manager it does not know), `ERR_MANAGER_CERTIFICATE_UNTRUSTED`
 *   when the peer's certificate is not the pinned one, `ERR_MANAGER_PROTOCOL` for an oversized or
 *   late answer.
 */
export async function peerRequest(
  peer: ReplicationPeer,
  own: OwnCredentials,
  method: 'GET' | 'POST',
  path: string,
  maxBytes: number,
  timeoutMs: number,
): Promise<PeerResponse> {
  const agent = new PinnedHttpsAgent([new Uint8Array(peer.certificate.rawData)], timeoutMs, {
    keepAlive: false,
    own,
  });
  try {
    const res = await request({
      protocol: 'https',
      agent,
      host: peer.address,
      port: peer.managerPort,
      method,
      path,
      headers: {
        'User-Agent': 'sepm-crypto replication',
        Connection: 'close',
        ...(method === 'POST' ? { 'Content-Length': '0' } : {}),
      },
      maxBytes,
      timeoutMs,
    });
    return { status: res.status, body: res.body };
  } catch (e) {
    throw described(peer, e);
  } finally {
    agent.destroy();
  }
}
