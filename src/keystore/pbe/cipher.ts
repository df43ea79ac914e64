/**
 * The CBC block ciphers PBES2 and PKCS#12 PBE use, behind one interface: AES and 3DES from
 * node:crypto, RC2 from our own `rc2.ts`. Padding is PKCS#7 (RFC 8018 §6.1.1 step 4) and is
 * checked here, not by OpenSSL, so that every cipher reports bad padding the same way: by
 * returning `undefined`, which callers turn into one fixed-message error.
 *
 * @module
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Bytes } from '../../bytes.js';
import { rc2CbcDecryptRaw, rc2CbcEncrypt } from './rc2.js';

/** A CBC cipher with its key and IV sizes. */
export interface CbcCipher {
  /** node:crypto cipher name, or `'rc2-cbc'` for our RC2. */
  readonly name:
    'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc' | 'des-ede-cbc' | 'rc2-cbc';
  readonly keyLength: number;
  readonly ivLength: number;
  readonly blockSize: number;
  /** RC2 effective key bits (RFC 2268 §2). */
  readonly rc2Bits?: number;
}

/** AES-128-CBC (FIPS 197, SP 800-38A). */
export const AES_128_CBC: CbcCipher = {
  name: 'aes-128-cbc',
  keyLength: 16,
  ivLength: 16,
  blockSize: 16,
};
/** AES-192-CBC. */
export const AES_192_CBC: CbcCipher = {
  name: 'aes-192-cbc',
  keyLength: 24,
  ivLength: 16,
  blockSize: 16,
};
/** AES-256-CBC. */
export const AES_256_CBC: CbcCipher = {
  name: 'aes-256-cbc',
  keyLength: 32,
  ivLength: 16,
  blockSize: 16,
};
/** Three-key Triple DES in CBC mode (SP 800-67). */
export const DES_EDE3_CBC: CbcCipher = {
  name: 'des-ede3-cbc',
  keyLength: 24,
  ivLength: 8,
  blockSize: 8,
};
/** Two-key Triple DES (K1, K2, K1) in CBC mode. */
export const DES_EDE_CBC: CbcCipher = {
  name: 'des-ede-cbc',
  keyLength: 16,
  ivLength: 8,
  blockSize: 8,
};
/** RC2-CBC with 40 effective key bits (RFC 2268). */
export const RC2_40_CBC: CbcCipher = {
  name: 'rc2-cbc',
  keyLength: 5,
  ivLength: 8,
  blockSize: 8,
  rc2Bits: 40,
};
/** RC2-CBC with 128 effective key bits (RFC 2268). */
export const RC2_128_CBC: CbcCipher = {
  name: 'rc2-cbc',
  keyLength: 16,
  ivLength: 8,
  blockSize: 8,
  rc2Bits: 128,
};

/** CBC encryption with PKCS#7 padding. */
export function cbcEncrypt(
  cipher: CbcCipher,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Bytes {
  if (cipher.name === 'rc2-cbc') return rc2CbcEncrypt(key, cipher.rc2Bits!, iv, data);
  const c = createCipheriv(cipher.name, key, iv);
  const head = c.update(data);
  const tail = c.final();
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}

/**
 * CBC decryption with a PKCS#7 padding check. Returns `undefined` when the ciphertext length is
 * not a positive multiple of the block size or the padding is wrong (a wrong password, almost
 * always); the check reads every padding byte so its time does not depend on where it fails.
 */
export function cbcDecrypt(
  cipher: CbcCipher,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Bytes | undefined {
  const bs = cipher.blockSize;
  if (data.length === 0 || data.length % bs !== 0) return undefined;
  let plain: Uint8Array;
  if (cipher.name === 'rc2-cbc') {
    plain = rc2CbcDecryptRaw(key, cipher.rc2Bits!, iv, data);
  } else {
    const d = createDecipheriv(cipher.name, key, iv);
    d.setAutoPadding(false);
    const head = d.update(data);
    const tail = d.final();
    plain = new Uint8Array(head.length + tail.length);
    plain.set(head, 0);
    plain.set(tail, head.length);
    head.fill(0);
  }
  const pad = plain[plain.length - 1]!;
  let bad = pad === 0 || pad > bs ? 1 : 0;
  for (let i = 1; i <= bs; i++) {
    // Compare only the last `pad` bytes, but touch all of the final block.
    const inPad = i <= pad ? 1 : 0;
    bad |= inPad & (plain[plain.length - i] !== pad ? 1 : 0);
  }
  if (bad !== 0) {
    plain.fill(0);
    return undefined;
  }
  const out = plain.slice(0, plain.length - pad);
  plain.fill(0);
  return out;
}
