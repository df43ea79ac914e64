/**
 * A deliberately slow, table-free Twofish written straight from the paper's definitions
 * (Schneier et al. 1998, §4.1-§4.3): q permutations evaluated nibble by nibble on each call,
 * the MDS and RS products computed with GF(2^8) shift-and-add, h evaluated per use, no full
 * keying, no unrolling. It exists only as an independent cross-check of src/twofish (in the
 * spirit of noble's micro-aes); never use it for anything else.
 */

const T0 = [
  [8, 1, 7, 13, 6, 15, 3, 2, 0, 11, 5, 9, 14, 12, 10, 4],
  [14, 12, 11, 8, 1, 2, 3, 5, 15, 4, 10, 6, 7, 0, 9, 13],
  [11, 10, 5, 14, 6, 13, 9, 0, 12, 8, 15, 3, 2, 4, 7, 1],
  [13, 7, 15, 4, 1, 2, 6, 14, 9, 11, 3, 0, 8, 5, 12, 10],
];
const T1 = [
  [2, 8, 11, 13, 15, 7, 6, 14, 3, 1, 9, 4, 0, 10, 12, 5],
  [1, 14, 2, 11, 4, 12, 3, 7, 6, 13, 10, 5, 15, 9, 0, 8],
  [4, 12, 7, 5, 1, 6, 9, 10, 0, 14, 13, 8, 2, 11, 3, 15],
  [11, 9, 5, 1, 12, 3, 13, 14, 6, 4, 7, 15, 2, 0, 8, 10],
];

function ror4(x: number): number {
  return ((x >> 1) | (x << 3)) & 15;
}

function q(which: 0 | 1, x: number): number {
  const t = which === 0 ? T0 : T1;
  let a = x >> 4;
  let b = x & 15;
  for (let round = 0; round < 2; round++) {
    const a1 = a ^ b;
    const b1 = a ^ ror4(b) ^ ((8 * a) & 15);
    a = t[2 * round]![a1]!;
    b = t[2 * round + 1]![b1]!;
  }
  return 16 * b + a;
}

function gf(a: number, b: number, poly: number): number {
  let r = 0;
  while (b > 0) {
    if (b & 1) r ^= a;
    a <<= 1;
    if (a & 256) a ^= poly;
    b >>= 1;
  }
  return r;
}

const MDS = [
  [0x01, 0xef, 0x5b, 0x5b],
  [0x5b, 0xef, 0xef, 0x01],
  [0xef, 0x5b, 0x01, 0xef],
  [0xef, 0x01, 0xef, 0x5b],
];
const RS = [
  [0x01, 0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e],
  [0xa4, 0x56, 0x82, 0xf3, 0x1e, 0xc6, 0x68, 0xe5],
  [0x02, 0xa1, 0xfc, 0xc1, 0x47, 0xae, 0x3d, 0x19],
  [0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e, 0x03],
];

const byte = (w: number, i: number): number => (w >>> (8 * i)) & 255;
const rol = (w: number, n: number): number => ((w << n) | (w >>> (32 - n))) >>> 0;
const ror = (w: number, n: number): number => ((w >>> n) | (w << (32 - n))) >>> 0;

/** §4.3.2: h(X, L) for a list L of k words. */
function h(x: number, l: number[]): number {
  const k = l.length;
  let y = [byte(x, 0), byte(x, 1), byte(x, 2), byte(x, 3)];
  if (k === 4)
    y = [
      q(1, y[0]!) ^ byte(l[3]!, 0),
      q(0, y[1]!) ^ byte(l[3]!, 1),
      q(0, y[2]!) ^ byte(l[3]!, 2),
      q(1, y[3]!) ^ byte(l[3]!, 3),
    ];
  if (k >= 3)
    y = [
      q(1, y[0]!) ^ byte(l[2]!, 0),
      q(1, y[1]!) ^ byte(l[2]!, 1),
      q(0, y[2]!) ^ byte(l[2]!, 2),
      q(0, y[3]!) ^ byte(l[2]!, 3),
    ];
  y = [
    q(1, q(0, q(0, y[0]!) ^ byte(l[1]!, 0)) ^ byte(l[0]!, 0)),
    q(0, q(0, q(1, y[1]!) ^ byte(l[1]!, 1)) ^ byte(l[0]!, 1)),
    q(1, q(1, q(0, y[2]!) ^ byte(l[1]!, 2)) ^ byte(l[0]!, 2)),
    q(0, q(1, q(1, y[3]!) ^ byte(l[1]!, 3)) ^ byte(l[0]!, 3)),
  ];
  let z = 0;
  for (let i = 0; i < 4; i++) {
    let zi = 0;
    for (let j = 0; j < 4; j++) zi ^= gf(MDS[i]![j]!, y[j]!, 0x169);
    z |= zi << (8 * i);
  }
  return z >>> 0;
}

/** A slow Twofish instance for one key (16, 24 or 32 bytes). */
export class SlowTwofish {
  readonly #k: number[] = [];
  readonly #s: number[];

  constructor(key: Uint8Array) {
    const k = key.length / 8;
    const m: number[] = [];
    for (let i = 0; i < 2 * k; i++) {
      m.push(
        (key[4 * i]! |
          (key[4 * i + 1]! << 8) |
          (key[4 * i + 2]! << 16) |
          (key[4 * i + 3]! << 24)) >>>
          0,
      );
    }
    const me = m.filter((_, i) => i % 2 === 0);
    const mo = m.filter((_, i) => i % 2 === 1);
    const s: number[] = [];
    for (let i = 0; i < k; i++) {
      let w = 0;
      for (let r = 0; r < 4; r++) {
        let v = 0;
        for (let j = 0; j < 8; j++) v ^= gf(RS[r]![j]!, key[8 * i + j]!, 0x14d);
        w |= v << (8 * r);
      }
      s.push(w >>> 0);
    }
    this.#s = s.reverse();
    const rho = 0x01010101;
    for (let i = 0; i < 20; i++) {
      const a = h(Math.imul(2 * i, rho) >>> 0, me);
      const b = rol(h(Math.imul(2 * i + 1, rho) >>> 0, mo), 8);
      this.#k.push((a + b) >>> 0, rol((a + 2 * b) >>> 0, 9));
    }
  }

  #g(x: number): number {
    return h(x, this.#s);
  }

  encrypt(block: Uint8Array): Uint8Array {
    const K = this.#k;
    let r = [0, 1, 2, 3].map((i) => (readWord(block, 4 * i) ^ K[i]!) >>> 0);
    for (let round = 0; round < 16; round++) {
      const t0 = this.#g(r[0]!);
      const t1 = this.#g(rol(r[1]!, 8));
      const f0 = (t0 + t1 + K[2 * round + 8]!) >>> 0;
      const f1 = (t0 + 2 * t1 + K[2 * round + 9]!) >>> 0;
      r = [ror((r[2]! ^ f0) >>> 0, 1), (rol(r[3]!, 1) ^ f1) >>> 0, r[0]!, r[1]!];
    }
    const out = new Uint8Array(16);
    for (let i = 0; i < 4; i++) writeWord(out, 4 * i, r[(i + 2) % 4]! ^ K[i + 4]!);
    return out;
  }

  decrypt(block: Uint8Array): Uint8Array {
    const K = this.#k;
    let r = [0, 1, 2, 3].map(
      (i) => (readWord(block, 4 * ((i + 2) % 4)) ^ K[((i + 2) % 4) + 4]!) >>> 0,
    );
    for (let round = 15; round >= 0; round--) {
      // r is R_{round+1} = (R_round,2', R_round,3', R_round,0, R_round,1): undo one round.
      const t0 = this.#g(r[2]!);
      const t1 = this.#g(rol(r[3]!, 8));
      const f0 = (t0 + t1 + K[2 * round + 8]!) >>> 0;
      const f1 = (t0 + 2 * t1 + K[2 * round + 9]!) >>> 0;
      r = [r[2]!, r[3]!, (rol(r[0]!, 1) ^ f0) >>> 0, ror((r[1]! ^ f1) >>> 0, 1)];
    }
    const out = new Uint8Array(16);
    for (let i = 0; i < 4; i++) writeWord(out, 4 * i, r[i]! ^ K[i]!);
    return out;
  }
}

function readWord(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function writeWord(b: Uint8Array, at: number, w: number): void {
  for (let i = 0; i < 4; i++) b[at + i] = (w >>> (8 * i)) & 255;
}
