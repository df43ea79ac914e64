/**
 * DES (FIPS 46-3) and Triple DES (NIST SP 800-67: EDE with three keys, or two keys K1 K2 K1), in
 * CBC mode without padding: the legacy ciphers of PKCS#12 (`pbeWithSHAAnd3-KeyTripleDES-CBC`),
 * JCEKS (`PBEWithMD5AndTripleDES`) and OpenSSL's traditional PEM (`DES-EDE3-CBC`). WebCrypto has
 * no DES and no audited JavaScript library offers it, so it is written here from the standard's
 * tables and checked against NIST SP 800-20 known answers and DESMMT CBC vectors
 * (`test/keystore/des.test.ts`) and against OpenSSL.
 *
 * Legacy and slow by design: only a few kilobytes of key material ever go through it. On Node,
 * `cipher.ts` uses OpenSSL instead.
 *
 * Bit positions follow FIPS 46-3: bit 1 is the most significant bit of the first byte.
 *
 * @module
 */

// FIPS 46-3 tables (1-based bit positions).
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64,
  56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53,
  45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13,
  30, 6, 22, 11, 4, 25,
];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60,
  52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21,
  13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52,
  31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
/** S1..S8, each 4 rows of 16 (row = outer bits b1 b6, column = b2..b5). */
const S = [
  '14 4 13 1 2 15 11 8 3 10 6 12 5 9 0 7 0 15 7 4 14 2 13 1 10 6 12 11 9 5 3 8 4 1 14 8 13 6 2 11 15 12 9 7 3 10 5 0 15 12 8 2 4 9 1 7 5 11 3 14 10 0 6 13',
  '15 1 8 14 6 11 3 4 9 7 2 13 12 0 5 10 3 13 4 7 15 2 8 14 12 0 1 10 6 9 11 5 0 14 7 11 10 4 13 1 5 8 12 6 9 3 2 15 13 8 10 1 3 15 4 2 11 6 7 12 0 5 14 9',
  '10 0 9 14 6 3 15 5 1 13 12 7 11 4 2 8 13 7 0 9 3 4 6 10 2 8 5 14 12 11 15 1 13 6 4 9 8 15 3 0 11 1 2 12 5 10 14 7 1 10 13 0 6 9 8 7 4 15 14 3 11 5 2 12',
  '7 13 14 3 0 6 9 10 1 2 8 5 11 12 4 15 13 8 11 5 6 15 0 3 4 7 2 12 1 10 14 9 10 6 9 0 12 11 7 13 15 1 3 14 5 2 8 4 3 15 0 6 10 1 13 8 9 4 5 11 12 7 2 14',
  '2 12 4 1 7 10 11 6 8 5 3 15 13 0 14 9 14 11 2 12 4 7 13 1 5 0 15 10 3 9 8 6 4 2 1 11 10 13 7 8 15 9 12 5 6 3 0 14 11 8 12 7 1 14 2 13 6 15 0 9 10 4 5 3',
  '12 1 10 15 9 2 6 8 0 13 3 4 14 7 5 11 10 15 4 2 7 12 9 5 6 1 13 14 0 11 3 8 9 14 15 5 2 8 12 3 7 0 4 10 1 13 11 6 4 3 2 12 9 5 15 10 11 14 1 7 6 0 8 13',
  '4 11 2 14 15 0 8 13 3 12 9 7 5 10 6 1 13 0 11 7 4 9 1 10 14 3 5 12 2 15 8 6 1 4 11 13 12 3 7 14 10 15 6 8 0 5 9 2 6 11 13 8 1 4 10 7 9 5 0 15 14 2 3 12',
  '13 2 8 4 6 15 11 1 10 9 3 14 5 0 12 7 1 15 13 8 10 3 7 4 12 5 6 11 0 14 9 2 7 11 4 1 9 12 14 2 0 6 10 13 15 3 5 8 2 1 14 7 4 10 8 13 15 12 9 0 3 5 6 11',
].map((row) => row.split(' ').map(Number));

/** Bit `pos` (1-based, FIPS order) of a bit string held in `bytes`. */
function bit(bytes: Uint8Array, pos: number): number {
  return (bytes[(pos - 1) >> 3]! >> (7 - ((pos - 1) & 7))) & 1;
}

/**
 * A 64-bit permutation as byte tables: `out[8 * 256 * 2]`, where entry (byte index i, value v)
 * holds the two output words that input byte i with value v contributes. Eight lookups per block.
 */
function permutation64(table: readonly number[]): Int32Array {
  const t = new Int32Array(8 * 256 * 2);
  const one = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    for (let v = 0; v < 256; v++) {
      one.fill(0);
      one[i] = v;
      let hi = 0;
      let lo = 0;
      for (let o = 0; o < 64; o++) {
        if (bit(one, table[o]!) === 0) continue;
        if (o < 32) hi |= 1 << (31 - o);
        else lo |= 1 << (63 - o);
      }
      t[(i * 256 + v) * 2] = hi;
      t[(i * 256 + v) * 2 + 1] = lo;
    }
  }
  return t;
}

interface Tables {
  readonly ip: Int32Array;
  readonly fp: Int32Array;
  /** SP[j][x]: S-box j on 6-bit input x, placed in its nibble and passed through P. */
  readonly sp: Int32Array;
}

let tables: Tables | undefined;

function buildTables(): Tables {
  const fpTable = new Array<number>(64);
  for (let i = 0; i < 64; i++) fpTable[IP[i]! - 1] = i + 1; // FP = IP^-1
  const sp = new Int32Array(8 * 64);
  const word = new Uint8Array(4);
  for (let j = 0; j < 8; j++) {
    for (let x = 0; x < 64; x++) {
      const row = ((x >> 4) & 2) | (x & 1);
      const col = (x >> 1) & 15;
      const s = S[j]![row * 16 + col]!;
      const pre = s << (28 - 4 * j);
      word[0] = pre >>> 24;
      word[1] = pre >>> 16;
      word[2] = pre >>> 8;
      word[3] = pre;
      let out = 0;
      for (let i = 0; i < 32; i++) out |= bit(word, P[i]!) << (31 - i);
      sp[j * 64 + x] = out;
    }
  }
  return { ip: permutation64(IP), fp: permutation64(fpTable), sp };
}

function apply64(t: Int32Array, hi: number, lo: number): [number, number] {
  let a = 0;
  let b = 0;
  for (let i = 0; i < 8; i++) {
    const v = i < 4 ? (hi >>> (24 - 8 * i)) & 255 : (lo >>> (56 - 8 * i)) & 255;
    a |= t[(i * 256 + v) * 2]!;
    b |= t[(i * 256 + v) * 2 + 1]!;
  }
  return [a, b];
}

/** The 16 round keys of an 8-byte DES key, as 16 x 8 six-bit groups (parity bits ignored). */
export function desKeySchedule(key: Uint8Array): Uint8Array {
  const cd = new Uint8Array(56);
  for (let i = 0; i < 56; i++) cd[i] = bit(key, PC1[i]!);
  const out = new Uint8Array(16 * 8);
  const c = Array.from(cd.subarray(0, 28));
  const d = Array.from(cd.subarray(28));
  for (let r = 0; r < 16; r++) {
    for (let s = 0; s < SHIFTS[r]!; s++) {
      c.push(c.shift()!);
      d.push(d.shift()!);
    }
    const both = [...c, ...d];
    for (let j = 0; j < 8; j++) {
      let g = 0;
      for (let k = 0; k < 6; k++) g = (g << 1) | both[PC2[j * 6 + k]! - 1]!;
      out[r * 8 + j] = g;
    }
  }
  return out;
}

/** One DES block on (hi, lo) with `keys` (from {@link desKeySchedule}); `decrypt` reverses them. */
function desBlock(keys: Uint8Array, hi: number, lo: number, decrypt: boolean): [number, number] {
  const t = (tables ??= buildTables());
  let [l, r] = apply64(t.ip, hi, lo);
  const sp = t.sp;
  for (let round = 0; round < 16; round++) {
    const k = (decrypt ? 15 - round : round) * 8;
    let f = 0;
    for (let j = 0; j < 8; j++) {
      // E expansion: group j is bits 4j .. 4j+5 of R (bit 0 meaning bit 32), FIPS 46-3 table E.
      const shift = (4 * j + 31) & 31; // a left rotation by 4j - 1 (mod 32)
      const g = ((r << shift) | (r >>> (32 - shift))) >>> 26;
      f |= sp[j * 64 + (g ^ keys[k + j]!)]!;
    }
    const next = l ^ f;
    l = r;
    r = next;
  }
  return apply64(t.fp, r, l); // the last round does not swap: R16 L16
}

/** Round keys of a Triple DES key: 24 bytes (K1 K2 K3) or 16 bytes (K1 K2, K3 = K1). */
function tripleKeys(key: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  if (key.length !== 16 && key.length !== 24) {
    throw new RangeError(`"key" expected Uint8Array of length 16 or 24, got length=${key.length}`);
  }
  const k1 = desKeySchedule(key.subarray(0, 8));
  const k2 = desKeySchedule(key.subarray(8, 16));
  const k3 = key.length === 24 ? desKeySchedule(key.subarray(16, 24)) : k1;
  return [k1, k2, k3];
}

function read32(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}
function write32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

/**
 * Triple DES (EDE) in CBC mode, no padding: `data.length` must be a multiple of 8.
 *
 * @param key - 24 bytes (three keys) or 16 bytes (two keys, K1 K2 K1).
 * @param iv - 8 bytes.
 */
export function tripleDesCbc(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  decrypt: boolean,
): Uint8Array<ArrayBuffer> {
  if (iv.length !== 8)
    throw new RangeError(`"iv" expected Uint8Array of length 8, got length=${iv.length}`);
  if (data.length % 8 !== 0) throw new RangeError('"data" length must be a multiple of 8');
  const [k1, k2, k3] = tripleKeys(key);
  const out = new Uint8Array(data.length);
  let chainHi = read32(iv, 0);
  let chainLo = read32(iv, 4);
  for (let at = 0; at < data.length; at += 8) {
    let hi = read32(data, at);
    let lo = read32(data, at + 4);
    if (!decrypt) {
      [hi, lo] = desBlock(k1, hi ^ chainHi, lo ^ chainLo, false);
      [hi, lo] = desBlock(k2, hi, lo, true);
      [hi, lo] = desBlock(k3, hi, lo, false);
      chainHi = hi;
      chainLo = lo;
    } else {
      const inHi = hi;
      const inLo = lo;
      [hi, lo] = desBlock(k3, hi, lo, true);
      [hi, lo] = desBlock(k2, hi, lo, false);
      [hi, lo] = desBlock(k1, hi, lo, true);
      hi ^= chainHi;
      lo ^= chainLo;
      chainHi = inHi;
      chainLo = inLo;
    }
    write32(out, at, hi);
    write32(out, at + 4, lo);
  }
  return out;
}
