/**
 * RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2) signing with a server identity and verification
 * against trust anchors; the keys and their caches are in `cert/rsa_keys.ts`.
 *
 * @module
 */
import {
  rsaSigner,
  UnsupportedSigningKey,
  type RsaDigest,
  type RsaPublicKey,
} from '../cert/rsa_keys.js';
import type { ServerIdentity } from '../cert/types.js';
import { PolicyError } from '../errors.js';
import type { Bytes } from '../bytes.js';

/** Digests usable with RSA signatures here. */
export type DigestName = RsaDigest;

/**
 * Signs `data` with the identity's key: RSASSA-PKCS1-v1_5 over SHA-256.
 *
 * @throws {@link PolicyError} `ERR_POLICY_UNSUPPORTED_ALGORITHM` when the key is not RSA or its
 *   provider cannot sign PKCS #1 v1.5 with SHA-256.
 */
export async function signWithIdentity(
  identity: ServerIdentity,
  data: Uint8Array,
  crypto: Crypto | undefined,
): Promise<Bytes> {
  let sign: (data: Uint8Array) => Promise<Bytes>;
  try {
    sign = await rsaSigner(identity.privateKey, crypto ?? identity.crypto);
  } catch (cause) {
    throw new PolicyError(
      'ERR_POLICY_UNSUPPORTED_ALGORITHM',
      cause instanceof UnsupportedSigningKey
        ? cause.message
        : 'identity key cannot sign RSASSA-PKCS1-v1_5 with SHA-256',
      { cause },
    );
  }
  try {
    return await sign(data);
  } catch (cause) {
    throw new PolicyError(
      'ERR_POLICY_UNSUPPORTED_ALGORITHM',
      'identity key cannot sign RSASSA-PKCS1-v1_5 with SHA-256',
      { cause },
    );
  }
}

/** Whether `signature` is a valid RSASSA-PKCS1-v1_5 signature of `data` under `key`. */
export function rsaVerify(
  key: RsaPublicKey,
  data: Uint8Array,
  signature: Uint8Array,
  digest: DigestName = 'SHA-256',
): Promise<boolean> {
  return key.verify(data, signature, digest);
}
