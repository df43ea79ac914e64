/**
 * Pairs private keys with certificates and orders certificate chains, on the certificate and key
 * views of `x509_view.ts` (OpenSSL on Node, our own parsing elsewhere): shared by the PEM reader
 * and the identity conversions.
 *
 * Everything here is bounded for hostile bundles: keys are paired with certificates through a map
 * of SubjectPublicKeyInfo encodings (linear, not keys x certificates), chains stop at
 * {@link MAX_CHAIN} certificates, and signature checks draw on a caller-supplied budget.
 *
 * @module
 */
import { certView, keyView, type CertView, type KeyView } from './x509_view.js';

/** Longest chain built from a bundle (leaf included). */
export const MAX_CHAIN = 16;

/** A certificate parsed once, with its DER. */
export interface ParsedCert {
  readonly der: Uint8Array;
  readonly x509: CertView;
}

/** Parses a DER certificate; throws for a malformed one (callers wrap it). */
export function parseCert(der: Uint8Array): ParsedCert {
  return { der, x509: certView(der) };
}

/** Parses a PKCS#8 `PrivateKeyInfo`; throws when it is not one (callers wrap it). */
export function pkcs8KeyObject(pkcs8: Uint8Array): KeyView {
  return keyView(pkcs8);
}

/** True when `key` is the private key of `cert` (same SubjectPublicKeyInfo). */
export function certMatchesKey(cert: ParsedCert, key: KeyView): boolean {
  return key.spki !== undefined && cert.x509.spki === key.spki;
}

/**
 * Finds each key's certificate: the first certificate with the same SubjectPublicKeyInfo (one
 * map lookup per key).
 */
export function pairKeysWithCerts(
  keys: readonly KeyView[],
  certs: readonly ParsedCert[],
): (ParsedCert | undefined)[] {
  const bySpki = new Map<string, ParsedCert>();
  for (const c of certs) {
    const spki = c.x509.spki;
    if (spki !== undefined && !bySpki.has(spki)) bySpki.set(spki, c);
  }
  return keys.map((k) => (k.spki === undefined ? undefined : bySpki.get(k.spki)));
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
  return cert.x509.verifiedBy(issuer.x509);
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
