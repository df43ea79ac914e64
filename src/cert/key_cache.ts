/**
 * Imports keys into `node:crypto` once per object and remembers them.
 *
 * RSA through a cached `KeyObject` is the fast path: parsing a PEM or DER key on every call cuts
 * sign throughput to 0.29x and verify to 0.15x, and WebCrypto's async round trip halves verify
 * (`shared/reference/performance-anchors.md` section 4). The caches are `WeakMap`s keyed by the
 * caller's own `CryptoKey` / certificate objects, so they never keep a key alive on their own.
 *
 * Internal module: not exported from the package.
 *
 * @module
 */
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import type { X509Certificate } from './x509.js';
import { CertificateError } from '../errors.js';

const privateKeys = new WeakMap<CryptoKey, KeyObject | null>();
const certificateKeys = new WeakMap<X509Certificate, KeyObject>();

/**
 * The `node:crypto` private key behind a WebCrypto `CryptoKey`, or `undefined` when it cannot be
 * had (a non-extractable key of a foreign provider: the caller then signs through that provider).
 *
 * Node's own keys convert without export (`KeyObject.from`, also for non-extractable keys);
 * foreign keys (for example `@peculiar/webcrypto`) are exported once as PKCS#8 through `crypto`.
 */
export async function privateKeyObject(
  key: CryptoKey,
  crypto: Crypto | undefined,
): Promise<KeyObject | undefined> {
  const cached = privateKeys.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let ko: KeyObject | null = null;
  try {
    ko = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
  } catch {
    if (crypto !== undefined && key.extractable) {
      const pkcs8 = await crypto.subtle.exportKey('pkcs8', key);
      ko = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    }
  }
  privateKeys.set(key, ko);
  return ko ?? undefined;
}

/**
 * The `node:crypto` public key of a certificate (parsed from its SubjectPublicKeyInfo once).
 *
 * @throws {@link CertificateError} `ERR_CERT_MALFORMED` when Node cannot parse the key.
 */
export function certificateKeyObject(cert: X509Certificate): KeyObject {
  let ko = certificateKeys.get(cert);
  if (ko === undefined) {
    try {
      ko = createPublicKey({
        key: Buffer.from(cert.publicKey.rawData),
        format: 'der',
        type: 'spki',
      });
    } catch (cause) {
      throw new CertificateError('ERR_CERT_MALFORMED', 'certificate public key cannot be parsed', {
        cause,
      });
    }
    certificateKeys.set(cert, ko);
  }
  return ko;
}

/** RSA modulus length in bits of a `node:crypto` key, or `undefined` when it is not RSA. */
export function rsaModulusBits(key: KeyObject): number | undefined {
  if (key.asymmetricKeyType !== 'rsa') return undefined;
  return key.asymmetricKeyDetails?.modulusLength;
}
