/**
 * `H^n(x)` for SHA-1 and SHA-256: the inner loop of the PKCS#12 KDF (RFC 7292 appendix B.2 step
 * 6A), which hashes a digest-sized value thousands of times. Each step is one compression of a
 * single padded block, so we run it on 32-bit words in JavaScript (FIPS 180-4 §6.1.2, §6.2.2)
 * instead of paying a general hash API's per-call overhead (node:crypto's is ~0.6 µs, several
 * times the work itself); other hashes go through `hashes.ts`. Tests check it against node:crypto.
 *
 * @module
 */
import { digest as digestOf, hashNamed } from '../../hashes.js';

const W = new Int32Array(80);

/** SHA-256 round constants (FIPS 180-4 §4.2.2). */
const K256 = Int32Array.from(
  (
    '428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be ' +
    '550c7dc3 72be5d74 80deb1fe 9bdc06a7 c19bf174 e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa ' +
    '5cb0a9dc 76f988da 983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 27b70a85 ' +
    '2e1b2138 4d2c6dfc 53380d13 650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 ' +
    'd192e819 d6990624 f40e3585 106aa070 19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f ' +
    '682e6ff3 748f82ee 78a5636f 84c87814 8cc70208 90befffa a4506ceb bef9a3f7 c67178f2'
  )
    .split(' ')
    .map((h) => parseInt(h, 16) | 0),
);
/** SHA-256 initial hash value (FIPS 180-4 §5.3.3). */
const IV256 = Int32Array.from(
  '6a09e667 bb67ae85 3c6ef372 a54ff53a 510e527f 9b05688c 1f83d9ab 5be0cd19'
    .split(' ')
    .map((h) => parseInt(h, 16) | 0),
);
/** SHA-1 initial hash value (FIPS 180-4 §5.3.1). */
const IV1 = Int32Array.from(
  '67452301 efcdab89 98badcfe 10325476 c3d2e1f0'.split(' ').map((h) => parseInt(h, 16) | 0),
);

function readWords(b: Uint8Array, n: number): Int32Array {
  const s = new Int32Array(n);
  for (let i = 0; i < n; i++)
    s[i] = (b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!;
  return s;
}

function writeWords(s: Int32Array): Uint8Array {
  const out = new Uint8Array(s.length * 4);
  for (let i = 0; i < s.length; i++) {
    out[4 * i] = s[i]! >>> 24;
    out[4 * i + 1] = s[i]! >>> 16;
    out[4 * i + 2] = s[i]! >>> 8;
    out[4 * i + 3] = s[i]!;
  }
  return out;
}

/** s := SHA-1(s) for a 20-byte message held as 5 words: one block, length 160 bits. */
function sha1Of20(s: Int32Array): void {
  for (let i = 0; i < 5; i++) W[i] = s[i]!;
  W[5] = 0x80000000 | 0;
  for (let i = 6; i < 15; i++) W[i] = 0;
  W[15] = 160;
  for (let t = 16; t < 80; t++) {
    const x = W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!;
    W[t] = (x << 1) | (x >>> 31);
  }
  let a = IV1[0]!, b = IV1[1]!, c = IV1[2]!, d = IV1[3]!, e = IV1[4]!; // prettier-ignore
  for (let t = 0; t < 80; t++) {
    let f: number;
    let k: number;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc | 0;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6 | 0;
    }
    const tmp = (((a << 5) | (a >>> 27)) + f + e + k + W[t]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  s[0] = (IV1[0]! + a) | 0;
  s[1] = (IV1[1]! + b) | 0;
  s[2] = (IV1[2]! + c) | 0;
  s[3] = (IV1[3]! + d) | 0;
  s[4] = (IV1[4]! + e) | 0;
}

/** s := SHA-256(s) for a 32-byte message held as 8 words: one block, length 256 bits. */
function sha256Of32(s: Int32Array): void {
  for (let i = 0; i < 8; i++) W[i] = s[i]!;
  W[8] = 0x80000000 | 0;
  for (let i = 9; i < 15; i++) W[i] = 0;
  W[15] = 256;
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = IV256[0]!, b = IV256[1]!, c = IV256[2]!, d = IV256[3]!; // prettier-ignore
  let e = IV256[4]!, f = IV256[5]!, g = IV256[6]!, h = IV256[7]!; // prettier-ignore
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K256[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  s[0] = (IV256[0]! + a) | 0;
  s[1] = (IV256[1]! + b) | 0;
  s[2] = (IV256[2]! + c) | 0;
  s[3] = (IV256[3]! + d) | 0;
  s[4] = (IV256[4]! + e) | 0;
  s[5] = (IV256[5]! + f) | 0;
  s[6] = (IV256[6]! + g) | 0;
  s[7] = (IV256[7]! + h) | 0;
}

/**
 * Applies `hashName` to `digest` `times` more times: returns `H^times(digest)`. `digest` must be a
 * digest of that hash (20 bytes for SHA-1, 32 for SHA-256).
 */
export function iterateHash(hashName: string, digest: Uint8Array, times: number): Uint8Array {
  if (hashName === 'sha1' && digest.length === 20) {
    const s = readWords(digest, 5);
    for (let i = 0; i < times; i++) sha1Of20(s);
    return writeWords(s);
  }
  if (hashName === 'sha256' && digest.length === 32) {
    const s = readWords(digest, 8);
    for (let i = 0; i < times; i++) sha256Of32(s);
    return writeWords(s);
  }
  let a = digest;
  const h = hashNamed(hashName);
  for (let i = 0; i < times; i++) a = digestOf(h, a);
  return a;
}
