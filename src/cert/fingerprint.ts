/**
 * Certificate fingerprints: a hash over the certificate's DER encoding (the value `openssl x509
 * -fingerprint -sha256` and `keytool -list -v` print).
 *
 * @module
 */
import { X509Certificate } from './x509.js';
import type { Bytes } from '../bytes.js';
import { digest } from '../hashes.js';

/** Hash algorithms accepted by {@link certificateFingerprint}. */
export type FingerprintAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const ALGORITHMS: ReadonlySet<string> = new Set(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);

// Fingerprints of certificate objects are asked for on every sealed-policy open; a certificate
// object is immutable, so the SHA-256 is computed once per object.
const sha256Cache = new WeakMap<X509Certificate, Bytes>();

/**
 * The fingerprint of a certificate: `algorithm` over its DER encoding.
 *
 * @param certificate - an `X509Certificate` or the certificate's DER bytes.
 * @param algorithm - `'SHA-256'` (default), `'SHA-1'` (what older tools show), `'SHA-384'` or
 *   `'SHA-512'`.
 * @returns a fresh `Uint8Array` (32 bytes for SHA-256).
 * @throws TypeError when `certificate` is neither; RangeError for an unknown algorithm.
 *
 * @example The colon form `openssl x509 -noout -fingerprint -sha256` prints
 * ```ts
 * formatFingerprint(certificateFingerprint(identity.certificate)) // 'AB:12:…'
 * ```
 */
export function certificateFingerprint(
  certificate: X509Certificate | Uint8Array,
  algorithm: FingerprintAlgorithm = 'SHA-256',
): Bytes {
  if (!ALGORITHMS.has(algorithm)) {
    throw new RangeError(
      `"algorithm" expected SHA-1, SHA-256, SHA-384 or SHA-512, got ${String(algorithm)}`,
    );
  }
  if (certificate instanceof X509Certificate) {
    if (algorithm === 'SHA-256') {
      let fp = sha256Cache.get(certificate);
      if (fp === undefined) {
        fp = digest(algorithm, new Uint8Array(certificate.rawData));
        sha256Cache.set(certificate, fp);
      }
      return fp.slice();
    }
    return digest(algorithm, new Uint8Array(certificate.rawData));
  }
  if (certificate instanceof Uint8Array) return digest(algorithm, certificate);
  throw new TypeError('"certificate" expected X509Certificate or Uint8Array');
}

/**
 * Formats fingerprint bytes as upper-case hex pairs joined by `separator` (`':'` by default:
 * `AB:CD:…`, the form OpenSSL and keytool print; `''` gives plain hex).
 *
 * @param fingerprint - the bytes, e.g. from {@link certificateFingerprint}.
 * @param separator - placed between byte pairs.
 */
export function formatFingerprint(fingerprint: Uint8Array, separator = ':'): string {
  if (!(fingerprint instanceof Uint8Array)) {
    throw new TypeError('"fingerprint" expected Uint8Array');
  }
  const parts: string[] = [];
  for (const b of fingerprint) parts.push(b.toString(16).padStart(2, '0').toUpperCase());
  return parts.join(separator);
}
