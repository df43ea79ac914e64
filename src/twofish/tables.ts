/**
 * Fixed Twofish tables, built once per process from the definitions in the Twofish paper
 * (B. Schneier, J. Kelsey, D. Whiting, D. Wagner, C. Hall, N. Ferguson, "Twofish: A 128-Bit
 * Block Cipher", 1998):
 *
 * - the byte permutations q0 and q1 (§4.3.5), built from their 4-bit t-tables;
 * - `MQ`: the MDS matrix (§4.3.2) multiplied by the outermost q of each byte position of h
 *   (§4.3.2, Figure 2), so that key setup needs one lookup per byte instead of an MDS multiply;
 * - exponential and logarithm tables of GF(2^8) modulo the RS polynomial (§4.3), so that the
 *   RS step of each key setup is done inline with a few lookups per product.
 *
 * Both field polynomials of the paper are primitive with generator x, which is what makes the
 * log/exp tables valid (the known-answer tests would fail otherwise). The tables are
 * key-independent and public; they are built on first use (so importing the package costs
 * nothing), with table multiplications rather than shift-and-add so that building them is cheap
 * even before V8 has optimised this code.
 *
 * @module
 */

// §4.3.5: the 4-bit permutations t0..t3 of q0 and of q1.
const Q0_T = [
  [0x8, 0x1, 0x7, 0xd, 0x6, 0xf, 0x3, 0x2, 0x0, 0xb, 0x5, 0x9, 0xe, 0xc, 0xa, 0x4],
  [0xe, 0xc, 0xb, 0x8, 0x1, 0x2, 0x3, 0x5, 0xf, 0x4, 0xa, 0x6, 0x7, 0x0, 0x9, 0xd],
  [0xb, 0xa, 0x5, 0xe, 0x6, 0xd, 0x9, 0x0, 0xc, 0x8, 0xf, 0x3, 0x2, 0x4, 0x7, 0x1],
  [0xd, 0x7, 0xf, 0x4, 0x1, 0x2, 0x6, 0xe, 0x9, 0xb, 0x3, 0x0, 0x8, 0x5, 0xc, 0xa],
] as const;
const Q1_T = [
  [0x2, 0x8, 0xb, 0xd, 0xf, 0x7, 0x6, 0xe, 0x3, 0x1, 0x9, 0x4, 0x0, 0xa, 0xc, 0x5],
  [0x1, 0xe, 0x2, 0xb, 0x4, 0xc, 0x3, 0x7, 0x6, 0xd, 0xa, 0x5, 0xf, 0x9, 0x0, 0x8],
  [0x4, 0xc, 0x7, 0x5, 0x1, 0x6, 0x9, 0xa, 0x0, 0xe, 0xd, 0x8, 0x2, 0xb, 0x3, 0xf],
  [0xb, 0x9, 0x5, 0x1, 0xc, 0x3, 0xd, 0xe, 0x6, 0x4, 0x7, 0xf, 0x2, 0x0, 0x8, 0xa],
] as const;

// §4.3.2: the MDS matrix, over GF(2^8) modulo x^8+x^6+x^5+x^3+1.
const MDS = [
  [0x01, 0xef, 0x5b, 0x5b],
  [0x5b, 0xef, 0xef, 0x01],
  [0xef, 0x5b, 0x01, 0xef],
  [0xef, 0x01, 0xef, 0x5b],
] as const;
const MDS_POLY = 0x169;

// §4.3: the RS matrix, over GF(2^8) modulo x^8+x^6+x^3+x^2+1.
const RS_MATRIX = [
  [0x01, 0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e],
  [0xa4, 0x56, 0x82, 0xf3, 0x1e, 0xc6, 0x68, 0xe5],
  [0x02, 0xa1, 0xfc, 0xc1, 0x47, 0xae, 0x3d, 0x19],
  [0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e, 0x03],
] as const;
const RS_POLY = 0x14d;

/** The fixed tables; see the module comment. */
export interface FixedTables {
  /** q0 at [0, 256), q1 at [256, 512). */
  readonly q: Uint8Array;
  /** MDS column j times the outer q of byte position j, at [256 j, 256 j + 256). */
  readonly mq: Int32Array;
  /** exp table of GF(2^8) mod the RS polynomial, doubled (510 entries) to skip a mod 255. */
  readonly rsExp: Uint8Array;
  /** log table of GF(2^8) mod the RS polynomial (log of 0 is stored as 0; callers mask it). */
  readonly rsLog: Uint8Array;
  /** Logs of the RS matrix entries, row-major (4 x 8; all entries are non-zero). */
  readonly rsMatrixLog: Uint8Array;
}

let cached: FixedTables | undefined;

/** The fixed tables, built on first call. */
export function fixedTables(): FixedTables {
  return (cached ??= buildTables());
}

/** exp (doubled) and log tables of GF(2^8) modulo `poly`, with generator x. */
function expLog(poly: number): { exp: Uint8Array; log: Uint8Array } {
  const exp = new Uint8Array(510);
  const log = new Uint8Array(256);
  let v = 1;
  for (let i = 0; i < 255; i++) {
    exp[i] = v;
    exp[i + 255] = v;
    log[v] = i;
    v <<= 1;
    if (v & 0x100) v ^= poly;
  }
  return { exp, log };
}

/** §4.3.5: one q permutation from its t-tables (ROR4 is a 4-bit rotate right by one). */
function qPermutation(t: readonly (readonly number[])[], x: number): number {
  const a0 = x >>> 4;
  const b0 = x & 15;
  const a1 = a0 ^ b0;
  const b1 = a0 ^ (((b0 >>> 1) | (b0 << 3)) & 15) ^ ((8 * a0) & 15);
  const a2 = t[0]![a1]!;
  const b2 = t[1]![b1]!;
  const a3 = a2 ^ b2;
  const b3 = a2 ^ (((b2 >>> 1) | (b2 << 3)) & 15) ^ ((8 * a2) & 15);
  return (t[3]![b3]! << 4) | t[2]![a3]!;
}

function buildTables(): FixedTables {
  const q = new Uint8Array(512);
  for (let x = 0; x < 256; x++) {
    q[x] = qPermutation(Q0_T, x);
    q[256 + x] = qPermutation(Q1_T, x);
  }
  const m = expLog(MDS_POLY);
  // Figure 2 of the paper: the last q applied to bytes 0..3 of h is q1, q0, q1, q0.
  const outerQ = [256, 0, 256, 0] as const;
  const mq = new Int32Array(1024);
  for (let j = 0; j < 4; j++) {
    const l0 = m.log[MDS[0][j]]!;
    const l1 = m.log[MDS[1][j]]!;
    const l2 = m.log[MDS[2][j]]!;
    const l3 = m.log[MDS[3][j]]!;
    for (let x = 0; x < 256; x++) {
      const y = q[outerQ[j]! + x]!;
      if (y === 0) continue; // every product is 0
      const ly = m.log[y]!;
      mq[256 * j + x] =
        m.exp[l0 + ly]! |
        (m.exp[l1 + ly]! << 8) |
        (m.exp[l2 + ly]! << 16) |
        (m.exp[l3 + ly]! << 24);
    }
  }
  const r = expLog(RS_POLY);
  const rsMatrixLog = new Uint8Array(32);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 8; j++) rsMatrixLog[8 * i + j] = r.log[RS_MATRIX[i]![j]!]!;
  return { q, mq, rsExp: r.exp, rsLog: r.log, rsMatrixLog };
}
