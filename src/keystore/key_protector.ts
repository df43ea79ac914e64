/**
 * Sun's JKS "KeyProtector" (OID 1.3.6.1.4.1.42.2.17.1.1): the proprietary, SHA-1-based scheme that
 * protects private keys inside a JKS file (docs/keystores.md, Format notes: "JKS key protector"; OpenJDK
 * `sun.security.provider.KeyProtector`).
 *
 * Legacy cryptography, kept only for interoperability: the "cipher" is a SHA-1 keystream
 * `D_i = SHA1(P || D_(i-1))` with `D_0` = a 20-byte salt, XORed with the PKCS#8 bytes, followed
 * by a check value `SHA1(P || plaintext)`. `P` is the key password as UTF-16BE without a
 * terminator. Prefer PKCS#12 for anything new.
 *
 * @module
 */
import { KeystoreError } from '../errors.js';
import { concatBytes, copyBytes, equalBytes, randomBytes, type Bytes } from '../bytes.js';
import { DER_NULL, DerError, TAG, contents, expectTlv, expectWhole, readTlv, tlv } from './der.js';
import { digest } from '../hashes.js';

/** DER of OID 1.3.6.1.4.1.42.2.17.1.1 (Sun JDK KeyProtector), tag and length included. */
export const KEY_PROTECTOR_OID_DER: Uint8Array = Uint8Array.of(
  0x06,
  0x0a,
  0x2b,
  0x06,
  0x01,
  0x04,
  0x01,
  0x2a,
  0x02,
  0x11,
  0x01,
  0x01,
);

const SALT_LEN = 20;
const DIGEST_LEN = 20;

/** A Java password (`char[]`) as UTF-16BE bytes, surrogates as they are (section 2.3). */
export function utf16be(password: string): Bytes {
  const out = new Uint8Array(password.length * 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

function sha1(data: Uint8Array): Uint8Array {
  return digest('SHA-1', data);
}

/** XORs `data` in place with the KeyProtector keystream for `pw` (UTF-16BE) and `salt`. */
function xorKeystream(data: Uint8Array, pw: Uint8Array, salt: Uint8Array): void {
  // One buffer P || D reused for every block: the keystream is the chain D_i = SHA1(P || D_(i-1)).
  const buf = new Uint8Array(pw.length + DIGEST_LEN);
  buf.set(pw, 0);
  buf.set(salt, pw.length);
  for (let at = 0; at < data.length; at += DIGEST_LEN) {
    const d = sha1(buf);
    const n = Math.min(DIGEST_LEN, data.length - at);
    for (let i = 0; i < n; i++) data[at + i] = data[at + i]! ^ d[i]!;
    buf.set(d, pw.length);
  }
}

/**
 * Protects a PKCS#8 `PrivateKeyInfo` as JKS does and returns the DER `EncryptedPrivateKeyInfo`
 * (`SEQUENCE { AlgorithmIdentifier { KeyProtector OID, NULL }, OCTET STRING salt||C||check }`).
 *
 * @param pkcs8 - the key's `PrivateKeyInfo` DER.
 * @param password - the key password.
 * @param salt - 20 random bytes; fresh ones by default (tests pass a fixed salt).
 */
export function protectKey(
  pkcs8: Uint8Array,
  password: string,
  salt: Uint8Array = randomBytes(SALT_LEN),
): Uint8Array {
  const pw = utf16be(password);
  const body = new Uint8Array(SALT_LEN + pkcs8.length + DIGEST_LEN);
  body.set(salt, 0);
  body.set(pkcs8, SALT_LEN);
  xorKeystream(body.subarray(SALT_LEN, SALT_LEN + pkcs8.length), pw, salt);
  body.set(sha1(concatBytes(pw, pkcs8)), SALT_LEN + pkcs8.length);
  return tlv(
    TAG.SEQUENCE,
    tlv(TAG.SEQUENCE, KEY_PROTECTOR_OID_DER, DER_NULL),
    tlv(TAG.OCTET_STRING, body),
  );
}

/**
 * Splits a DER `EncryptedPrivateKeyInfo` into its algorithm OID TLV, the raw parameters TLV
 * (if any) and the encrypted data.
 *
 * @throws {@link KeystoreError} `ERR_KEYSTORE_MALFORMED` when the DER is not that structure.
 */
export function parseEncryptedPrivateKeyInfo(epki: Uint8Array): {
  oid: Uint8Array;
  params: Uint8Array | undefined;
  data: Uint8Array;
} {
  try {
    const outer = expectWhole(epki, TAG.SEQUENCE);
    const alg = expectTlv(epki, outer.body, TAG.SEQUENCE, outer.end);
    const oid = expectTlv(epki, alg.body, TAG.OID, alg.end);
    let params: Uint8Array | undefined;
    if (oid.end < alg.end) {
      const p = readTlv(epki, oid.end, alg.end);
      if (p.end !== alg.end) throw new DerError('extra fields in AlgorithmIdentifier');
      params = epki.subarray(p.start, p.end);
    }
    const data = expectTlv(epki, alg.end, TAG.OCTET_STRING, outer.end);
    if (data.end !== outer.end) throw new DerError('extra fields in EncryptedPrivateKeyInfo');
    return { oid: epki.subarray(oid.start, oid.end), params, data: contents(epki, data) };
  } catch (e) {
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      'protected private key is not a valid EncryptedPrivateKeyInfo',
      {
        cause: e,
      },
    );
  }
}

/**
 * Recovers the PKCS#8 key from KeyProtector data (`salt || C || check`, the OCTET STRING
 * contents), checking `SHA1(P || K)` in constant time.
 *
 * @throws {@link KeystoreError} `ERR_KEYSTORE_KEY_UNRECOVERABLE` (fixed message) on a wrong key
 * password or a tampered entry; `ERR_KEYSTORE_MALFORMED` when the data is too short.
 */
export function recoverProtectedKey(data: Uint8Array, password: string): Bytes {
  if (data.length <= SALT_LEN + DIGEST_LEN) {
    throw new KeystoreError('ERR_KEYSTORE_MALFORMED', 'protected private key is too short');
  }
  const pw = utf16be(password);
  const salt = data.subarray(0, SALT_LEN);
  const key = copyBytes(data.subarray(SALT_LEN, data.length - DIGEST_LEN));
  xorKeystream(key, pw, salt);
  const check = sha1(concatBytes(pw, key));
  if (!equalBytes(check, data.subarray(data.length - DIGEST_LEN))) {
    key.fill(0);
    throw new KeystoreError('ERR_KEYSTORE_KEY_UNRECOVERABLE');
  }
  return key;
}

/** True when `oid` (a full OID TLV) is the KeyProtector OID. */
export function isKeyProtectorOid(oid: Uint8Array): boolean {
  return equalBytes(oid, KEY_PROTECTOR_OID_DER);
}
