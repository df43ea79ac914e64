/**
 * One request from this manager to a peer's manager port over mutual TLS: this manager presents
 * its own certificate, and the peer must present exactly its pinned certificate; the request is
 * written only after that check.
 *
 * @module
 */
import { request as httpRequest } from 'node:http';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { ManagerError } from '../../errors.js';
import { TLS_CLIENT_PROFILE } from '../tls_profile.js';
import { derFingerprint, type ReplicationPeer } from './peers.js';

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

function connectPinned(
  peer: ReplicationPeer,
  own: OwnCredentials,
  timeoutMs: number,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      ...TLS_CLIENT_PROFILE,
      host: peer.address,
      port: peer.managerPort,
      servername: isIP(peer.address) ? '' : peer.address,
      key: own.key,
      cert: own.cert,
      // Trust is the pin below, not a CA chain.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ManagerError(
          'ERR_MANAGER_UNREACHABLE',
          `no TLS session with peer ${peer.label} within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(
        new ManagerError(
          'ERR_MANAGER_UNREACHABLE',
          `TLS connection to peer ${peer.label} failed: ${e.message}`,
          {
            cause: e,
          },
        ),
      );
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const der = socket.getPeerCertificate()?.raw;
      const fp = der === undefined ? 'none' : derFingerprint(der);
      if (fp !== peer.fingerprint) {
        socket.destroy();
        reject(
          new ManagerError(
            'ERR_MANAGER_CERTIFICATE_UNTRUSTED',
            `peer ${peer.label} presented a certificate that is not pinned (SHA-256 ${fp})`,
          ),
        );
        return;
      }
      resolve(socket);
    });
  });
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
  const socket = await connectPinned(peer, own, timeoutMs);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      socket.destroy();
      reject(e);
    };
    const timer = setTimeout(
      () =>
        fail(
          new ManagerError(
            'ERR_MANAGER_PROTOCOL',
            `peer ${peer.label} did not answer within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const req = httpRequest(
      {
        createConnection: () => socket,
        host: peer.address,
        port: peer.managerPort,
        method,
        path,
        headers: {
          'User-Agent': 'sepm-crypto replication',
          Connection: 'close',
          ...(method === 'POST' ? { 'Content-Length': '0' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            fail(
              new ManagerError(
                'ERR_MANAGER_PROTOCOL',
                `peer ${peer.label} answered more than ${maxBytes} bytes`,
              ),
            );
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          socket.end();
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
        res.on('error', (e) =>
          fail(
            new ManagerError('ERR_MANAGER_PROTOCOL', `peer ${peer.label}: ${e.message}`, {
              cause: e,
            }),
          ),
        );
      },
    );
    req.on('error', (e) =>
      // TLS 1.3: a peer that refuses our certificate does so after our handshake completed, so
      // the refusal shows up here, as a reset before any answer.
      fail(
        new ManagerError(
          'ERR_MANAGER_UNREACHABLE',
          `peer ${peer.label} closed the connection: ${e.message}`,
          { cause: e },
        ),
      ),
    );
    req.end();
  });
}
