/**
 * What a client trusts: the sylink's certificates (pinned for HTTPS by DER, and the only anchors
 * of signature checks), plus any certificate a trusted one endorsed during a certificate change
 * (docs/protocol.md §5.4). The endorsements authenticate themselves, so they may be fetched over
 * a connection that trusts nothing.
 *
 * @module
 */
import type { Agent as HttpAgent } from 'node:http';
import type { X509Certificate } from '../../cert/x509.js';
import { isSepmError } from '../../errors.js';
import {
  MAX_ENDORSEMENTS_BYTES,
  PATH_ENDORSEMENTS,
  endorsedCertificates,
  isCertificate,
  parseEndorsements,
  type VerifiedEndorsement,
} from '../../protocol/index.js';
import { type PinnedHttpsAgent, ProbeHttpsAgent, request } from '../http/pinned_client.js';
import type { ClientServer, TrustChange } from './types.js';

// A signature by a key the client does not trust (raw signatures of an unknown key fail as
// invalid: the key is not known to tell the two apart).
function isUntrustedSignature(e: unknown): boolean {
  return (
    isSepmError(e) &&
    (e.code === 'ERR_POLICY_UNTRUSTED_SIGNER' || e.code === 'ERR_POLICY_SIGNATURE_INVALID')
  );
}

/** Settings of {@link ClientTrust}. */
export interface ClientTrustOptions {
  readonly domainId: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** The clock endorsement windows and endorsed certificates are judged by, ms. */
  readonly now: () => number;
  readonly onTrustChange?: (change: TrustChange) => void;
}

/** The certificates one client trusts, and how it comes to trust a new one. */
export class ClientTrust {
  readonly #trusted: X509Certificate[];
  readonly #pins: PinnedHttpsAgent;
  readonly #o: ClientTrustOptions;

  /** @param pins - the HTTPS agent whose pins follow this list. */
  constructor(initial: readonly X509Certificate[], pins: PinnedHttpsAgent, o: ClientTrustOptions) {
    this.#trusted = [...initial];
    this.#pins = pins;
    this.#o = o;
  }

  /** The certificates trusted now. */
  list(): X509Certificate[] {
    return [...this.#trusted];
  }

  #adopt(v: VerifiedEndorsement, server: ClientServer): void {
    if (this.#trusted.some((t) => t.equal(v.certificate))) return;
    this.#trusted.push(v.certificate);
    this.#pins.addPin(new Uint8Array(v.certificate.rawData));
    this.#o.onTrustChange?.({ certificate: v.certificate, endorsedBy: v.endorsedBy, server });
  }

  /** The endorsements `c` serves that a trusted certificate vouches for ([] on any failure). */
  async #endorsementsOf(c: ClientServer, agent: HttpAgent): Promise<VerifiedEndorsement[]> {
    try {
      // No client id: the server is not trusted (yet).
      const res = await request({
        protocol: c.protocol,
        agent,
        host: c.address,
        port: c.port,
        method: 'GET',
        path: PATH_ENDORSEMENTS,
        maxBytes: MAX_ENDORSEMENTS_BYTES,
        timeoutMs: this.#o.requestTimeoutMs,
      });
      if (res.status !== 200) return [];
      const list = parseEndorsements(res.body);
      // The client's clock judges each endorsement's window and the endorsed certificate.
      return await endorsedCertificates(list, this.#trusted, this.#o.domainId, {
        now: new Date(this.#o.now()),
      });
    } catch {
      return [];
    }
  }

  /**
   * After a pin failure on `c`: fetches its endorsements over a connection that trusts nothing
   * and adopts the certificate it presents if one is endorsed. Resolves whether it did.
   */
  async adoptPresented(c: ClientServer): Promise<boolean> {
    const probe = new ProbeHttpsAgent(this.#o.connectTimeoutMs);
    try {
      const found = await this.#endorsementsOf(c, probe);
      const presented = probe.presented;
      if (presented === undefined) return false;
      const hit = found.find((v) => isCertificate(v.certificate, presented));
      if (hit === undefined) return false;
      this.#adopt(hit, c);
      return true;
    } finally {
      probe.destroy();
    }
  }

  /**
   * Runs a signature check with the trusted list; if it fails for want of a trusted signer, once
   * more with the certificates `c`'s endorsements vouch for, adopting the one that signed. Any
   * other outcome leaves the first error standing.
   */
  async verified<T extends { signer: X509Certificate }>(
    c: ClientServer,
    agent: HttpAgent,
    check: (anchors: readonly X509Certificate[]) => Promise<T>,
  ): Promise<T> {
    try {
      return await check(this.#trusted);
    } catch (e) {
      if (!isUntrustedSignature(e)) throw e;
      const found = await this.#endorsementsOf(c, agent);
      if (found.length === 0) throw e;
      let result: T;
      try {
        result = await check([...this.#trusted, ...found.map((v) => v.certificate)]);
      } catch {
        throw e;
      }
      const hit = found.find((v) => v.certificate === result.signer);
      if (hit !== undefined) this.#adopt(hit, c);
      return result;
    }
  }
}
