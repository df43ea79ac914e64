/**
 * Pairs private keys with their certificates and builds chains, the way Java 17's PKCS#12 loader
 * does (docs/keystores.md, Format notes: "How Java loads PKCS#12"): the leaf is the certificate bag with the key's localKeyId, else
 * the one whose friendlyName equals the key's alias (ignoring case), else (our addition, for files
 * without either) the one whose public key matches the private key; issuers are then found among
 * all certificate bags by subject/issuer and key identifiers (`x509_view.ts` `checkIssued`), stopping at
 * a self-issued certificate, a loop, or {@link MAX_CHAIN}.
 *
 * Lookups go through maps built once per file, so a hostile file with thousands of keys and
 * certificates costs linear time, not keys x certificates.
 *
 * @module
 */
import { keyView, type CertView } from '../x509_view.js';
import { toHex } from '../../bytes.js';

/** Longest chain built. */
export const MAX_CHAIN = 16;
/** Certificates with the wanted subject examined per chain step (bounds hostile duplicates). */
const MAX_ISSUER_CANDIDATES = 16;

/** A certificate bag as read. */
export interface CertInfo {
  readonly der: Uint8Array;
  readonly x509: CertView;
  readonly friendlyName?: string | undefined;
  readonly localKeyId?: Uint8Array | undefined;
  readonly trusted: boolean;
  readonly position: number;
  /** Set when some key's chain uses this certificate. */
  used: boolean;
}

/** What identifies a key when looking for its leaf certificate. */
export interface KeyRef {
  readonly alias?: string | undefined;
  readonly localKeyId?: Uint8Array | undefined;
  readonly pkcs8: Uint8Array;
}

function keySpki(pkcs8: Uint8Array): string | undefined {
  try {
    return keyView(pkcs8).spki;
  } catch {
    return undefined;
  }
}

/** Adds `value` under `key` unless an earlier certificate holds it (file order wins, as in Java). */
function first<K>(map: Map<K, CertInfo>, key: K, value: CertInfo): void {
  if (!map.has(key)) map.set(key, value);
}

/** Indexes of one file's certificate bags. */
export class CertIndex {
  readonly #certs: readonly CertInfo[];
  readonly #byId = new Map<string, CertInfo>();
  readonly #byName = new Map<string, CertInfo>();
  readonly #bySubject = new Map<string, CertInfo[]>();
  #bySpki: Map<string, CertInfo> | undefined;

  constructor(certs: readonly CertInfo[]) {
    this.#certs = certs;
    for (const c of certs) {
      if (c.localKeyId !== undefined) first(this.#byId, toHex(c.localKeyId), c);
      if (c.friendlyName !== undefined) first(this.#byName, c.friendlyName.toLowerCase(), c);
      const list = this.#bySubject.get(c.x509.subject);
      if (list === undefined) this.#bySubject.set(c.x509.subject, [c]);
      else list.push(c);
    }
  }

  /** The leaf certificate of a key, or `undefined`. */
  findLeaf(key: KeyRef): CertInfo | undefined {
    const byId = key.localKeyId !== undefined ? this.#byId.get(toHex(key.localKeyId)) : undefined;
    if (byId !== undefined) return byId;
    const byName = key.alias !== undefined ? this.#byName.get(key.alias.toLowerCase()) : undefined;
    if (byName !== undefined) return byName;
    const spki = keySpki(key.pkcs8);
    if (spki === undefined) return undefined;
    if (this.#bySpki === undefined) {
      this.#bySpki = new Map();
      for (const c of this.#certs) {
        const s = c.x509.spki;
        if (s !== undefined) first(this.#bySpki, s, c);
      }
    }
    return this.#bySpki.get(spki);
  }

  /** The chain from `leaf` up through its issuers, leaf first. */
  buildChain(leaf: CertInfo): CertInfo[] {
    const chain = [leaf];
    const seen = new Set([leaf]);
    for (let cur = leaf; chain.length < MAX_CHAIN;) {
      if (cur.x509.subject === cur.x509.issuer && cur.x509.checkIssued(cur.x509)) break; // a root
      const candidates = (this.#bySubject.get(cur.x509.issuer) ?? []).slice(
        0,
        MAX_ISSUER_CANDIDATES,
      );
      const issuer = candidates.find((c) => !seen.has(c) && cur.x509.checkIssued(c.x509));
      if (issuer === undefined) break;
      chain.push(issuer);
      seen.add(issuer);
      cur = issuer;
    }
    return chain;
  }
}
