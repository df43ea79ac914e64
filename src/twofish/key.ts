/**
 * Twofish key schedule with full keying (Twofish paper §4.3 and §7.3 "full keying").
 *
 * The expanded key is one `Int32Array` of {@link EXPANDED_WORDS} words:
 * - words [0, 1024): the four key-dependent S-boxes already multiplied by their MDS column, so
 *   that g(X) = T0[x0] ^ T1[x1] ^ T2[x2] ^ T3[x3] with T_j at [256 j, 256 j + 256);
 * - words [1024, 1064): the 40 round subkeys K_0..K_39.
 *
 * Cost: the fixed MDS x q tables come from {@link fixedTables} (built once per process), and the
 * RS step is done inline with log/exp tables, so a key setup is about 1100 small table fills
 * (a few microseconds once warm).
 *
 * @module
 */
import { fixedTables } from './tables.js';

/** Words in an expanded key: 1024 S-box x MDS words, then 40 subkeys. */
export const EXPANDED_WORDS = 1064;
/** Index of subkey K_0 in an expanded key. */
export const SUBKEY_BASE = 1024;

// Figure 2 of the paper: for byte position j, the q applied at the k=4 stage, the k=3 stage,
// then the two stages every key size has (as offsets into the q table: 0 = q0, 256 = q1). The
// outermost q of each position is folded into the MDS x q tables.
const Q_K4 = [256, 0, 0, 256] as const;
const Q_K3 = [256, 256, 0, 0] as const;
const Q_INNER = [0, 256, 0, 256] as const;
const Q_MIDDLE = [0, 0, 256, 256] as const;

/**
 * The function h of §4.3.2 for an input whose four bytes are all `x` (the only inputs the
 * subkey derivation uses: 2i·ρ and (2i+1)·ρ), with the list L = (l0, l1, l2, l3) of `k` words.
 */
function hSplat(x: number, k: number, l0: number, l1: number, l2: number, l3: number): number {
  const { q, mq } = fixedTables();
  let z = 0;
  for (let j = 0; j < 4; j++) {
    const s = 8 * j;
    let y = x;
    if (k === 4) y = q[Q_K4[j]! + y]! ^ ((l3 >>> s) & 255);
    if (k >= 3) y = q[Q_K3[j]! + y]! ^ ((l2 >>> s) & 255);
    y = q[Q_INNER[j]! + y]! ^ ((l1 >>> s) & 255);
    y = q[Q_MIDDLE[j]! + y]! ^ ((l0 >>> s) & 255);
    z ^= mq[256 * j + y]!;
  }
  return z;
}

/** Little-endian 32-bit word of `key` at byte `at`, or 0 past the end (§4.3: M_i). */
function keyWord(key: Uint8Array, at: number): number {
  if (at >= key.length) return 0;
  return key[at]! | (key[at + 1]! << 8) | (key[at + 2]! << 16) | (key[at + 3]! << 24);
}

/**
 * §4.3: S_i = RS · (m_{8i}, ..., m_{8i+7}) over GF(2^8) mod x^8+x^6+x^3+x^2+1, or 0 past the
 * end of the key. Products use log/exp tables; a zero key byte is masked rather than branched
 * on, so the work does not depend on the key bytes.
 */
function rsWord(key: Uint8Array, i: number): number {
  if (8 * i >= key.length) return 0;
  const { rsExp, rsLog, rsMatrixLog } = fixedTables();
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let j = 0; j < 8; j++) {
    const m = key[8 * i + j]!;
    const mask = -((m + 255) >>> 8); // 0 when m == 0, else all ones
    const lm = rsLog[m]!;
    s0 ^= rsExp[lm + rsMatrixLog[j]!]! & mask;
    s1 ^= rsExp[lm + rsMatrixLog[8 + j]!]! & mask;
    s2 ^= rsExp[lm + rsMatrixLog[16 + j]!]! & mask;
    s3 ^= rsExp[lm + rsMatrixLog[24 + j]!]! & mask;
  }
  return s0 | (s1 << 8) | (s2 << 16) | (s3 << 24);
}

/**
 * Expands a 16-, 24- or 32-byte key (the caller has checked the length) into `out`.
 *
 * @param key - the key bytes.
 * @param out - where to write; a fresh array by default.
 * @returns `out`, laid out as described in the module comment.
 */
export function expandKey(
  key: Uint8Array,
  out: Int32Array = new Int32Array(EXPANDED_WORDS),
): Int32Array {
  const { q, mq } = fixedTables();
  const k = key.length >>> 3;

  // §4.3: Me = (M0, M2, ...), Mo = (M1, M3, ...); absent words are 0 and unused for this k.
  const me0 = keyWord(key, 0);
  const mo0 = keyWord(key, 4);
  const me1 = keyWord(key, 8);
  const mo1 = keyWord(key, 12);
  const me2 = keyWord(key, 16);
  const mo2 = keyWord(key, 20);
  const me3 = keyWord(key, 24);
  const mo3 = keyWord(key, 28);

  // §4.3.4: K_2i = A_i + B_i, K_2i+1 = ROL(A_i + 2 B_i, 9), A_i = h(2iρ, Me), B_i = ROL(h((2i+1)ρ, Mo), 8).
  for (let i = 0; i < 20; i++) {
    const a = hSplat(2 * i, k, me0, me1, me2, me3);
    let b = hSplat(2 * i + 1, k, mo0, mo1, mo2, mo3);
    b = (b << 8) | (b >>> 24);
    out[SUBKEY_BASE + 2 * i] = a + b;
    const t = (a + 2 * b) | 0;
    out[SUBKEY_BASE + 2 * i + 1] = (t << 9) | (t >>> 23);
  }

  // §4.3: g(X) = h(X, S) with S = (S_{k-1}, ..., S_0): the list is the RS words reversed.
  const s0 = rsWord(key, 0);
  const s1 = rsWord(key, 1);
  const s2 = rsWord(key, 2);
  const s3 = rsWord(key, 3);
  const l0 = k === 2 ? s1 : k === 3 ? s2 : s3;
  const l1 = k === 2 ? s0 : k === 3 ? s1 : s2;
  const l2 = k === 3 ? s0 : s1;
  const l3 = s0;

  // §7.3 full keying: T_j[x] = MDS column j times the byte chain of position j, for every x.
  for (let j = 0; j < 4; j++) {
    const sh = 8 * j;
    const c0 = (l0 >>> sh) & 255;
    const c1 = (l1 >>> sh) & 255;
    const c2 = (l2 >>> sh) & 255;
    const c3 = (l3 >>> sh) & 255;
    const o4 = Q_K4[j]!;
    const o3 = Q_K3[j]!;
    const oi = Q_INNER[j]!;
    const om = Q_MIDDLE[j]!;
    const base = 256 * j;
    if (k === 2) {
      for (let x = 0; x < 256; x++) {
        out[base + x] = mq[base + (q[om + (q[oi + x]! ^ c1)]! ^ c0)]!;
      }
    } else if (k === 3) {
      for (let x = 0; x < 256; x++) {
        out[base + x] = mq[base + (q[om + (q[oi + (q[o3 + x]! ^ c2)]! ^ c1)]! ^ c0)]!;
      }
    } else {
      for (let x = 0; x < 256; x++) {
        const y = q[o3 + (q[o4 + x]! ^ c3)]! ^ c2;
        out[base + x] = mq[base + (q[om + (q[oi + y]! ^ c1)]! ^ c0)]!;
      }
    }
  }
  return out;
}
