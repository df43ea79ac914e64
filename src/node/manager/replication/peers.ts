/**
 * The other managers of a site, as replication sees them: where their manager port (8443) is and
 * which certificate each must present. Peers are pinned by the SHA-256 of their certificate's
 * DER (mutual TLS on 8443, both directions); neither CAs nor host names are consulted, as in the
 * client's pinning (SEPM managers are often reached by IP address).
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from '../../../cert/x509.js';
import { sha256Hex } from '../../digest.js';

/** Where a peer manager is and what it must present. */
export interface PeerConfig {
  /** Host name or IP address of the peer. */
  readonly address: string;
  /** Its manager port (default 8443). */
  readonly managerPort?: number;
  /**
   * Its certificate (the one on its 8443; also the one it presents as a TLS client): an
   * `X509Certificate`, DER bytes or PEM text. A peer without one is listed in the sylink only
   * and never replicated with.
   */
  readonly certificate?: X509Certificate | Uint8Array | string;
}

/** A peer that replication talks to. */
export interface ReplicationPeer {
  readonly address: string;
  readonly managerPort: number;
  readonly certificate: X509Certificate;
  /** SHA-256 of the certificate DER, lower-case hex. */
  readonly fingerprint: string;
  /** `address:port`, for messages. */
  readonly label: string;
}

function toCertificate(c: X509Certificate | Uint8Array | string, i: number): X509Certificate {
  try {
    if (c instanceof X509Certificate) return c;
    if (c instanceof Uint8Array) return new X509Certificate(new Uint8Array(c));
    if (typeof c === 'string') return new X509Certificate(c);
  } catch (e) {
    throw new TypeError(`"peers[${i}].certificate" is not a certificate`, { cause: e });
  }
  throw new TypeError(`"peers[${i}].certificate" expected X509Certificate, DER or PEM`);
}

/** The pinned peers of one manager. */
export class PeerSet {
  readonly #peers: readonly ReplicationPeer[];
  readonly #byFingerprint: ReadonlyMap<string, ReplicationPeer>;

  /** @throws TypeError for a malformed peer entry. */
  constructor(configs: readonly PeerConfig[]) {
    const peers: ReplicationPeer[] = [];
    configs.forEach((p, i) => {
      if (p.certificate === undefined) return;
      if (typeof p.address !== 'string' || p.address.length === 0) {
        throw new TypeError(`"peers[${i}].address" expected a non-empty string`);
      }
      const managerPort = p.managerPort ?? 8443;
      if (!Number.isInteger(managerPort) || managerPort < 1 || managerPort > 65535) {
        throw new RangeError(`"peers[${i}].managerPort" expected an integer in [1, 65535]`);
      }
      const certificate = toCertificate(p.certificate, i);
      peers.push({
        address: p.address,
        managerPort,
        certificate,
        fingerprint: sha256Hex(new Uint8Array(certificate.rawData)),
        label: `${p.address}:${managerPort}`,
      });
    });
    this.#peers = peers;
    this.#byFingerprint = new Map(peers.map((p) => [p.fingerprint, p]));
  }

  /** Every replicating peer. */
  list(): readonly ReplicationPeer[] {
    return this.#peers;
  }

  /** The peers' certificates. */
  certificates(): X509Certificate[] {
    return this.#peers.map((p) => p.certificate);
  }

  /** The peer pinned to this DER certificate, if any. */
  byDer(der: Uint8Array | undefined): ReplicationPeer | undefined {
    if (der === undefined || der.length === 0) return undefined;
    return this.#byFingerprint.get(sha256Hex(der));
  }

  /** The peer that presented its certificate on this request's TLS connection, if pinned. */
  peerOf(req: IncomingMessage): ReplicationPeer | undefined {
    const socket = req.socket as TLSSocket;
    if (typeof socket.getPeerCertificate !== 'function') return undefined;
    return this.byDer(socket.getPeerCertificate()?.raw);
  }
}

/**
 * TLS options of the manager port: ask every TLS client for a certificate, but let the handshake
 * finish without one (browsers reach the console on the same port) and without CA validation
 * (peers are pinned instead: see {@link guardManagerServer}).
 */
export const MANAGER_PORT_TLS = Object.freeze({ requestCert: true, rejectUnauthorized: false });

/**
 * Refuses at the TLS level every connection to the manager port that presents a certificate
 * which is not a pinned peer's: an unknown manager never gets to send a request. Connections
 * without a certificate (browsers) go on to the console, whose replication paths answer 403.
 */
export function guardManagerServer(server: Server, peers: PeerSet): void {
  server.on('secureConnection', (socket: TLSSocket) => {
    const der = socket.getPeerCertificate()?.raw;
    if (der !== undefined && der.length > 0 && peers.byDer(der) === undefined) socket.destroy();
  });
}
