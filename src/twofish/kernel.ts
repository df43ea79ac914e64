/**
 * The Twofish block-run kernels: 16 unrolled rounds on 32-bit words (Twofish paper §4.1-§4.2)
 * over a run of whole blocks, with the mode's chaining folded in so that no per-block call is
 * made. Modes call these on bounded chunks (a few KiB): a kernel called once per large buffer
 * would only ever run as on-stack-replaced code in V8, which is slower and unsteady.
 *
 * Data is an `Int32Array` of little-endian block words (§4.1: P_i = sum of p_{4i+j} 2^{8j});
 * on a big-endian host the caller byte-swaps each chunk around the call.
 *
 * Why it looks like this: the subkeys sit in locals (loaded once per run); the four g() lookups
 * index one 1024-word table (§7.3 full keying) with constant offsets; every sum is truncated by
 * the following XOR, so V8 compiles the arithmetic to 32-bit integer operations.
 *
 * @module
 */

/** Kernel mode: ECB (each block on its own). */
export const MODE_ECB = 0;
/** Kernel mode: CBC (`cv` holds the chaining block as little-endian words). */
export const MODE_CBC = 1;
/**
 * Kernel mode, encryption only: CTR (`cv` holds the 128-bit counter as four big-endian 32-bit
 * numbers, most significant first; the data words are XORed with the keystream).
 */
export const MODE_CTR = 2;

/**
 * Encrypts the whole blocks in `w[from..to)` in place (`to - from` is a multiple of 4).
 *
 * @param x - the expanded key (see key.ts).
 * @param w - data words.
 * @param from - first word.
 * @param to - end word.
 * @param mode - {@link MODE_ECB}, {@link MODE_CBC} or {@link MODE_CTR}.
 * @param cv - 4 words of chaining value or counter, updated for the next run.
 */
export function encryptRun(
  x: Int32Array,
  w: Int32Array,
  from: number,
  to: number,
  mode: number,
  cv: Int32Array,
): void {
  const s = x;
  const k0 = x[1024];
  const k1 = x[1025];
  const k2 = x[1026];
  const k3 = x[1027];
  const k4 = x[1028];
  const k5 = x[1029];
  const k6 = x[1030];
  const k7 = x[1031];
  const k8 = x[1032];
  const k9 = x[1033];
  const k10 = x[1034];
  const k11 = x[1035];
  const k12 = x[1036];
  const k13 = x[1037];
  const k14 = x[1038];
  const k15 = x[1039];
  const k16 = x[1040];
  const k17 = x[1041];
  const k18 = x[1042];
  const k19 = x[1043];
  const k20 = x[1044];
  const k21 = x[1045];
  const k22 = x[1046];
  const k23 = x[1047];
  const k24 = x[1048];
  const k25 = x[1049];
  const k26 = x[1050];
  const k27 = x[1051];
  const k28 = x[1052];
  const k29 = x[1053];
  const k30 = x[1054];
  const k31 = x[1055];
  const k32 = x[1056];
  const k33 = x[1057];
  const k34 = x[1058];
  const k35 = x[1059];
  const k36 = x[1060];
  const k37 = x[1061];
  const k38 = x[1062];
  const k39 = x[1063];
  let c0 = cv[0];
  let c1 = cv[1];
  let c2 = cv[2];
  let c3 = cv[3];
  for (let i = from; i < to; i += 4) {
    let a: number, b: number, c: number, d: number, t0: number, t1: number;
    if (mode === MODE_ECB) {
      a = w[i] ^ k0;
      b = w[i + 1] ^ k1;
      c = w[i + 2] ^ k2;
      d = w[i + 3] ^ k3;
    } else if (mode === MODE_CBC) {
      a = w[i] ^ c0 ^ k0;
      b = w[i + 1] ^ c1 ^ k1;
      c = w[i + 2] ^ c2 ^ k2;
      d = w[i + 3] ^ c3 ^ k3;
    } else {
      // The counter block's bytes are the big-endian counter; its words are read little-endian.
      a = ((c0 >>> 24) | ((c0 >>> 8) & 0xff00) | ((c0 & 0xff00) << 8) | (c0 << 24)) ^ k0;
      b = ((c1 >>> 24) | ((c1 >>> 8) & 0xff00) | ((c1 & 0xff00) << 8) | (c1 << 24)) ^ k1;
      c = ((c2 >>> 24) | ((c2 >>> 8) & 0xff00) | ((c2 & 0xff00) << 8) | (c2 << 24)) ^ k2;
      d = ((c3 >>> 24) | ((c3 >>> 8) & 0xff00) | ((c3 & 0xff00) << 8) | (c3 << 24)) ^ k3;
    }
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c ^= t0 + t1 + k8;
    c = (c >>> 1) | (c << 31);
    d = ((d << 1) | (d >>> 31)) ^ (t0 + t1 + t1 + k9);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a ^= t0 + t1 + k10;
    a = (a >>> 1) | (a << 31);
    b = ((b << 1) | (b >>> 31)) ^ (t0 + t1 + t1 + k11);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c ^= t0 + t1 + k12;
    c = (c >>> 1) | (c << 31);
    d = ((d << 1) | (d >>> 31)) ^ (t0 + t1 + t1 + k13);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a ^= t0 + t1 + k14;
    a = (a >>> 1) | (a << 31);
    b = ((b << 1) | (b >>> 31)) ^ (t0 + t1 + t1 + k15);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c ^= t0 + t1 + k16;
    c = (c >>> 1) | (c << 31);
    d = ((d << 1) | (d >>> 31)) ^ (t0 + t1 + t1 + k17);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a ^= t0 + t1 + k18;
    a = (a >>> 1) | (a << 31);
    b = ((b << 1) | (b >>> 31)) ^ (t0 + t1 + t1 + k19);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c ^= t0 + t1 + k20;
    c = (c >>> 1) | (c << 31);
    d = ((d << 1) | (d >>> 31)) ^ (t0 + t1 + t1 + k21);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a ^= t0 + t1 + k22;
    a = (a >>> 1) | (a << 31);
    b = ((b << 1) | (b >>> 31)) ^ (t0 + t1 + t1 + k23);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c ^= t0 + t1 + k24;
    c = (c >>> 1) | (c << 31);
    d = ((d << 1) | (d >>> 31)) ^ (t0 + t1 + t1 + k25);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a ^= t0 + t1 + k26;
    a = (a >>> 1) | (a << 31);
    b = ((b << 1) | (b >>> 31)) ^ (t0 + t1 + t1 + k27);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c ^= t0 + t1 + k28;
    c = (c >>> 1) | (c << 31);
    d = ((d << 1) | (d >>> 31)) ^ (t0 + t1 + t1 + k29);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a ^= t0 + t1 + k30;
    a = (a >>> 1) | (a << 31);
    b = ((b << 1) | (b >>> 31)) ^ (t0 + t1 + t1 + k31);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c ^= t0 + t1 + k32;
    c = (c >>> 1) | (c << 31);
    d = ((d << 1) | (d >>> 31)) ^ (t0 + t1 + t1 + k33);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a ^= t0 + t1 + k34;
    a = (a >>> 1) | (a << 31);
    b = ((b << 1) | (b >>> 31)) ^ (t0 + t1 + t1 + k35);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c ^= t0 + t1 + k36;
    c = (c >>> 1) | (c << 31);
    d = ((d << 1) | (d >>> 31)) ^ (t0 + t1 + t1 + k37);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a ^= t0 + t1 + k38;
    a = (a >>> 1) | (a << 31);
    b = ((b << 1) | (b >>> 31)) ^ (t0 + t1 + t1 + k39);
    // §4.1: the last round's swap is undone, then output whitening with K4..K7.
    if (mode === MODE_CTR) {
      w[i] ^= c ^ k4;
      w[i + 1] ^= d ^ k5;
      w[i + 2] ^= a ^ k6;
      w[i + 3] ^= b ^ k7;
      c3 = (c3 + 1) | 0;
      if (c3 === 0) {
        c2 = (c2 + 1) | 0;
        if (c2 === 0) {
          c1 = (c1 + 1) | 0;
          if (c1 === 0) c0 = (c0 + 1) | 0;
        }
      }
    } else {
      c0 = c ^ k4;
      c1 = d ^ k5;
      c2 = a ^ k6;
      c3 = b ^ k7;
      w[i] = c0;
      w[i + 1] = c1;
      w[i + 2] = c2;
      w[i + 3] = c3;
    }
  }
  if (mode !== MODE_ECB) {
    cv[0] = c0;
    cv[1] = c1;
    cv[2] = c2;
    cv[3] = c3;
  }
}

/**
 * Decrypts the whole blocks in `w[from..to)` in place (`to - from` is a multiple of 4).
 *
 * @param x - the expanded key (see key.ts).
 * @param w - data words.
 * @param from - first word.
 * @param to - end word.
 * @param mode - {@link MODE_ECB} or {@link MODE_CBC}.
 * @param cv - 4 words of chaining value, updated for the next run (CBC).
 */
export function decryptRun(
  x: Int32Array,
  w: Int32Array,
  from: number,
  to: number,
  mode: number,
  cv: Int32Array,
): void {
  const s = x;
  const k0 = x[1024];
  const k1 = x[1025];
  const k2 = x[1026];
  const k3 = x[1027];
  const k4 = x[1028];
  const k5 = x[1029];
  const k6 = x[1030];
  const k7 = x[1031];
  const k8 = x[1032];
  const k9 = x[1033];
  const k10 = x[1034];
  const k11 = x[1035];
  const k12 = x[1036];
  const k13 = x[1037];
  const k14 = x[1038];
  const k15 = x[1039];
  const k16 = x[1040];
  const k17 = x[1041];
  const k18 = x[1042];
  const k19 = x[1043];
  const k20 = x[1044];
  const k21 = x[1045];
  const k22 = x[1046];
  const k23 = x[1047];
  const k24 = x[1048];
  const k25 = x[1049];
  const k26 = x[1050];
  const k27 = x[1051];
  const k28 = x[1052];
  const k29 = x[1053];
  const k30 = x[1054];
  const k31 = x[1055];
  const k32 = x[1056];
  const k33 = x[1057];
  const k34 = x[1058];
  const k35 = x[1059];
  const k36 = x[1060];
  const k37 = x[1061];
  const k38 = x[1062];
  const k39 = x[1063];
  let c0 = cv[0];
  let c1 = cv[1];
  let c2 = cv[2];
  let c3 = cv[3];
  for (let i = from; i < to; i += 4) {
    let a: number, b: number, c: number, d: number, t0: number, t1: number;
    const w0 = w[i];
    const w1 = w[i + 1];
    const w2 = w[i + 2];
    const w3 = w[i + 3];
    // Inverse of the output whitening and of the final swap (§4.1).
    c = w0 ^ k4;
    d = w1 ^ k5;
    a = w2 ^ k6;
    b = w3 ^ k7;
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a = ((a << 1) | (a >>> 31)) ^ (t0 + t1 + k38);
    b ^= t0 + t1 + t1 + k39;
    b = (b >>> 1) | (b << 31);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c = ((c << 1) | (c >>> 31)) ^ (t0 + t1 + k36);
    d ^= t0 + t1 + t1 + k37;
    d = (d >>> 1) | (d << 31);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a = ((a << 1) | (a >>> 31)) ^ (t0 + t1 + k34);
    b ^= t0 + t1 + t1 + k35;
    b = (b >>> 1) | (b << 31);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c = ((c << 1) | (c >>> 31)) ^ (t0 + t1 + k32);
    d ^= t0 + t1 + t1 + k33;
    d = (d >>> 1) | (d << 31);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a = ((a << 1) | (a >>> 31)) ^ (t0 + t1 + k30);
    b ^= t0 + t1 + t1 + k31;
    b = (b >>> 1) | (b << 31);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c = ((c << 1) | (c >>> 31)) ^ (t0 + t1 + k28);
    d ^= t0 + t1 + t1 + k29;
    d = (d >>> 1) | (d << 31);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a = ((a << 1) | (a >>> 31)) ^ (t0 + t1 + k26);
    b ^= t0 + t1 + t1 + k27;
    b = (b >>> 1) | (b << 31);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c = ((c << 1) | (c >>> 31)) ^ (t0 + t1 + k24);
    d ^= t0 + t1 + t1 + k25;
    d = (d >>> 1) | (d << 31);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a = ((a << 1) | (a >>> 31)) ^ (t0 + t1 + k22);
    b ^= t0 + t1 + t1 + k23;
    b = (b >>> 1) | (b << 31);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c = ((c << 1) | (c >>> 31)) ^ (t0 + t1 + k20);
    d ^= t0 + t1 + t1 + k21;
    d = (d >>> 1) | (d << 31);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a = ((a << 1) | (a >>> 31)) ^ (t0 + t1 + k18);
    b ^= t0 + t1 + t1 + k19;
    b = (b >>> 1) | (b << 31);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c = ((c << 1) | (c >>> 31)) ^ (t0 + t1 + k16);
    d ^= t0 + t1 + t1 + k17;
    d = (d >>> 1) | (d << 31);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a = ((a << 1) | (a >>> 31)) ^ (t0 + t1 + k14);
    b ^= t0 + t1 + t1 + k15;
    b = (b >>> 1) | (b << 31);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c = ((c << 1) | (c >>> 31)) ^ (t0 + t1 + k12);
    d ^= t0 + t1 + t1 + k13;
    d = (d >>> 1) | (d << 31);
    t0 =
      s[c & 255] ^ s[256 | ((c >>> 8) & 255)] ^ s[512 | ((c >>> 16) & 255)] ^ s[768 | (c >>> 24)];
    t1 =
      s[d >>> 24] ^ s[256 | (d & 255)] ^ s[512 | ((d >>> 8) & 255)] ^ s[768 | ((d >>> 16) & 255)];
    a = ((a << 1) | (a >>> 31)) ^ (t0 + t1 + k10);
    b ^= t0 + t1 + t1 + k11;
    b = (b >>> 1) | (b << 31);
    t0 =
      s[a & 255] ^ s[256 | ((a >>> 8) & 255)] ^ s[512 | ((a >>> 16) & 255)] ^ s[768 | (a >>> 24)];
    t1 =
      s[b >>> 24] ^ s[256 | (b & 255)] ^ s[512 | ((b >>> 8) & 255)] ^ s[768 | ((b >>> 16) & 255)];
    c = ((c << 1) | (c >>> 31)) ^ (t0 + t1 + k8);
    d ^= t0 + t1 + t1 + k9;
    d = (d >>> 1) | (d << 31);
    if (mode === MODE_CBC) {
      w[i] = a ^ k0 ^ c0;
      w[i + 1] = b ^ k1 ^ c1;
      w[i + 2] = c ^ k2 ^ c2;
      w[i + 3] = d ^ k3 ^ c3;
      c0 = w0;
      c1 = w1;
      c2 = w2;
      c3 = w3;
    } else {
      w[i] = a ^ k0;
      w[i + 1] = b ^ k1;
      w[i + 2] = c ^ k2;
      w[i + 3] = d ^ k3;
    }
  }
  if (mode === MODE_CBC) {
    cv[0] = c0;
    cv[1] = c1;
    cv[2] = c2;
    cv[3] = c3;
  }
}
