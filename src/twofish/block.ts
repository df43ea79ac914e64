/**
 * The Twofish block cipher (Twofish paper, Schneier et al. 1998): 128-bit blocks, 128/192/256-bit
 * keys, full keying. Most callers want a mode from modes.ts instead; this class is for protocols
 * that need single blocks (and for the known-answer and Monte-Carlo tests).
 *
 * @module
 */
import { abytes } from '../bytes.js';
import { EXPANDED_WORDS, expandKey } from './key.js';
import { MODE_ECB, decryptRun, encryptRun } from './kernel.js';
import { readLE, writeLE } from './words.js';

/** Twofish block size in bytes (§2: 128-bit blocks). */
export const TWOFISH_BLOCK_SIZE = 16;
/** Accepted Twofish key sizes in bytes (§4.3: 128, 192 and 256 bits). */
export const TWOFISH_KEY_SIZES: readonly number[] = Object.freeze([16, 24, 32]);

/**
 * The Twofish block cipher with a fixed key. Key setup (about a microsecond or two once warm)
 * happens in the constructor; each block call allocates nothing when `output` is given.
 *
 * @example Encrypt one block in place
 * ```ts
 * const tf = new Twofish(key)          // 16, 24 or 32 bytes
 * tf.encryptBlock(buf, 0, buf, 0)      // buf: at least 16 bytes
 * tf.destroy()                         // wipe the expanded key
 * ```
 */
export class Twofish {
  /** Block size in bytes: 16. */
  readonly blockSize = 16 as const;
  readonly #x: Int32Array;
  readonly #w = new Int32Array(4);
  readonly #cv = new Int32Array(4);
  #destroyed = false;

  /**
   * Expands `key` (Twofish paper §4.3, with the S-boxes precomputed as in §7.3 "full keying").
   *
   * @param key - 16, 24 or 32 bytes.
   * @throws TypeError when `key` is not a `Uint8Array`.
   * @throws RangeError when `key` is not 16, 24 or 32 bytes long (the message names `key`).
   */
  constructor(key: Uint8Array) {
    abytes(key, 'key', 16, 24, 32);
    this.#x = expandKey(key, new Int32Array(EXPANDED_WORDS));
  }

  /**
   * Encrypts the 16-byte block at `input[inputOffset]` into `output[outputOffset]` (§4.1).
   * `input` and `output` may be the same array, even at the same offset.
   *
   * @param input - holds the plaintext block.
   * @param inputOffset - byte offset of the block in `input` (default 0).
   * @param output - receives the ciphertext block (default: a fresh 16-byte array).
   * @param outputOffset - byte offset in `output` (default 0).
   * @returns `output`.
   * @throws TypeError when an array is not a `Uint8Array`; RangeError when a block does not fit.
   */
  encryptBlock(
    input: Uint8Array,
    inputOffset = 0,
    output: Uint8Array = new Uint8Array(16),
    outputOffset = 0,
  ): Uint8Array {
    this.#load(input, inputOffset, output, outputOffset);
    encryptRun(this.#x, this.#w, 0, 4, MODE_ECB, this.#cv);
    return this.#store(output, outputOffset);
  }

  /**
   * Decrypts the 16-byte block at `input[inputOffset]` into `output[outputOffset]` (§4.1, run
   * backwards). `input` and `output` may be the same array, even at the same offset.
   *
   * @param input - holds the ciphertext block.
   * @param inputOffset - byte offset of the block in `input` (default 0).
   * @param output - receives the plaintext block (default: a fresh 16-byte array).
   * @param outputOffset - byte offset in `output` (default 0).
   * @returns `output`.
   * @throws TypeError when an array is not a `Uint8Array`; RangeError when a block does not fit.
   */
  decryptBlock(
    input: Uint8Array,
    inputOffset = 0,
    output: Uint8Array = new Uint8Array(16),
    outputOffset = 0,
  ): Uint8Array {
    this.#load(input, inputOffset, output, outputOffset);
    decryptRun(this.#x, this.#w, 0, 4, MODE_ECB, this.#cv);
    return this.#store(output, outputOffset);
  }

  /**
   * Overwrites the expanded key with zeros. Any later block call throws a `TypeError`.
   */
  destroy(): void {
    this.#x.fill(0);
    this.#w.fill(0);
    this.#destroyed = true;
  }

  #load(input: Uint8Array, inputOffset: number, output: Uint8Array, outputOffset: number): void {
    if (this.#destroyed) throw new TypeError('Twofish instance was destroyed');
    checkBlock(input, inputOffset, 'input');
    checkBlock(output, outputOffset, 'output');
    const w = this.#w;
    w[0] = readLE(input, inputOffset);
    w[1] = readLE(input, inputOffset + 4);
    w[2] = readLE(input, inputOffset + 8);
    w[3] = readLE(input, inputOffset + 12);
  }

  #store(output: Uint8Array, outputOffset: number): Uint8Array {
    const w = this.#w;
    writeLE(output, outputOffset, w[0]!);
    writeLE(output, outputOffset + 4, w[1]!);
    writeLE(output, outputOffset + 8, w[2]!);
    writeLE(output, outputOffset + 12, w[3]!);
    return output;
  }
}

function checkBlock(bytes: unknown, offset: unknown, label: string): void {
  abytes(bytes, label);
  const len = (bytes as Uint8Array).length;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset + 16 > len) {
    throw new RangeError(
      `"${label}Offset" must leave a 16-byte block inside "${label}" (length=${len}), got ${String(offset)}`,
    );
  }
}
