/**
 * The site key (`Kcs`): the 16-byte pre-shared key a SEPM site uses to encrypt policies and
 * content with Twofish. It is created with the first manager of a site, unchanged when a new
 * certificate is imported, and given to clients as 32 hex digits in the `Kcs` attribute of
 * `sylink.xml` (Broadcom KB 158445; docs/sylink.md, "What is SEPM's and what is this library's").
 *
 * A `Kcs` never shows its key by accident: `util.inspect`, `JSON.stringify`, `String()` and
 * template strings all give a redacted form with the {@link Kcs.fingerprint}. Only
 * {@link Kcs.toHex} (explicit) and {@link Kcs.bytes} reveal it.
 *
 * @module
 */
import { KcsError } from './errors.js';
import {
  abytes,
  aint,
  astring,
  copyBytes,
  fromHex,
  randomBytes,
  toHex,
  utf8,
  type Bytes,
} from './bytes.js';
import { digest, pbkdf2 } from './hashes.js';

/** Length of the site key in bytes (128-bit Twofish key). */
export const KCS_LENGTH = 16;

/** Default PBKDF2 iteration count of {@link Kcs.derive} (OWASP 2023 figure for PBKDF2-HMAC-SHA256). */
export const KCS_DERIVE_DEFAULT_ITERATIONS = 600_000;

const KCS_HEX = /^[0-9A-Fa-f]{32}$/;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const FINGERPRINT_PREFIX = /* @__PURE__ */ utf8('sepm-crypto kcs fingerprint');

/**
 * The site key.
 *
 * @example Parse the Kcs of a sylink.xml and show only its fingerprint
 * ```ts
 * const kcs = Kcs.parse('0123456789ABCDEF0123456789ABCDEF');
 * console.log(`${kcs}`);              // Kcs(fingerprint=…), never the key
 * console.log(kcs.toHex());           // '0123456789ABCDEF0123456789ABCDEF' (explicit)
 * ```
 */
export class Kcs {
  readonly #key: Bytes;

  private constructor(key: Bytes) {
    this.#key = key;
  }

  /**
   * Parses the 32-hex-digit form found in `sylink.xml` (either case; nothing else: no
   * whitespace, no `0x`, no separators).
   *
   * @param hex - exactly 32 hexadecimal digits.
   * @throws {@link KcsError} `ERR_KCS_INVALID` for anything else (the message gives the length
   *   and the character class found, never the input itself).
   * @throws TypeError when `hex` is not a string.
   */
  static parse(hex: string): Kcs {
    astring(hex, 'hex');
    if (!KCS_HEX.test(hex)) {
      const why =
        hex.length !== 32
          ? `got ${hex.length} characters`
          : 'got a character that is not a hexadecimal digit';
      throw new KcsError('ERR_KCS_INVALID', `Kcs must be exactly 32 hexadecimal digits: ${why}`);
    }
    return new Kcs(fromHex(hex)!);
  }

  /**
   * A new random site key from the platform CSPRNG, as the configuration wizard creates for the
   * first manager of a site.
   */
  static generate(): Kcs {
    return new Kcs(randomBytes(KCS_LENGTH));
  }

  /**
   * Wraps 16 raw key bytes (copied).
   *
   * @throws RangeError when `bytes` is not 16 bytes long; TypeError when not a Uint8Array.
   */
  static fromBytes(bytes: Uint8Array): Kcs {
    abytes(bytes, 'bytes', KCS_LENGTH);
    return new Kcs(copyBytes(bytes));
  }

  /**
   * Derives a site key from a password with PBKDF2-HMAC-SHA256 (RFC 8018 §5.2).
   *
   * This is **this library's helper, not a SEPM algorithm**: how SEPM creates its pre-shared key
   * is not public. Use it for reproducible test sites, not to recover a real site's key.
   *
   * @param password - any string (UTF-8 encoded).
   * @param salt - at least 8 bytes (RFC 8018 §4.1).
   * @param iterations - PBKDF2 iteration count, 1..10,000,000; default 600,000.
   */
  static derive(
    password: string,
    salt: Uint8Array,
    iterations: number = KCS_DERIVE_DEFAULT_ITERATIONS,
  ): Kcs {
    astring(password, 'password');
    abytes(salt, 'salt');
    if (salt.length < 8)
      throw new RangeError(`"salt" expected at least 8 bytes, got length=${salt.length}`);
    aint(iterations, 'iterations', 1, 10_000_000);
    return new Kcs(pbkdf2('SHA-256', utf8(password), salt, iterations, KCS_LENGTH));
  }

  /** A copy of the 16 key bytes. */
  get bytes(): Bytes {
    return copyBytes(this.#key);
  }

  /**
   * The key as 32 upper-case hex digits, as SEPM writes it in `sylink.xml`: the explicit way to
   * reveal the key as text; implicit conversions are redacted.
   */
  toHex(): string {
    return toHex(this.#key).toUpperCase();
  }

  /**
   * The redacted form, like `String(kcs)` and `JSON.stringify`: a Kcs printed by accident (a log
   * line, an error message, string concatenation) never shows the key. Use {@link Kcs.toHex} to
   * reveal it on purpose.
   */
  toString(): string {
    return this.#redacted();
  }

  /**
   * A short id that is safe to display or log: the first 8 bytes of
   * SHA-256("sepm-crypto kcs fingerprint" || key), as 16 lower-case hex digits. The domain
   * prefix keeps it from equalling any other hash of the key.
   */
  fingerprint(): string {
    const h = digest('SHA-256', FINGERPRINT_PREFIX, this.#key);
    return toHex(h.subarray(0, 8));
  }

  /** Constant-time comparison with another Kcs. */
  equals(other: Kcs): boolean {
    if (!(other instanceof Kcs)) return false;
    let diff = 0;
    const a = this.#key;
    const b = other.#key;
    for (let i = 0; i < KCS_LENGTH; i++) diff |= a[i]! ^ b[i]!;
    return diff === 0;
  }

  /** `JSON.stringify` gives the redacted form. */
  toJSON(): string {
    return this.#redacted();
  }

  /** Template strings and `String(kcs)` give the redacted form (hint `'string'`/`'default'`). */
  [Symbol.toPrimitive](hint: string): string | number {
    if (hint === 'number') return Number.NaN;
    return this.#redacted();
  }

  /** `util.inspect` / `console.log` give the redacted form. */
  [INSPECT](): string {
    return this.#redacted();
  }

  #redacted(): string {
    return `Kcs(fingerprint=${this.fingerprint()})`;
  }
}
