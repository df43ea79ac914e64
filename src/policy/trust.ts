/**
 * Trust anchors for policy verification: the manager certificates a client takes from its
 * sylink.xml, or bare public keys (for test vectors and callers that pin a key, not a
 * certificate).
 *
 * @module
 */
import { X509Certificate } from '../cert/x509.js';
import {
  certificateRsaKey,
  cryptoKeyRsa,
  rsaKeyFromSpki,
  type RsaPublicKey,
} from '../cert/rsa_keys.js';

/**
 * A public key that exports its SubjectPublicKeyInfo in DER synchronously: what Node's public
 * `KeyObject` is (`createPublicKey(...)`), described by shape so that no Node type is needed.
 */
export interface SpkiPublicKey {
  readonly type: string;
  export(options: { format: 'der'; type: 'spki' }): Uint8Array;
}

/**
 * Something a policy signature may be checked against:
 * - an `X509Certificate` (its public key; the usual case: the certificates of sylink.xml);
 * - a public WebCrypto `CryptoKey` of the platform's `crypto` (keys of other providers: export
 *   them as SPKI and import them into `globalThis.crypto` first);
 * - an {@link SpkiPublicKey}, such as a public `node:crypto` `KeyObject`.
 *
 * Only RSA keys can verify; other anchors are ignored (they can never match).
 */
export type TrustAnchor = X509Certificate | CryptoKey | SpkiPublicKey;

/** A trusted anchor with its RSA key, ready to verify. */
export interface RsaAnchor<T extends TrustAnchor> {
  readonly anchor: T;
  readonly key: RsaPublicKey;
  /** Modulus length in bytes = signature length (RFC 8017 section 8.2.2 step 1). */
  readonly size: number;
  /** The certificate, when the anchor is one. */
  readonly certificate: X509Certificate | undefined;
}

const spkiKeys = new WeakMap<object, RsaPublicKey | null>();

/**
 * Checks `trusted` and returns its RSA anchors, in the caller's order.
 *
 * @throws TypeError when `trusted` is not an array of anchors; RangeError when it is empty.
 */
export async function rsaAnchors<T extends TrustAnchor>(
  trusted: readonly T[],
  label = 'trusted',
): Promise<RsaAnchor<T>[]> {
  if (!Array.isArray(trusted))
    throw new TypeError(`"${label}" expected an array of certificates or public keys`);
  if (trusted.length === 0)
    throw new RangeError(`"${label}" must hold at least one certificate or key`);
  const keys = trusted.map((anchor) => anchorKey(anchor, label));
  const out: RsaAnchor<T>[] = [];
  for (let i = 0; i < trusted.length; i++) {
    const anchor = trusted[i]!;
    const key = await keys[i];
    if (key === undefined) continue;
    out.push({
      anchor,
      key,
      size: Math.ceil(key.bits / 8),
      certificate: anchor instanceof X509Certificate ? anchor : undefined,
    });
  }
  return out;
}

function anchorKey(
  anchor: TrustAnchor,
  label: string,
): RsaPublicKey | undefined | Promise<RsaPublicKey | undefined> {
  if (anchor instanceof X509Certificate) {
    try {
      return certificateRsaKey(anchor);
    } catch {
      return undefined; // a key that cannot be parsed cannot have made an RSA signature
    }
  }
  if (typeof anchor !== 'object' || anchor === null || !('type' in anchor)) {
    throw new TypeError(
      `"${label}" entries must be X509Certificate, CryptoKey or public KeyObject`,
    );
  }
  if (anchor.type !== 'public') throw new TypeError(`"${label}" keys must be public keys`);
  if ('algorithm' in anchor) return cryptoKeyRsa(anchor as CryptoKey);
  if (typeof (anchor as SpkiPublicKey).export === 'function') {
    let key = spkiKeys.get(anchor);
    if (key === undefined) {
      try {
        key =
          rsaKeyFromSpki((anchor as SpkiPublicKey).export({ format: 'der', type: 'spki' })) ?? null;
      } catch {
        key = null;
      }
      spkiKeys.set(anchor, key);
    }
    return key ?? undefined;
  }
  throw new TypeError(`"${label}" entries must be X509Certificate, CryptoKey or public KeyObject`);
}
