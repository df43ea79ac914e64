/**
 * Bounded readers and writers for the big-endian `java.io.DataInputStream` /
 * `DataOutputStream` encodings used by JKS and JCEKS (docs/keystores.md, Format notes: "Java streams").
 *
 * Every read checks that the bytes it needs remain before touching them, and every length read
 * from the input is refused when it exceeds what remains, so a hostile length never causes an
 * allocation: slices are views into the input.
 *
 * @module
 */
import { KeystoreError } from '../errors.js';
import { concatBytes } from '../bytes.js';
import { decodeModifiedUtf8, encodeModifiedUtf8 } from './mutf8.js';

/** Largest millisecond value a JS `Date` can hold (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

/** A cursor over untrusted bytes; every failure is a `KeystoreError` `ERR_KEYSTORE_MALFORMED`. */
export class DataReader {
  pos: number;

  constructor(
    readonly data: Uint8Array,
    pos = 0,
    readonly end = data.length,
  ) {
    this.pos = pos;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes remain. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new KeystoreError(
        'ERR_KEYSTORE_MALFORMED',
        `keystore is truncated: ${what} at offset ${this.pos} needs ${n} bytes, ${this.end - this.pos} remain`,
      );
    }
  }

  /** `readUnsignedByte`. */
  u8(what: string): number {
    this.need(1, what);
    return this.data[this.pos++]!;
  }

  /** `readUnsignedShort`. */
  u16(what: string): number {
    this.need(2, what);
    const d = this.data;
    const v = (d[this.pos]! << 8) | d[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  /** `readInt` read as unsigned. */
  u32(what: string): number {
    this.need(4, what);
    const d = this.data;
    const p = this.pos;
    this.pos += 4;
    return ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
  }

  /**
   * A `readInt` used as a length or count: Java treats it as signed, so values >= 2^31 are
   * refused, and so is anything larger than the bytes that remain times `unit` (the smallest
   * size of one counted item).
   */
  length(what: string, unit = 1): number {
    const at = this.pos;
    const v = this.u32(what);
    if (v >= 0x80000000 || v * unit > this.remaining) {
      throw new KeystoreError(
        'ERR_KEYSTORE_MALFORMED',
        `keystore ${what} ${v} at offset ${at} exceeds the ${this.remaining} bytes that remain`,
      );
    }
    return v;
  }

  /** `readLong` as a millisecond date. */
  date(what: string): Date {
    this.need(8, what);
    const at = this.pos;
    const hi = this.u32(what) | 0;
    const lo = this.u32(what);
    const ms = hi * 0x100000000 + lo;
    if (Math.abs(ms) > MAX_DATE_MS) {
      throw new KeystoreError(
        'ERR_KEYSTORE_MALFORMED',
        `keystore ${what} at offset ${at} is out of range`,
      );
    }
    return new Date(ms);
  }

  /** A view of the next `n` bytes. */
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The raw modified-UTF-8 bytes of a `readUTF` string (decoded later, after integrity). */
  utfBytes(what: string): Uint8Array {
    const n = this.u16(what);
    return this.bytes(n, what);
  }

  /** `readUTF`: a 2-byte length and modified UTF-8. */
  utf(what: string): string {
    const at = this.pos;
    return decodeUtf(this.utfBytes(what), what, at);
  }
}

/** Decodes the modified-UTF-8 bytes of a `readUTF` string read at offset `at`. */
export function decodeUtf(bytes: Uint8Array, what: string, at: number): string {
  const s = decodeModifiedUtf8(bytes);
  if (s === undefined) {
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      `keystore ${what} at offset ${at} is not valid modified UTF-8`,
    );
  }
  return s;
}

/** Builds a `DataOutputStream`-style byte string. */
export class DataWriter {
  readonly #parts: Uint8Array[] = [];

  /** `writeInt`. */
  u32(v: number): this {
    this.#parts.push(Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
    return this;
  }

  /** `writeLong` of a millisecond timestamp. */
  date(d: Date): this {
    const ms = d.getTime();
    const hi = Math.floor(ms / 0x100000000);
    const lo = ms - hi * 0x100000000;
    return this.u32(hi >>> 0).u32(lo >>> 0);
  }

  /** Raw bytes. */
  bytes(b: Uint8Array): this {
    this.#parts.push(b);
    return this;
  }

  /** `writeLength(n)` then the bytes. */
  block(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }

  /**
   * `writeUTF`: refuses strings whose modified UTF-8 exceeds 65535 bytes, as Java throws
   * `UTFDataFormatException` (caller data, so a `KeystoreError`).
   */
  utf(s: string, what: string): this {
    const b = encodeModifiedUtf8(s);
    if (b.length > 0xffff) {
      throw new KeystoreError(
        'ERR_KEYSTORE_UNSUPPORTED',
        `${what} is ${b.length} bytes in modified UTF-8; Java's writeUTF allows at most 65535`,
      );
    }
    this.#parts.push(Uint8Array.of(b.length >> 8, b.length & 0xff), b);
    return this;
  }

  /** Everything written so far. */
  finish(): Uint8Array {
    return concatBytes(...this.#parts);
  }
}
