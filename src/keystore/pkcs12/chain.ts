/**
 * Pairs private keys with their certificates and builds chains, the way Java 17's PKCS#12 loader
 * does (keystore-formats.md §5.8): the leaf is the certificate bag with the key's localKeyId, else
 * the one whose friendlyName equals the key's alias (ignoring case), else (our addition, for files
 * without either) the one whose public key matches the private key; issuers are then found among
 * all certificate bags by subject/issuer and key identifiers (node:crypto `checkIssued`), stopping at
 * a self-issued certificate, a loop, or {@link MAX_CHAIN}.
 *
 * @module
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { equalBytes } from '../../bytes.js';

/** Longest chain built (Java's own limit for PKCS#12 chains is 10 more than any real chain). */
export const MAX_CHAIN = 16;

/** A certificate bag as read. */
export interface CertInfo {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  readonly friendlyName?: string | undefined;
  readonly localKeyId?: Uint8Array | undefined;
  readonly trusted: boolean;
  readonly position: number;
  /** Set when some key's chain uses this certificate. */
  used: boolean;
}

function spki(der: Uint8Array | Buffer, type: 'cert' | 'pkcs8'): Buffer | undefined {
  try {
    const pub =
      type === 'cert'
        ? new X509Certificate(der).publicKey
        : createPublicKey(
            createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }),
          );
    return pub.export({ format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** Finds the leaf certificate of a key. */
export function findLeaf(
  certs: readonly CertInfo[],
  key: { alias?: string | undefined; localKeyId?: Uint8Array | undefined; pkcs8: Uint8Array },
): CertInfo | undefined {
  if (key.localKeyId !== undefined) {
    const byId = certs.find(
      (c) => c.localKeyId !== undefined && equalBytes(c.localKeyId, key.localKeyId!),
    );
    if (byId !== undefined) return byId;
  }
  if (key.alias !== undefined) {
    const lower = key.alias.toLowerCase();
    const byName = certs.find((c) => c.friendlyName?.toLowerCase() === lower);
    if (byName !== undefined) return byName;
  }
  const keySpki = spki(key.pkcs8, 'pkcs8');
  if (keySpki === undefined) return undefined;
  return certs.find((c) => {
    const s = spki(c.der, 'cert');
    return s !== undefined && s.equals(keySpki);
  });
}

/** The chain from `leaf` up through its issuers among `certs`, leaf first. */
export function buildChain(certs: readonly CertInfo[], leaf: CertInfo): CertInfo[] {
  const chain = [leaf];
  const seen = new Set([leaf]);
  for (let cur = leaf; chain.length < MAX_CHAIN;) {
    if (cur.x509.subject === cur.x509.issuer && cur.x509.checkIssued(cur.x509)) break; // self-issued root
    const issuer = certs.find((c) => !seen.has(c) && cur.x509.checkIssued(c.x509));
    if (issuer === undefined) break;
    chain.push(issuer);
    seen.add(issuer);
    cur = issuer;
  }
  return chain;
}
