/**
 * A minimal DER reader and writer (ITU-T X.690 §8 and §10), just enough for the structures the
 * JKS, JCEKS and PEM code handles itself: `EncryptedPrivateKeyInfo` (RFC 5208 §6), `PBEParameter`
 * (PKCS#5 v1.5), PKCS#8 `PrivateKeyInfo` (RFC 5208 §5) and the certificate framing.
 *
 * Only definite lengths in their shortest form are accepted, every length is checked against the
 * bytes that remain before anything is sliced, and the reader never recurses on its own, so a
 * hostile input cannot make it allocate or loop. Failures throw {@link DerError}; each format
 * wraps it into its own error family with the `DerError` as `cause`.
 *
 * @module
 */
import { concatBytes } from '../bytes.js';

/** A DER decoding failure (internal; callers wrap it into a `SepmError`). */
export class DerError extends Error {
  override name = 'DerError';
}

/** One decoded TLV: the tag byte and the offsets of its header, contents and end. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first contents byte. */
  readonly body: number;
  /** Offset just past the contents. */
  readonly end: number;
}

/** DER tags used here (X.690 §8, universal class). */
export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/**
 * Reads the TLV at `at`, which must end at or before `limit`. Only low tag numbers (single tag
 * byte) are accepted: every structure read here uses them.
 */
export function readTlv(data: Uint8Array, at: number, limit = data.length): Tlv {
  if (at + 2 > limit) throw new DerError(`truncated DER header at offset ${at}`);
  const tag = data[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag number at offset ${at}`);
  let len = data[at + 1]!;
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // X.690 §10.1: definite form only; four length bytes already exceed any input we accept.
    if (n === 0) throw new DerError(`indefinite length at offset ${at}`);
    if (n > 4) throw new DerError(`length of length ${n} at offset ${at}`);
    if (body + n > limit) throw new DerError(`truncated DER length at offset ${at}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + data[body + i]!;
    // X.690 §10.1: the shortest form is mandatory.
    if (len < 0x80 || data[body] === 0) throw new DerError(`non-minimal length at offset ${at}`);
    body += n;
  }
  const end = body + len;
  if (end > limit) throw new DerError(`DER length ${len} at offset ${at} exceeds the input`);
  return { tag, start: at, body, end };
}

/** Reads a TLV at `at` and checks its tag. */
export function expectTlv(data: Uint8Array, at: number, tag: number, limit = data.length): Tlv {
  const tlv = readTlv(data, at, limit);
  if (tlv.tag !== tag) {
    throw new DerError(
      `expected tag 0x${tag.toString(16)} at offset ${at}, got 0x${tlv.tag.toString(16)}`,
    );
  }
  return tlv;
}

/** Reads a TLV that must span exactly `data[at..limit)`. */
export function expectWhole(data: Uint8Array, tag: number, at = 0, limit = data.length): Tlv {
  const tlv = expectTlv(data, at, tag, limit);
  if (tlv.end !== limit) throw new DerError(`${limit - tlv.end} trailing bytes after DER value`);
  return tlv;
}

/** The contents of a TLV as a view (no copy). */
export function contents(data: Uint8Array, tlv: Tlv): Uint8Array {
  return data.subarray(tlv.body, tlv.end);
}

/** Reads a non-negative INTEGER that fits a JS safe integer (iteration counts, versions). */
export function readSmallUint(data: Uint8Array, tlv: Tlv): number {
  const n = tlv.end - tlv.body;
  if (tlv.tag !== TAG.INTEGER || n === 0) throw new DerError('expected INTEGER');
  if (data[tlv.body]! & 0x80) throw new DerError('negative INTEGER');
  if (n > 1 && data[tlv.body] === 0 && !(data[tlv.body + 1]! & 0x80)) {
    throw new DerError('non-minimal INTEGER');
  }
  if (n > 7) throw new DerError('INTEGER too large');
  let v = 0;
  for (let i = tlv.body; i < tlv.end; i++) v = v * 256 + data[i]!;
  return v;
}

/** DER length octets for `len`. */
function lengthBytes(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  const out: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

/** Encodes one TLV from a tag and its (concatenated) contents. */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  const body = parts.length === 1 ? parts[0]! : concatBytes(...parts);
  return concatBytes(Uint8Array.of(tag), lengthBytes(body.length), body);
}

/** DER INTEGER for a small non-negative number. */
export function derUint(value: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Uint8Array.from(bytes));
}

/** DER encoding of an OBJECT IDENTIFIER given in dotted form (X.690 §8.19). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [];
    let v = arc;
    do {
      groups.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < groups.length - 1; i++) groups[i] = groups[i]! | 0x80;
    out.push(...groups);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

/** DER NULL. */
export const DER_NULL: Uint8Array = Uint8Array.of(TAG.NULL, 0);
