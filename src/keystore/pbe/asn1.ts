/**
 * The one gate every untrusted ASN.1 input of the keystore code passes: a small, bounded BER
 * reader that re-encodes its input as DER, followed by the `@peculiar/asn1-schema` parser.
 *
 * Why our own BER pass: PKCS#12 files from some producers use indefinite lengths (`30 80 ... 00 00`)
 * and constructed OCTET STRINGs (`24 80 04 .. 04 .. 00 00`), which X.690 BER allows and Java and
 * OpenSSL read, but asn1-schema silently decodes a constructed OCTET STRING as zero bytes
 * (docs/keystores.md, Format notes: "BER input"). The pass also enforces what asn1-schema does not: the input is
 * exactly one element with no trailing bytes, lengths never exceed the remaining input, and
 * nesting is bounded, so hostile bytes end in a `KeystoreError` instead of a deep recursion.
 *
 * @module
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { KeystoreError, type KeystoreErrorCode } from '../../errors.js';
import { concatBytes, copyBytes, type Bytes } from '../../bytes.js';

/** Deepest nesting accepted; PKCS#12 needs about 12 levels. */
const MAX_DEPTH = 40;

/**
 * asn1js limits for the schema parse. Its default of 10,000 nodes would refuse a truststore of
 * more than about 600 certificates; 200,000 covers the PKCS#12 reader's 2,000-bag cap with room to
 * spare while keeping asn1js's per-node objects to a bounded amount of memory (tens of MB).
 */
const PARSE_OPTIONS = { berOptions: { maxNodes: 200_000, maxDepth: MAX_DEPTH + 2 } };

/**
 * Universal string types whose constructed (segmented) BER form we flatten to the primitive DER
 * form (X.690 §8.7.3, §8.23.6): OCTET STRING, UTF8String, PrintableString, IA5String, BMPString.
 */
const FLATTENED = new Set([4, 12, 19, 22, 30]);

class BerFault extends Error {}

interface Header {
  /** Identifier octets, copied as-is except for the constructed bit of flattened strings. */
  readonly tagBytes: Uint8Array;
  readonly cls: number;
  readonly constructed: boolean;
  readonly number: number;
  /** Content length, or -1 for the indefinite form. */
  readonly length: number;
  /** Offset of the first content byte. */
  readonly contentAt: number;
}

function readHeader(b: Uint8Array, at: number, end: number): Header {
  const start = at;
  if (at >= end) throw new BerFault('truncated tag');
  const first = b[at++]!;
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let number = first & 0x1f;
  if (number === 0x1f) {
    number = 0;
    for (let i = 0; ; i++) {
      if (at >= end || i >= 3) throw new BerFault('bad high tag number');
      const c = b[at++]!;
      number = (number << 7) | (c & 0x7f);
      if ((c & 0x80) === 0) break;
    }
  }
  const tagBytes = b.subarray(start, at);
  if (at >= end) throw new BerFault('truncated length');
  const l0 = b[at++]!;
  let length: number;
  if (l0 < 0x80) {
    length = l0;
  } else if (l0 === 0x80) {
    if (!constructed) throw new BerFault('indefinite length on a primitive element');
    length = -1;
  } else {
    const n = l0 & 0x7f;
    if (n > 4 || at + n > end) throw new BerFault('bad length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[at++]!;
  }
  if (length > end - at) throw new BerFault('length exceeds the input');
  return { tagBytes, cls, constructed, number, length, contentAt: at };
}

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Reads one element at `at`; returns its DER encoding (or content, for flattening) and end. */
function convert(
  b: Uint8Array,
  at: number,
  end: number,
  depth: number,
  flattenInto?: { number: number; parts: Uint8Array[] },
): { der: Uint8Array; next: number } {
  if (depth > MAX_DEPTH) throw new BerFault('nesting too deep');
  const h = readHeader(b, at, end);
  if (flattenInto !== undefined) {
    // Segments of a constructed string must be of the same universal type (X.690 §8.7.3.2).
    if (h.cls !== 0 || h.number !== flattenInto.number) throw new BerFault('bad string segment');
  }
  if (!h.constructed) {
    const next = h.contentAt + h.length;
    if (flattenInto !== undefined) {
      flattenInto.parts.push(b.subarray(h.contentAt, next));
      return { der: new Uint8Array(0), next };
    }
    return { der: b.subarray(at, next), next };
  }
  const flatten = h.cls === 0 && FLATTENED.has(h.number);
  if (h.cls === 0 && !flatten && h.number !== 16 && h.number !== 17) {
    throw new BerFault('constructed form of a primitive-only type');
  }
  const sink = flatten ? (flattenInto ?? { number: h.number, parts: [] }) : undefined;
  const children: Uint8Array[] = [];
  let p = h.contentAt;
  const limit = h.length < 0 ? end : h.contentAt + h.length;
  for (;;) {
    if (h.length < 0) {
      if (p + 2 <= limit && b[p] === 0 && b[p + 1] === 0) {
        p += 2;
        break;
      }
      if (p >= limit) throw new BerFault('missing end-of-contents');
    } else if (p === limit) {
      break;
    }
    const child = convert(b, p, limit, depth + 1, sink);
    if (sink === undefined) children.push(child.der);
    p = child.next;
  }
  if (flattenInto !== undefined) return { der: new Uint8Array(0), next: p };
  if (sink !== undefined) {
    const content = concatBytes(...sink.parts);
    const tag = Uint8Array.of(h.number); // universal, primitive, low tag number
    return { der: concatBytes(tag, encodeLength(content.length), content), next: p };
  }
  const content = concatBytes(...children);
  return { der: concatBytes(h.tagBytes, encodeLength(content.length), content), next: p };
}

/**
 * Re-encodes one BER element as DER: definite lengths in minimal form and constructed strings
 * flattened. Primitive contents are kept byte for byte (so a MAC over an inner OCTET STRING's
 * content still sees the producer's bytes). SET OF ordering is not rewritten (readers do not need
 * it). Throws `KeystoreError` `code` on anything that is not exactly one well-formed element.
 *
 * @param data - the untrusted encoding.
 * @param code - the error code to throw (callers parsing decrypted data use a fixed-message code).
 */
export function berToDer(
  data: Uint8Array,
  code: KeystoreErrorCode = 'ERR_KEYSTORE_MALFORMED',
): Bytes {
  try {
    const { der, next } = convert(data, 0, data.length, 0);
    if (next !== data.length) throw new BerFault('trailing bytes after the element');
    return copyBytes(der);
  } catch (e) {
    if (e instanceof BerFault) throw new KeystoreError(code, undefined, { cause: e });
    throw e;
  }
}

/**
 * Parses untrusted bytes into an asn1-schema class, after {@link berToDer}. Any failure becomes a
 * `KeystoreError` with `code` (default `ERR_KEYSTORE_MALFORMED`) and the parser's error as cause.
 */
export function parseAsn<T>(
  data: Uint8Array | ArrayBuffer,
  type: new () => T,
  code: KeystoreErrorCode = 'ERR_KEYSTORE_MALFORMED',
): T {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return parseDer(berToDer(bytes, code), type, code);
}

/** {@link parseAsn} for bytes that already came out of {@link berToDer}. */
export function parseDer<T>(
  der: Uint8Array,
  type: new () => T,
  code: KeystoreErrorCode = 'ERR_KEYSTORE_MALFORMED',
): T {
  try {
    return AsnConvert.parse(der, type, PARSE_OPTIONS);
  } catch (e) {
    throw new KeystoreError(code, undefined, { cause: e });
  }
}

/**
 * The content of one OCTET STRING (primitive or, in BER, constructed), without a schema parse:
 * PKCS#12 wraps megabytes of safes in OCTET STRINGs, and asn1js would copy them once more.
 */
export function octetStringContent(
  data: Uint8Array | ArrayBuffer,
  code: KeystoreErrorCode = 'ERR_KEYSTORE_MALFORMED',
): Bytes {
  const der = berToDer(data instanceof Uint8Array ? data : new Uint8Array(data), code);
  if (der[0] !== 0x04)
    throw new KeystoreError(code, undefined, { cause: new Error('expected an OCTET STRING') });
  const l0 = der[1]!;
  return der.subarray(l0 < 0x80 ? 2 : 2 + (l0 & 0x7f));
}

/** DER of an asn1-schema object as a fresh `Uint8Array`. */
export function serializeAsn(value: unknown): Bytes {
  return new Uint8Array(AsnConvert.serialize(value));
}

/** A `Uint8Array` view of an `ArrayBuffer` or `Uint8Array` field from asn1-schema. */
export function asBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer
    ? new Uint8Array(value)
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Number of elements directly inside a DER SEQUENCE or SET (0 for anything else), without a schema
 * parse: lets callers refuse oversized collections before asn1js allocates a node for each.
 */
export function countDerChildren(der: Uint8Array): number {
  if (der[0] !== 0x30 && der[0] !== 0x31) return 0;
  const l0 = der[1]!;
  return derChildren(der, l0 < 0x80 ? 2 : 2 + (l0 & 0x7f), der.length).length;
}

/** One DER element: its tag byte and where its content starts and ends. */
export interface DerElement {
  readonly tag: number;
  readonly contentAt: number;
  readonly end: number;
}

/**
 * The elements directly inside `content[start, end)` of a DER buffer already checked by
 * {@link berToDer} (definite lengths, one-byte tags where callers use this).
 */
export function derChildren(der: Uint8Array, start: number, end: number): DerElement[] {
  const out: DerElement[] = [];
  for (let at = start; at < end;) {
    const tag = der[at]!;
    const l0 = der[at + 1]!;
    let contentAt = at + 2;
    let len = l0;
    if (l0 >= 0x80) {
      len = 0;
      for (let i = 0; i < (l0 & 0x7f); i++) len = len * 256 + der[contentAt++]!;
    }
    if ((tag & 0x1f) === 0x1f || !(contentAt + len <= end)) {
      throw new KeystoreError(
        'ERR_KEYSTORE_MALFORMED',
        'keystore is malformed: unexpected element',
      );
    }
    out.push({ tag, contentAt, end: contentAt + len });
    at = contentAt + len;
  }
  return out;
}
