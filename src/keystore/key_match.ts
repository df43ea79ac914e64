/**
 * Pairs private keys with certificates and orders certificate chains, using Node's X.509 and key
 * parsers (`node:crypto` `X509Certificate`, `createPrivateKey`): shared by the PEM reader and the
 * identity conversions.
 *
 * Everything here is bounded for hostile bundles: keys are paired with certificates through a map
 * of SubjectPublicKeyInfo encodings (linear, not keys x certificates), chains stop at
 * {@link MAX_CHAIN} certificates, and signature checks draw on a caller-supplied budget.
 *
 * @module
 */
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** Longest chain built from a bundle (leaf included). */
export const MAX_CHAIN = 16;

/** A certificate parsed once, with its DER. */
export interface ParsedCert {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
}

/** Parses a DER certificate; throws Node's error for a malformed one (callers wrap it). */
export function parseCert(der: Uint8Array): ParsedCert {
  return { der, x509: new X509Certificate(der) };
}

/** Parses a PKCS#8 `PrivateKeyInfo`; throws Node's error when it is not one (callers wrap it). */
export function pkcs8KeyObject(pkcs8: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.from(pkcs8.buffer, pkcs8.byteOffset, pkcs8.byteLength),
    format: 'der',
    type: 'pkcs8',
  });
}

/** True when `key` is the private key of `cert` (same public key). */
export function certMatchesKey(cert: ParsedCert, key: KeyObject): boolean {
  try {
    return cert.x509.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** The SubjectPublicKeyInfo DER (hex) of a private key's public half, or undefined. */
function keySpki(key: KeyObject): string | undefined {
  try {
    return createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('hex');
  } catch {
    return undefined;
  }
}

function certSpki(cert: ParsedCert): string | undefined {
  try {
    return cert.x509.publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
  } catch {
    return undefined;
  }
}

/**
 * Finds each key's certificate: the first certificate with the same SubjectPublicKeyInfo, else
 * (only while `keys x certs` stays small, since each check is a key comparison) the first that
 * `checkPrivateKey` accepts, which also catches another encoding of the same public key.
 */
export function pairKeysWithCerts(
  keys: readonly KeyObject[],
  certs: readonly ParsedCert[],
): (ParsedCert | undefined)[] {
  const bySpki = new Map<string, ParsedCert>();
  for (const c of certs) {
    const spki = certSpki(c);
    if (spki !== undefined && !bySpki.has(spki)) bySpki.set(spki, c);
  }
  const scanAllowed = keys.length * certs.length <= 10_000;
  return keys.map((k) => {
    const spki = keySpki(k);
    const found = spki === undefined ? undefined : bySpki.get(spki);
    if (found !== undefined || !scanAllowed) return found;
    return certs.find((c) => certMatchesKey(c, k));
  });
}

/** A budget of signature verifications, shared by every chain built for one input. */
export interface VerifyBudget {
  remaining: number;
}

/** Thrown when a {@link VerifyBudget} runs out (callers turn it into their LIMIT error). */
export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
}

/** True when `issuer` issued `cert`: names and key identifiers agree and the signature verifies. */
function issued(cert: ParsedCert, issuer: ParsedCert, budget: VerifyBudget): boolean {
  try {
    if (!cert.x509.checkIssued(issuer.x509)) return false;
  } catch {
    return false;
  }
  if (--budget.remaining < 0) throw new BudgetExceeded('too many candidate issuer certificates');
  try {
    return cert.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/**
 * Orders a chain from `leaf` up through the certificates of `pool` that issued each link, until a
 * self-issued certificate, no issuer, or {@link MAX_CHAIN} certificates. Returns it leaf first.
 *
 * @throws {@link BudgetExceeded} when more signature checks are needed than `budget` allows.
 */
export function buildChain(
  leaf: ParsedCert,
  pool: readonly ParsedCert[],
  budget: VerifyBudget,
): ParsedCert[] {
  const chain = [leaf];
  let cur = leaf;
  while (chain.length < MAX_CHAIN) {
    const self = cur.x509.checkIssued(cur.x509);
    if (self) break;
    const at = cur;
    const next = pool.find((c) => !chain.includes(c) && issued(at, c, budget));
    if (next === undefined) break;
    chain.push(next);
    cur = next;
  }
  return chain;
}
