/**
 * Twofish modes of operation: ECB and CBC (NIST SP 800-38A §6.1, §6.2) with PKCS#7 padding
 * (RFC 5652 §6.3) by default, and CTR (SP 800-38A §6.5) with a 128-bit big-endian counter
 * that is the whole IV, incremented modulo 2^128 per block (the convention of libgcrypt,
 * Crypto++ and BouncyCastle's SICBlockCipher).
 *
 * Every call returns a fresh array and never modifies its input. Long inputs are processed by
 * the block-run kernels in chunks of 8 KiB (see words.ts).
 *
 * @module
 */
import { abytes, type Bytes } from '../bytes.js';
import { TwofishError } from '../errors.js';
import { EXPANDED_WORDS, expandKey } from './key.js';
import { MODE_CBC, MODE_CTR, MODE_ECB, encryptRun } from './kernel.js';
import { processBlocks, readBE, readLE } from './words.js';

/** A Twofish mode bound to one key (and IV): encrypt and decrypt whole messages. */
export interface TwofishMode {
  /**
   * Encrypts `data` (any length; see the mode for padding).
   *
   * @param data - the plaintext; not modified.
   * @returns a fresh array with the ciphertext.
   */
  encrypt(data: Uint8Array): Bytes;
  /**
   * Decrypts `data`.
   *
   * @param data - the ciphertext; not modified.
   * @returns a fresh array with the plaintext.
   */
  decrypt(data: Uint8Array): Bytes;
  /**
   * Overwrites this mode's expanded key with zeros; later calls throw a `TypeError`. Optional
   * hygiene: nothing else keeps the key once the object is garbage.
   */
  destroy(): void;
}

/** Options of {@link twofishEcb} and {@link twofishCbc}. */
export interface TwofishPaddingOptions {
  /**
   * PKCS#7 padding (RFC 5652 §6.3), on by default. With `false`, inputs must be a multiple of
   * 16 bytes and are encrypted as they are.
   */
  padding?: boolean;
}

function paddingOption(opts: unknown): boolean {
  if (opts === undefined) return true;
  if (typeof opts !== 'object' || opts === null) {
    throw new TypeError(`"opts" expected an object, got ${opts === null ? 'null' : typeof opts}`);
  }
  const padding = (opts as TwofishPaddingOptions).padding;
  if (padding === undefined) return true;
  if (typeof padding !== 'boolean') {
    throw new TypeError(`"opts.padding" expected boolean, got ${typeof padding}`);
  }
  return padding;
}

/**
 * Copies `data` into a fresh, word-aligned buffer, adding PKCS#7 padding when asked; checks
 * the length when not padding.
 */
function preparePlaintext(data: Uint8Array, padding: boolean): Bytes {
  const n = data.length;
  if (!padding) {
    if (n % 16 !== 0) throw new TwofishError('ERR_TWOFISH_INPUT_LENGTH');
    const out = new Uint8Array(n);
    out.set(data);
    return out;
  }
  // RFC 5652 §6.3: always 1..16 bytes of value k, so a full block is added to exact multiples.
  const k = 16 - (n % 16);
  const out = new Uint8Array(n + k);
  out.set(data);
  out.fill(k, n);
  return out;
}

/** Copies ciphertext into a fresh buffer; the length must be a non-zero multiple of 16 when padded. */
function prepareCiphertext(data: Uint8Array, padding: boolean): Bytes {
  const n = data.length;
  if (n % 16 !== 0) throw new TwofishError('ERR_TWOFISH_INPUT_LENGTH');
  // A padded message always has at least one block.
  if (padding && n === 0) throw new TwofishError('ERR_TWOFISH_DECRYPT_FAILED');
  const out = new Uint8Array(n);
  out.set(data);
  return out;
}

/**
 * Strips PKCS#7 padding from the decrypted buffer. The check has one shape whatever the pad
 * bytes are: it always reads the last 16 bytes and branches once, at the end, so that timing
 * does not tell which byte was wrong (a padding oracle would still exist for unauthenticated
 * CBC; use an authenticated envelope such as `encryptContent` for untrusted data).
 */
function unpad(out: Bytes): Bytes {
  const n = out.length;
  const p = out[n - 1]!;
  // Sign bit set when p == 0 or p > 16.
  let bad = ((p - 1) | (16 - p)) >>> 31;
  let diff = 0;
  for (let i = 1; i <= 16; i++) {
    const inPad = -(((i - p - 1) >>> 31) & 1); // -1 when i <= p, else 0
    diff |= (out[n - i]! ^ p) & inPad;
  }
  bad |= (diff | -diff) >>> 31;
  if (bad !== 0) {
    out.fill(0);
    throw new TwofishError('ERR_TWOFISH_DECRYPT_FAILED');
  }
  return new Uint8Array(out.buffer, 0, n - p);
}

/** Wipes `x` and marks it destroyed (a zero-length view is the marker the modes check). */
function destroyKey(state: { x: Int32Array }): void {
  state.x.fill(0);
  state.x = new Int32Array(0);
}

/** Throws when the mode's key was destroyed. */
function live(x: Int32Array): Int32Array {
  if (x.length === 0) throw new TypeError('this Twofish mode was destroyed');
  return x;
}

function checkKey(key: unknown): Uint8Array {
  return abytes(key, 'key', 16, 24, 32);
}

function checkIv(iv: unknown): Uint8Array {
  return abytes(iv, 'iv', 16);
}

/**
 * Twofish in ECB mode (NIST SP 800-38A §6.1): each 16-byte block on its own. ECB leaks
 * repeated blocks; it exists for interoperability and tests. Prefer {@link twofishCbc} or
 * {@link twofishCtr}.
 *
 * @param key - 16, 24 or 32 bytes.
 * @param opts - `padding` (default `true`): PKCS#7 padding, RFC 5652 §6.3.
 * @returns a {@link TwofishMode}.
 * @throws TypeError when `key` is not a `Uint8Array` or `opts` is malformed.
 * @throws RangeError when `key` has the wrong length.
 *
 * `decrypt` throws a {@link TwofishError} `ERR_TWOFISH_INPUT_LENGTH` when the input is not a
 * multiple of 16 bytes (and, with `padding: false`, `encrypt` does too), and
 * `ERR_TWOFISH_DECRYPT_FAILED` (one fixed message) when the PKCS#7 padding is wrong.
 *
 * @example Round trip
 * ```ts
 * const ecb = twofishEcb(key)
 * ecb.decrypt(ecb.encrypt(data)) // equals data
 * ```
 */
export function twofishEcb(key: Uint8Array, opts?: TwofishPaddingOptions): TwofishMode {
  checkKey(key);
  const padding = paddingOption(opts);
  const state = { x: expandKey(key, new Int32Array(EXPANDED_WORDS)) };
  const cv = new Int32Array(4);
  return {
    encrypt(data: Uint8Array): Bytes {
      abytes(data, 'data');
      const x = live(state.x);
      const out = preparePlaintext(data, padding);
      processBlocks(true, x, out, out.length, MODE_ECB, cv);
      return out;
    },
    decrypt(data: Uint8Array): Bytes {
      abytes(data, 'data');
      const x = live(state.x);
      const out = prepareCiphertext(data, padding);
      processBlocks(false, x, out, out.length, MODE_ECB, cv);
      return padding ? unpad(out) : out;
    },
    destroy(): void {
      destroyKey(state);
    },
  };
}

/**
 * Twofish in CBC mode (NIST SP 800-38A §6.2) with a fixed IV: every call starts from `iv`, so
 * use a fresh random IV per message (as `encryptContent` does).
 *
 * @param key - 16, 24 or 32 bytes.
 * @param iv - 16 bytes; copied, so later changes to the array do not matter.
 * @param opts - `padding` (default `true`): PKCS#7 padding, RFC 5652 §6.3.
 * @returns a {@link TwofishMode}.
 * @throws TypeError when `key` or `iv` is not a `Uint8Array` or `opts` is malformed.
 * @throws RangeError when `key` or `iv` has the wrong length (the message names it).
 *
 * `decrypt` throws a {@link TwofishError} `ERR_TWOFISH_INPUT_LENGTH` when the input is not a
 * multiple of 16 bytes (and, with `padding: false`, `encrypt` does too), and
 * `ERR_TWOFISH_DECRYPT_FAILED` (one fixed message, checked in constant shape) when the
 * PKCS#7 padding is wrong. CBC without a MAC is malleable: authenticate the ciphertext.
 *
 * @example Encrypt with a random IV
 * ```ts
 * const iv = crypto.getRandomValues(new Uint8Array(16))
 * const ct = twofishCbc(key, iv).encrypt(data)
 * ```
 */
export function twofishCbc(
  key: Uint8Array,
  iv: Uint8Array,
  opts?: TwofishPaddingOptions,
): TwofishMode {
  checkKey(key);
  checkIv(iv);
  const padding = paddingOption(opts);
  const state = { x: expandKey(key, new Int32Array(EXPANDED_WORDS)) };
  // SP 800-38A §6.2: the IV is XORed into the first block as little-endian words, like data.
  const iv0 = readLE(iv, 0);
  const iv1 = readLE(iv, 4);
  const iv2 = readLE(iv, 8);
  const iv3 = readLE(iv, 12);
  const cv = new Int32Array(4);
  return {
    encrypt(data: Uint8Array): Bytes {
      abytes(data, 'data');
      const x = live(state.x);
      const out = preparePlaintext(data, padding);
      cv[0] = iv0;
      cv[1] = iv1;
      cv[2] = iv2;
      cv[3] = iv3;
      processBlocks(true, x, out, out.length, MODE_CBC, cv);
      cv.fill(0);
      return out;
    },
    decrypt(data: Uint8Array): Bytes {
      abytes(data, 'data');
      const x = live(state.x);
      const out = prepareCiphertext(data, padding);
      cv[0] = iv0;
      cv[1] = iv1;
      cv[2] = iv2;
      cv[3] = iv3;
      processBlocks(false, x, out, out.length, MODE_CBC, cv);
      cv.fill(0);
      return padding ? unpad(out) : out;
    },
    destroy(): void {
      destroyKey(state);
    },
  };
}

/**
 * Twofish in CTR mode (NIST SP 800-38A §6.5). The counter block is the whole 16-byte IV read as
 * one 128-bit big-endian number, incremented by one per block modulo 2^128, as libgcrypt,
 * Crypto++ and BouncyCastle do. Any length works (the last keystream block is cut); encryption
 * and decryption are the same operation. Never reuse a (key, IV) pair for two messages.
 *
 * @param key - 16, 24 or 32 bytes.
 * @param iv - 16 bytes, the initial counter block; copied.
 * @returns a {@link TwofishMode}.
 * @throws TypeError when `key` or `iv` is not a `Uint8Array`.
 * @throws RangeError when `key` or `iv` has the wrong length (the message names it).
 *
 * @example Encrypt a stream-sized message
 * ```ts
 * const ct = twofishCtr(key, nonce16).encrypt(data) // ct.length === data.length
 * ```
 */
export function twofishCtr(key: Uint8Array, iv: Uint8Array): TwofishMode {
  checkKey(key);
  checkIv(iv);
  const state = { x: expandKey(key, new Int32Array(EXPANDED_WORDS)) };
  const n0 = readBE(iv, 0);
  const n1 = readBE(iv, 4);
  const n2 = readBE(iv, 8);
  const n3 = readBE(iv, 12);
  const cv = new Int32Array(4);
  const tail = new Int32Array(4);
  const crypt = (data: Uint8Array): Bytes => {
    abytes(data, 'data');
    const x = live(state.x);
    const n = data.length;
    const out = new Uint8Array(n);
    out.set(data);
    cv[0] = n0;
    cv[1] = n1;
    cv[2] = n2;
    cv[3] = n3;
    const whole = n & ~15;
    processBlocks(true, x, out, whole, MODE_CTR, cv);
    if (whole < n) {
      // The last, partial block: keystream = E(counter), of which only n - whole bytes are used.
      tail.fill(0);
      encryptRun(x, tail, 0, 4, MODE_CTR, cv);
      for (let i = whole; i < n; i++) {
        const j = i - whole;
        out[i] = out[i]! ^ (tail[j >>> 2]! >>> (8 * (j & 3)));
      }
      tail.fill(0);
    }
    cv.fill(0);
    return out;
  };
  return {
    encrypt: crypt,
    decrypt: crypt,
    destroy(): void {
      destroyKey(state);
    },
  };
}
