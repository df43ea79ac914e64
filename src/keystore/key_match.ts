/**
 * Pairs private keys with certificates and orders certificate chains, using Node's X.509 and key
 * parsers (`node:crypto` `X509Certificate`, `createPrivateKey`): shared by the PEM reader and the
 * identity conversions.
 *
 * @module
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

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

/** True when `issuer` issued `cert`: names and key identifiers agree and the signature verifies. */
function issued(cert: ParsedCert, issuer: ParsedCert): boolean {
  try {
    return cert.x509.checkIssued(issuer.x509) && cert.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/**
 * Orders a chain from `leaf` up through the certificates of `pool` that issued each link, until a
 * self-issued certificate or no issuer is found. Returns the chain, leaf first.
 */
export function buildChain(leaf: ParsedCert, pool: readonly ParsedCert[]): ParsedCert[] {
  const chain = [leaf];
  for (let cur = leaf; chain.length <= pool.length;) {
    if (issued(cur, cur)) break;
    const next = pool.find((c) => !chain.includes(c) && issued(cur, c));
    if (next === undefined) break;
    chain.push(next);
    cur = next;
  }
  return chain;
}
