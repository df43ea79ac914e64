/**
 * Trust anchors for policy verification: the manager certificates a client takes from its
 * sylink.xml, or bare public keys (for test vectors and callers that pin a key, not a
 * certificate).
 *
 * @module
 */
import { KeyObject } from 'node:crypto';
import { X509Certificate } from '../cert/x509.js';
import { certificateKeyObject } from '../cert/key_cache.js';

/**
 * Something a policy signature may be checked against:
 * - an `X509Certificate` (its public key; the usual case: the certificates of sylink.xml);
 * - a `node:crypto` public `KeyObject`;
 * - a public WebCrypto `CryptoKey` made by Node's `crypto.webcrypto` (keys of other providers:
 *   export them as SPKI and pass `createPublicKey(...)` instead).
 *
 * Only RSA keys can verify; other anchors are ignored (they can never match).
 */
export type TrustAnchor = X509Certificate | KeyObject | CryptoKey;

/** A trusted anchor with its RSA key, ready to verify. */
export interface RsaAnchor<T extends TrustAnchor> {
  readonly anchor: T;
  readonly key: KeyObject;
  /** Modulus length in bytes = signature length (RFC 8017 section 8.2.2 step 1). */
  readonly size: number;
  /** The certificate, when the anchor is one. */
  readonly certificate: X509Certificate | undefined;
}

const keyCache = new WeakMap<object, KeyObject | null>();

/**
 * Checks `trusted` and returns its RSA anchors, in the caller's order.
 *
 * @throws TypeError when `trusted` is not an array of anchors; RangeError when it is empty.
 */
export function rsaAnchors<T extends TrustAnchor>(
  trusted: readonly T[],
  label = 'trusted',
): RsaAnchor<T>[] {
  if (!Array.isArray(trusted))
    throw new TypeError(`"${label}" expected an array of certificates or public keys`);
  if (trusted.length === 0)
    throw new RangeError(`"${label}" must hold at least one certificate or key`);
  const out: RsaAnchor<T>[] = [];
  for (const anchor of trusted) {
    const key = anchorKey(anchor, label);
    if (key === undefined || key.asymmetricKeyType !== 'rsa') continue;
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if (bits === undefined) continue;
    out.push({
      anchor,
      key,
      size: Math.ceil(bits / 8),
      certificate: anchor instanceof X509Certificate ? anchor : undefined,
    });
  }
  return out;
}

function anchorKey(anchor: TrustAnchor, label: string): KeyObject | undefined {
  if (anchor instanceof X509Certificate) {
    try {
      return certificateKeyObject(anchor);
    } catch {
      return undefined; // a key Node cannot parse cannot have made an RSA signature
    }
  }
  if (anchor instanceof KeyObject) {
    if (anchor.type !== 'public') throw new TypeError(`"${label}" keys must be public keys`);
    return anchor;
  }
  if (typeof anchor === 'object' && anchor !== null && 'type' in anchor && 'algorithm' in anchor) {
    const cached = keyCache.get(anchor);
    if (cached !== undefined) return cached ?? undefined;
    if (anchor.type !== 'public') throw new TypeError(`"${label}" keys must be public keys`);
    let key: KeyObject;
    try {
      key = KeyObject.from(anchor as Parameters<typeof KeyObject.from>[0]);
    } catch {
      throw new TypeError(
        `"${label}" CryptoKey is not from Node's crypto.webcrypto: pass createPublicKey() of its SPKI instead`,
      );
    }
    keyCache.set(anchor, key);
    return key;
  }
  throw new TypeError(`"${label}" entries must be X509Certificate, KeyObject or CryptoKey`);
}
