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
import { decryptRun, encryptRun } from './kernel.js';

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
