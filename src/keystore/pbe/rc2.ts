/**
 * RC2 (RFC 2268), the 64-bit block cipher of the `pbeWithSHAAnd40BitRC2-CBC` and
 * `pbeWithSHAAnd128BitRC2-CBC` PKCS#12 schemes. Node 20 only offers RC2 through OpenSSL's legacy
 * provider, which a library cannot switch on (it is a process-wide flag), and RC2-40 certificate
 * safes are what OpenSSL `-legacy` and Java before 8u301/11.0.12 write, so we carry our own.
 *
 * Only used to read (and, for tests, write) legacy files: RC2 is weak and nothing here writes it
 * by default.
 *
 * @module
 */
import type { Bytes } from '../../bytes.js';

/** PITABLE of RFC 2268 §2: a permutation of 0..255 derived from the digits of pi. */
const PITABLE = Uint8Array.from(
  [
    'd9 78 f9 c4 19 dd b5 ed 28 e9 fd 79 4a a0 d8 9d',
    'c6 7e 37 83 2b 76 53 8e 62 4c 64 88 44 8b fb a2',
    '17 9a 59 f5 87 b3 4f 13 61 45 6d 8d 09 81 7d 32',
    'bd 8f 40 eb 86 b7 7b 0b f0 95 21 22 5c 6b 4e 82',
    '54 d6 65 93 ce 60 b2 1c 73 56 c0 14 a7 8c f1 dc',
    '12 75 ca 1f 3b be e4 d1 42 3d d4 30 a3 3c b6 26',
    '6f bf 0e da 46 69 07 57 27 f2 1d 9b bc 94 43 03',
    'f8 11 c7 f6 90 ef 3e e7 06 c3 d5 2f c8 66 1e d7',
    '08 e8 ea de 80 52 ee f7 84 aa 72 ac 35 4d 6a 2a',
    '96 1a d2 71 5a 15 49 74 4b 9f d0 5e 04 18 a4 ec',
    'c2 e0 41 6e 0f 51 cb cc 24 91 af 50 a1 f4 70 39',
    '99 7c 3a 85 23 b8 b4 7a fc 02 36 5b 25 55 97 31',
    '2d 5d fa 98 e3 8a 92 ae 05 df 29 10 67 6c ba c9',
    'd3 00 e6 cf e1 9e a8 2c 63 16 01 3f 58 e2 89 a9',
    '0d 38 34 1b ab 33 ff b0 bb 48 0c 5f b9 b1 cd 2e',
    'c5 f3 db 47 e5 a5 9c 77 0a a6 20 68 fe 7f c1 ad',
  ]
    .join(' ')
    .split(' ')
    .map((h) => parseInt(h, 16)),
);

/**
 * Key expansion (RFC 2268 §2): the 64 16-bit words K[0..63] for `key` (1..128 bytes) reduced to
 * `effectiveBits` (1..1024) effective key bits.
 */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) {
    throw new RangeError(`"key" expected 1 to 128 bytes, got length=${key.length}`);
  }
  if (!Number.isInteger(effectiveBits) || effectiveBits < 1 || effectiveBits > 1024) {
    throw new RangeError(`"effectiveBits" expected an integer in [1, 1024], got ${effectiveBits}`);
  }
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  const T8 = (effectiveBits + 7) >> 3;
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  L.fill(0);
  return K;
}

/** Encrypts one 8-byte block in place (RFC 2268 §3): 5 mixing, mash, 6 mixing, mash, 5 mixing. */
export function rc2EncryptBlock(K: Uint16Array, block: Uint8Array, at: number): void {
  let r0 = block[at]! | (block[at + 1]! << 8);
  let r1 = block[at + 2]! | (block[at + 3]! << 8);
  let r2 = block[at + 4]! | (block[at + 5]! << 8);
  let r3 = block[at + 6]! | (block[at + 7]! << 8);
  let j = 0;
  for (let round = 0; round < 16; round++) {
    // MIX: R[i] += K[j] + (R[i-1] & R[i-2]) + (~R[i-1] & R[i-3]); R[i] <<<= s[i], s = 1,2,3,5.
    r0 = (r0 + K[j++]! + (r3 & r2) + (~r3 & r1)) & 0xffff;
    r0 = ((r0 << 1) | (r0 >>> 15)) & 0xffff;
    r1 = (r1 + K[j++]! + (r0 & r3) + (~r0 & r2)) & 0xffff;
    r1 = ((r1 << 2) | (r1 >>> 14)) & 0xffff;
    r2 = (r2 + K[j++]! + (r1 & r0) + (~r1 & r3)) & 0xffff;
    r2 = ((r2 << 3) | (r2 >>> 13)) & 0xffff;
    r3 = (r3 + K[j++]! + (r2 & r1) + (~r2 & r0)) & 0xffff;
    r3 = ((r3 << 5) | (r3 >>> 11)) & 0xffff;
    if (round === 4 || round === 10) {
      // MASH: R[i] += K[R[i-1] & 63].
      r0 = (r0 + K[r3 & 63]!) & 0xffff;
      r1 = (r1 + K[r0 & 63]!) & 0xffff;
      r2 = (r2 + K[r1 & 63]!) & 0xffff;
      r3 = (r3 + K[r2 & 63]!) & 0xffff;
    }
  }
  block[at] = r0;
  block[at + 1] = r0 >> 8;
  block[at + 2] = r1;
  block[at + 3] = r1 >> 8;
  block[at + 4] = r2;
  block[at + 5] = r2 >> 8;
  block[at + 6] = r3;
  block[at + 7] = r3 >> 8;
}

/** Decrypts one 8-byte block in place (RFC 2268 §4): the rounds of §3 reversed. */
export function rc2DecryptBlock(K: Uint16Array, block: Uint8Array, at: number): void {
  let r0 = block[at]! | (block[at + 1]! << 8);
  let r1 = block[at + 2]! | (block[at + 3]! << 8);
  let r2 = block[at + 4]! | (block[at + 5]! << 8);
  let r3 = block[at + 6]! | (block[at + 7]! << 8);
  let j = 63;
  for (let round = 15; round >= 0; round--) {
    // R-MIX, i = 3, 2, 1, 0: R[i] >>>= s[i]; R[i] -= K[j] + (R[i-1] & R[i-2]) + (~R[i-1] & R[i-3]).
    r3 = ((r3 >>> 5) | (r3 << 11)) & 0xffff;
    r3 = (r3 - K[j--]! - (r2 & r1) - (~r2 & r0)) & 0xffff;
    r2 = ((r2 >>> 3) | (r2 << 13)) & 0xffff;
    r2 = (r2 - K[j--]! - (r1 & r0) - (~r1 & r3)) & 0xffff;
    r1 = ((r1 >>> 2) | (r1 << 14)) & 0xffff;
    r1 = (r1 - K[j--]! - (r0 & r3) - (~r0 & r2)) & 0xffff;
    r0 = ((r0 >>> 1) | (r0 << 15)) & 0xffff;
    r0 = (r0 - K[j--]! - (r3 & r2) - (~r3 & r1)) & 0xffff;
    if (round === 5 || round === 11) {
      // R-MASH, i = 3, 2, 1, 0: R[i] -= K[R[i-1] & 63].
      r3 = (r3 - K[r2 & 63]!) & 0xffff;
      r2 = (r2 - K[r1 & 63]!) & 0xffff;
      r1 = (r1 - K[r0 & 63]!) & 0xffff;
      r0 = (r0 - K[r3 & 63]!) & 0xffff;
    }
  }
  block[at] = r0;
  block[at + 1] = r0 >> 8;
  block[at + 2] = r1;
  block[at + 3] = r1 >> 8;
  block[at + 4] = r2;
  block[at + 5] = r2 >> 8;
  block[at + 6] = r3;
  block[at + 7] = r3 >> 8;
}

/**
 * RC2-CBC encryption with PKCS#7 padding (RFC 8018 §6.1.1 step 4 pads the same way).
 *
 * @param key - 1..128 key bytes.
 * @param effectiveBits - effective key bits (40 for RC2-40, 128 for RC2-128).
 * @param iv - 8 bytes.
 * @param data - plaintext of any length.
 */
export function rc2CbcEncrypt(
  key: Uint8Array,
  effectiveBits: number,
  iv: Uint8Array,
  data: Uint8Array,
): Bytes {
  if (iv.length !== 8)
    throw new RangeError(`"iv" expected Uint8Array of length 8, got length=${iv.length}`);
  const K = rc2ExpandKey(key, effectiveBits);
  const pad = 8 - (data.length % 8);
  const out = new Uint8Array(data.length + pad);
  out.set(data);
  out.fill(pad, data.length);
  let prev: Uint8Array = iv;
  let prevAt = 0;
  for (let at = 0; at < out.length; at += 8) {
    for (let i = 0; i < 8; i++) out[at + i]! ^= prev[prevAt + i]!;
    rc2EncryptBlock(K, out, at);
    prev = out;
    prevAt = at;
  }
  K.fill(0);
  return out;
}

/**
 * RC2-CBC decryption without unpadding: returns the padded plaintext, so that the caller checks
 * the padding the same way for every cipher. `data` must be a non-empty multiple of 8 bytes.
 */
export function rc2CbcDecryptRaw(
  key: Uint8Array,
  effectiveBits: number,
  iv: Uint8Array,
  data: Uint8Array,
): Bytes {
  if (iv.length !== 8)
    throw new RangeError(`"iv" expected Uint8Array of length 8, got length=${iv.length}`);
  if (data.length % 8 !== 0) throw new RangeError('"data" length is not a multiple of 8');
  const K = rc2ExpandKey(key, effectiveBits);
  const out = new Uint8Array(data);
  for (let at = out.length - 8; at >= 0; at -= 8) {
    rc2DecryptBlock(K, out, at);
    const prev = at === 0 ? iv : data.subarray(at - 8, at);
    for (let i = 0; i < 8; i++) out[at + i]! ^= prev[i]!;
  }
  K.fill(0);
  return out;
}
