/**
 * Word-level helpers shared by the Twofish block class and the modes: host byte order, bulk
 * byte swapping for big-endian hosts, and the chunked driver that feeds the kernels.
 *
 * Twofish reads and writes its 32-bit words little-endian (Twofish paper §4.1). The fast path
 * views the output buffer as an `Int32Array`, which uses the host's byte order; on a big-endian
 * host each chunk is byte-swapped before and after the kernel, so results never depend on the
 * host.
 *
 * @module
 */
import { MODE_CBC, MODE_CTR, MODE_ECB, decryptRun, encryptRun } from './kernel.js';
import { DATA, DATA_BYTES, wasmKernel, type WasmRun } from './wasm.js';

/** True on little-endian hosts (every platform Node ships for today, but we do not assume it). */
export const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Words per kernel call: 8 KiB. Bounded runs let V8 optimise the kernel as a normal call rather
 * than via on-stack replacement (see docs/twofish.md, "Performance").
 */
export const CHUNK_WORDS = 2048;

/** Reverses the bytes of each word in `w[from..to)`. */
export function swapWords(w: Int32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const v = w[i]!;
    w[i] = (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24);
  }
}

/**
 * Runs the encryption (or decryption) kernel over `w[0..nWords)` in chunks of
 * {@link CHUNK_WORDS}, with the host byte-order fix-up where needed (`littleEndian` is only
 * overridden by the tests, to exercise the big-endian path on a little-endian machine).
 */
export function runChunks(
  encrypt: boolean,
  x: Int32Array,
  w: Int32Array,
  nWords: number,
  mode: number,
  cv: Int32Array,
  littleEndian: boolean = LITTLE_ENDIAN,
): void {
  for (let at = 0; at < nWords; at += CHUNK_WORDS) {
    const end = Math.min(nWords, at + CHUNK_WORDS);
    if (!littleEndian) swapWords(w, at, end);
    if (encrypt) encryptRun(x, w, at, end, mode, cv);
    else decryptRun(x, w, at, end, mode, cv);
    if (!littleEndian) swapWords(w, at, end);
  }
}

/** Little-endian word of `b` at byte `at` (host independent). */
export function readLE(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
}

/** Big-endian word of `b` at byte `at` (host independent). */
export function readBE(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

/** Writes `v` little-endian into `b` at byte `at`. */
export function writeLE(b: Uint8Array, at: number, v: number): void {
  b[at] = v;
  b[at + 1] = v >>> 8;
  b[at + 2] = v >>> 16;
  b[at + 3] = v >>> 24;
}

let wasmEnabled = true;

/**
 * Turns the WebAssembly kernel on or off (internal: the tests and the benchmark use it to run
 * both paths; it is on by default whenever WebAssembly is available).
 *
 * @returns the previous setting.
 */
export function setWasmEnabled(on: boolean): boolean {
  const was = wasmEnabled;
  wasmEnabled = on;
  return was;
}

const CV_WORD = 4256 / 4;

/**
 * Encrypts or decrypts the whole blocks in `out[0..len)` in place with the expanded key `x`,
 * continuing from the chaining value or counter in `cv` (updated). Uses the WebAssembly kernel
 * on little-endian hosts where it is available, the JavaScript kernel otherwise.
 */
export function processBlocks(
  encrypt: boolean,
  x: Int32Array,
  out: Uint8Array,
  len: number,
  mode: number,
  cv: Int32Array,
): void {
  const k = wasmEnabled && LITTLE_ENDIAN ? wasmKernel() : undefined;
  if (!k) {
    runChunks(
      encrypt,
      x,
      new Int32Array(out.buffer, out.byteOffset, len >>> 2),
      len >>> 2,
      mode,
      cv,
    );
    return;
  }
  let run: WasmRun;
  if (mode === MODE_ECB) run = encrypt ? k.ecbEncrypt : k.ecbDecrypt;
  else if (mode === MODE_CBC) run = encrypt ? k.cbcEncrypt : k.cbcDecrypt;
  else if (mode === MODE_CTR && encrypt) run = k.ctr;
  else throw new Error('unsupported kernel mode');
  k.words.set(x, 0);
  k.words.set(cv, CV_WORD);
  const mem = k.bytes;
  for (let at = 0; at < len; at += DATA_BYTES) {
    const n = Math.min(DATA_BYTES, len - at);
    mem.set(out.subarray(at, at + n), DATA);
    run(0, n);
    out.set(mem.subarray(DATA, DATA + n), at);
  }
  cv.set(k.words.subarray(CV_WORD, CV_WORD + 4));
  // Leave no key, data or chaining state behind in the shared memory (copying the 4 KiB key
  // in again on the next call costs well under a microsecond).
  mem.fill(0, DATA, DATA + Math.min(len, DATA_BYTES));
  k.words.fill(0, 0, CV_WORD + 4);
}
