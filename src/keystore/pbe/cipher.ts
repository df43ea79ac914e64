/**
 * The CBC block ciphers PBES2, PKCS#12 PBE, JCEKS and traditional PEM use, behind one
 * interface: AES from `@noble/ciphers` (audited), Triple DES from our `des.ts` (NIST vectors),
 * RC2 from our `rc2.ts` (RFC 2268 vectors); on Node, AES and Triple DES go to OpenSSL instead
 * (`fast_path.ts`; the same bytes). Padding is PKCS#7 (RFC 8018 §6.1.1 step 4), added and checked
 * here for every cipher, so that bad padding is reported the same way everywhere: by returning
 * `undefined`, which callers turn into one fixed-message error.
 *
 * @module
 */
import { cbc as aesCbc } from '@noble/ciphers/aes';
import type { Bytes } from '../../bytes.js';
import { nodeCrypto, own } from '../../fast_path.js';
import { tripleDesCbc } from './des.js';
import { rc2CbcDecryptRaw, rc2CbcEncrypt } from './rc2.js';

/** A CBC cipher with its key and IV sizes. */
export interface CbcCipher {
  /** OpenSSL cipher name (`'rc2-cbc'` is always our RC2). */
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

/** CBC without padding over whole blocks (our code, or OpenSSL on Node). */
function rawCbc(
  cipher: CbcCipher,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  decrypt: boolean,
): Bytes {
  const node = nodeCrypto();
  if (node !== undefined) {
    const c = decrypt
      ? node.createDecipheriv(cipher.name, key, iv)
      : node.createCipheriv(cipher.name, key, iv);
    c.setAutoPadding(false);
    const head = c.update(data);
    const tail = c.final();
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    head.fill(0);
    return out;
  }
  if (cipher.blockSize === 8) return tripleDesCbc(key, iv, data, decrypt);
  const aes = aesCbc(key, iv, { disablePadding: true });
  return own(decrypt ? aes.decrypt(data) : aes.encrypt(data));
}

/** CBC encryption with PKCS#7 padding. */
export function cbcEncrypt(
  cipher: CbcCipher,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Bytes {
  if (cipher.name === 'rc2-cbc') return rc2CbcEncrypt(key, cipher.rc2Bits!, iv, data);
  const bs = cipher.blockSize;
  const pad = bs - (data.length % bs);
  const padded = new Uint8Array(data.length + pad);
  padded.set(data, 0);
  padded.fill(pad, data.length);
  const out = rawCbc(cipher, key, iv, padded, false);
  padded.fill(0);
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
  const plain =
    cipher.name === 'rc2-cbc'
      ? rc2CbcDecryptRaw(key, cipher.rc2Bits!, iv, data)
      : rawCbc(cipher, key, iv, data, true);
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
