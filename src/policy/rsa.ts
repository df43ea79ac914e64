/**
 * RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2) through `node:crypto` with cached keys.
 *
 * Verification is left to OpenSSL's `RSA_verify` (through `crypto.verify`), which rebuilds the
 * whole DigestInfo and compares it byte for byte: no hand-rolled padding parsing, so none of the
 * Bleichenbacher-style signature forgeries Wycheproof tests for (trailing garbage, missing or extra
 * parameters, short padding) get through. `test/policy/wycheproof.test.ts` holds it to all 259
 * Wycheproof cases.
 *
 * @module
 */
import { constants, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { privateKeyObject } from '../cert/key_cache.js';
import type { ServerIdentity } from '../cert/types.js';
import { PolicyError } from '../errors.js';
import type { Bytes } from '../bytes.js';

/** Digests usable with RSA signatures here, as `node:crypto` names. */
export type DigestName = 'sha256' | 'sha384' | 'sha512';

/** Signs `data` with the identity's key: RSASSA-PKCS1-v1_5 over `digest` (SHA-256 by default). */
export async function signWithIdentity(
  identity: ServerIdentity,
  data: Uint8Array,
  crypto: Crypto | undefined,
  digest: DigestName = 'sha256',
): Promise<Bytes> {
  const key = await privateKeyObject(identity.privateKey, crypto ?? identity.crypto);
  if (key !== undefined) {
    if (key.asymmetricKeyType !== 'rsa') {
      throw new PolicyError(
        'ERR_POLICY_UNSUPPORTED_ALGORITHM',
        `identity key is ${String(key.asymmetricKeyType)}; policies are signed with RSA`,
      );
    }
    return toBytes(nodeSign(digest, data, { key, padding: constants.RSA_PKCS1_PADDING }));
  }
  // A foreign provider's non-extractable key: sign through that provider.
  const provider = crypto ?? identity.crypto;
  const alg = identity.privateKey.algorithm as RsaHashedKeyAlgorithm;
  if (
    provider === undefined ||
    alg.name !== 'RSASSA-PKCS1-v1_5' ||
    alg.hash?.name !== 'SHA-256' ||
    digest !== 'sha256'
  ) {
    throw new PolicyError(
      'ERR_POLICY_UNSUPPORTED_ALGORITHM',
      'identity key cannot sign RSASSA-PKCS1-v1_5 with SHA-256',
    );
  }
  return new Uint8Array(
    await provider.subtle.sign(
      'RSASSA-PKCS1-v1_5',
      identity.privateKey,
      data as Uint8Array<ArrayBuffer>,
    ),
  );
}

/** Whether `signature` is a valid RSASSA-PKCS1-v1_5 signature of `data` under `key`. */
export function rsaVerify(
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
  digest: DigestName = 'sha256',
): boolean {
  try {
    return nodeVerify(digest, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}

function toBytes(b: Buffer): Bytes {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}
