/**
 * The Twofish block-run kernels in JavaScript: the 16 rounds on 32-bit words (Twofish paper
 * §4.1-§4.2) over a run of whole blocks, with the mode's chaining folded in so that no per-block
 * call is made. Modes call these on bounded chunks (a few KiB): a kernel called once per large
 * buffer would only ever run as on-stack-replaced code in V8, which is slower and unsteady.
 *
 * Data is an `Int32Array` of little-endian block words (§4.1: P_i = sum of p_{4i+j} 2^{8j});
 * on a big-endian host the caller byte-swaps each chunk around the call.
 *
 * Why it looks like this: the rounds run as a loop of eight double rounds (the two halves of a
 * double round swap the roles of (a, b) and (c, d), which is the paper's swap without moving
 * data), reading the round subkeys from the expanded key; the whitening subkeys sit in locals.
 * The four g() lookups index one 1024-word table (§7.3 full keying) with constant offsets, and
 * every sum is truncated by the following XOR, so V8 compiles the arithmetic to 32-bit integer
 * operations. The loop is a quarter of the size of the 16 unrolled rounds this file held before
 * (7.1 KB minified, the largest part of a browser bundle that only uses Twofish), and measured
 * within a few percent of their speed on Node 20 (bench/RESULTS.md, "Runtime independence").
 * This kernel serves the `Twofish` block class everywhere and the modes where WebAssembly is
 * unavailable (see wasm.ts).
 *
 * Repeated on purpose: each run function writes out its mode handling and the g() lookups of
 * both halves of the double round in its own body, and `decryptRun` repeats `encryptRun`'s
 * shape in reverse, instead of calling shared helpers per block or per round. That keeps a run
 * one function that V8 compiles to 32-bit integer code with its state in registers
 * (docs/twofish.md, "How it works": no function call per block); a call per block is what
 * makes a block-call design slower (bench/RESULTS.md: ours-js against twofish-ts). So both run
 * functions are over the 80-line limit, and eslint.config.js names this file as an exception.
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

/** Index of the first round subkey, K_8, in an expanded key (key.ts: SUBKEY_BASE + 8). */
const K8 = 1032;

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
  // Over 80 lines on purpose: the whole run inlined in one function (see the module note).
  const s = x;
  const k0 = x[1024]!;
  const k1 = x[1025]!;
  const k2 = x[1026]!;
  const k3 = x[1027]!;
  const k4 = x[1028]!;
  const k5 = x[1029]!;
  const k6 = x[1030]!;
  const k7 = x[1031]!;
  let c0 = cv[0]!;
  let c1 = cv[1]!;
  let c2 = cv[2]!;
  let c3 = cv[3]!;
  for (let i = from; i < to; i += 4) {
    let a: number, b: number, c: number, d: number, t0: number, t1: number;
    if (mode === MODE_ECB) {
      a = w[i]! ^ k0;
      b = w[i + 1]! ^ k1;
      c = w[i + 2]! ^ k2;
      d = w[i + 3]! ^ k3;
    } else if (mode === MODE_CBC) {
      a = w[i]! ^ c0 ^ k0;
      b = w[i + 1]! ^ c1 ^ k1;
      c = w[i + 2]! ^ c2 ^ k2;
      d = w[i + 3]! ^ c3 ^ k3;
    } else {
      // The counter block's bytes are the big-endian counter; its words are read little-endian.
      a = ((c0 >>> 24) | ((c0 >>> 8) & 0xff00) | ((c0 & 0xff00) << 8) | (c0 << 24)) ^ k0;
      b = ((c1 >>> 24) | ((c1 >>> 8) & 0xff00) | ((c1 & 0xff00) << 8) | (c1 << 24)) ^ k1;
      c = ((c2 >>> 24) | ((c2 >>> 8) & 0xff00) | ((c2 & 0xff00) << 8) | (c2 << 24)) ^ k2;
      d = ((c3 >>> 24) | ((c3 >>> 8) & 0xff00) | ((c3 & 0xff00) << 8) | (c3 << 24)) ^ k3;
    }
    // Rounds 0..15 (§4.1), two per pass: F of (a, b) into (c, d), then F of (c, d) into (a, b).
    for (let r = K8; r < K8 + 32; r += 4) {
      t0 =
        s[a & 255]! ^
        s[256 | ((a >>> 8) & 255)]! ^
        s[512 | ((a >>> 16) & 255)]! ^
        s[768 | (a >>> 24)]!;
      t1 =
        s[b >>> 24]! ^
        s[256 | (b & 255)]! ^
        s[512 | ((b >>> 8) & 255)]! ^
        s[768 | ((b >>> 16) & 255)]!;
      c ^= t0 + t1 + x[r]!;
      c = (c >>> 1) | (c << 31);
      d = ((d << 1) | (d >>> 31)) ^ (t0 + t1 + t1 + x[r + 1]!);
      t0 =
        s[c & 255]! ^
        s[256 | ((c >>> 8) & 255)]! ^
        s[512 | ((c >>> 16) & 255)]! ^
        s[768 | (c >>> 24)]!;
      t1 =
        s[d >>> 24]! ^
        s[256 | (d & 255)]! ^
        s[512 | ((d >>> 8) & 255)]! ^
        s[768 | ((d >>> 16) & 255)]!;
      a ^= t0 + t1 + x[r + 2]!;
      a = (a >>> 1) | (a << 31);
      b = ((b << 1) | (b >>> 31)) ^ (t0 + t1 + t1 + x[r + 3]!);
    }
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
  // Over 80 lines on purpose: the whole run inlined in one function (see the module note).
  const s = x;
  const k0 = x[1024]!;
  const k1 = x[1025]!;
  const k2 = x[1026]!;
  const k3 = x[1027]!;
  const k4 = x[1028]!;
  const k5 = x[1029]!;
  const k6 = x[1030]!;
  const k7 = x[1031]!;
  let c0 = cv[0]!;
  let c1 = cv[1]!;
  let c2 = cv[2]!;
  let c3 = cv[3]!;
  for (let i = from; i < to; i += 4) {
    let a: number, b: number, c: number, d: number, t0: number, t1: number;
    const w0 = w[i]!;
    const w1 = w[i + 1]!;
    const w2 = w[i + 2]!;
    const w3 = w[i + 3]!;
    // Inverse of the output whitening and of the final swap (§4.1).
    c = w0 ^ k4;
    d = w1 ^ k5;
    a = w2 ^ k6;
    b = w3 ^ k7;
    // Rounds 15..0, run backwards, two per pass.
    for (let r = K8 + 28; r >= K8; r -= 4) {
      t0 =
        s[c & 255]! ^
        s[256 | ((c >>> 8) & 255)]! ^
        s[512 | ((c >>> 16) & 255)]! ^
        s[768 | (c >>> 24)]!;
      t1 =
        s[d >>> 24]! ^
        s[256 | (d & 255)]! ^
        s[512 | ((d >>> 8) & 255)]! ^
        s[768 | ((d >>> 16) & 255)]!;
      a = ((a << 1) | (a >>> 31)) ^ (t0 + t1 + x[r + 2]!);
      b ^= t0 + t1 + t1 + x[r + 3]!;
      b = (b >>> 1) | (b << 31);
      t0 =
        s[a & 255]! ^
        s[256 | ((a >>> 8) & 255)]! ^
        s[512 | ((a >>> 16) & 255)]! ^
        s[768 | (a >>> 24)]!;
      t1 =
        s[b >>> 24]! ^
        s[256 | (b & 255)]! ^
        s[512 | ((b >>> 8) & 255)]! ^
        s[768 | ((b >>> 16) & 255)]!;
      c = ((c << 1) | (c >>> 31)) ^ (t0 + t1 + x[r]!);
      d ^= t0 + t1 + t1 + x[r + 1]!;
      d = (d >>> 1) | (d << 31);
    }
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
