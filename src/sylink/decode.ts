/**
 * Turns the bytes of a `sylink.xml` into text, refusing anything ambiguous.
 *
 * XML 1.0 §4.3.3 and Appendix F: an entity without a byte order mark and without an external
 * encoding is UTF-8; UTF-16 is recognised by its BOM. Whether SEPM 14 writes UTF-8 or UTF-16, and
 * with or without a BOM, is not public (docs/sylink.md, "Reading"), so all three are read:
 * UTF-8 with or without BOM, UTF-16LE and UTF-16BE by BOM. Decoding is strict
 * (`TextDecoder` with `fatal: true`): an invalid byte sequence is refused, never replaced by
 * U+FFFD. The declared `encoding` is checked against what was detected by
 * {@link checkDeclaredEncoding} once the parser has read the XML declaration.
 *
 * @module
 */
import { SylinkError } from '../errors.js';

// Strict decoders (WHATWG Encoding: `fatal` throws on any invalid sequence); stateless between
// non-streaming `decode` calls, so one of each serves every parse.
const DECODERS = {
  'UTF-8': new TextDecoder('utf-8', { fatal: true }),
  'UTF-16LE': new TextDecoder('utf-16le', { fatal: true }),
  'UTF-16BE': new TextDecoder('utf-16be', { fatal: true }),
} as const;

/** What the bytes were decoded as; `'string'` when the caller passed text. */
export type DetectedEncoding = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'string';

/** The decoded text and how it was obtained. */
export interface Decoded {
  readonly text: string;
  readonly encoding: DetectedEncoding;
}

/**
 * Checks the size cap, picks the decoder from the BOM and decodes strictly.
 *
 * @throws {@link SylinkError} `ERR_SYLINK_LIMIT_EXCEEDED` above `maxBytes` (checked before any
 *   decoding or allocation); `ERR_SYLINK_ENCODING` for invalid byte sequences, UTF-32, or UTF-16
 *   without a BOM.
 */
export function decodeSylinkInput(input: Uint8Array | string, maxBytes: number): Decoded {
  if (typeof input === 'string') {
    // A UTF-8 byte count is at least the UTF-16 length, so the cheap test comes first.
    if (input.length > maxBytes || utf8Length(input, maxBytes) > maxBytes) {
      throw tooLarge(maxBytes);
    }
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    return { text, encoding: 'string' };
  }
  if (input.length > maxBytes) throw tooLarge(maxBytes);
  const b = input;
  if (
    b.length >= 4 &&
    ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) ||
      (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff))
  ) {
    throw new SylinkError('ERR_SYLINK_ENCODING', 'sylink.xml is UTF-32, which is not supported');
  }
  let encoding: DetectedEncoding = 'UTF-8';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) encoding = 'UTF-16LE';
  else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) encoding = 'UTF-16BE';
  else if (
    b.length >= 4 &&
    ((b[0] === 0x3c && b[1] === 0 && b[2] === 0x3f && b[3] === 0) ||
      (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] === 0x3f))
  ) {
    // "<?" in UTF-16 without a BOM: XML 1.0 §4.3.3 requires the BOM for UTF-16.
    throw new SylinkError('ERR_SYLINK_ENCODING', 'sylink.xml is UTF-16 without a byte order mark');
  }
  try {
    // The decoder strips the BOM itself (ignoreBOM defaults to false).
    const text = DECODERS[encoding].decode(b);
    return { text, encoding };
  } catch (cause) {
    throw new SylinkError('ERR_SYLINK_ENCODING', `sylink.xml is not valid ${encoding}`, { cause });
  }
}

/**
 * Checks the declaration's `encoding` against the detected one (XML 1.0 §4.3.3: it is a fatal
 * error for an entity to be in an encoding other than the one it declares).
 *
 * @returns an error message, or `undefined` when they agree.
 */
export function checkDeclaredEncoding(
  declared: string | undefined,
  detected: DetectedEncoding,
): string | undefined {
  if (declared === undefined) return undefined;
  const name = declared.toUpperCase();
  const ok =
    detected === 'UTF-8'
      ? name === 'UTF-8'
      : detected === 'UTF-16LE'
        ? name === 'UTF-16' || name === 'UTF-16LE'
        : detected === 'UTF-16BE'
          ? name === 'UTF-16' || name === 'UTF-16BE'
          : name === 'UTF-8' || name === 'UTF-16' || name === 'UTF-16LE' || name === 'UTF-16BE';
  if (ok) return undefined;
  return detected === 'string'
    ? `sylink.xml declares the unsupported encoding "${clip(declared)}"`
    : `sylink.xml declares encoding "${clip(declared)}" but is ${detected}`;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function tooLarge(maxBytes: number): SylinkError {
  return new SylinkError(
    'ERR_SYLINK_LIMIT_EXCEEDED',
    `sylink.xml is larger than maxBytes (${maxBytes})`,
  );
}

// UTF-8 length of a string, stopping early once past `stop`.
function utf8Length(s: string, stop: number): number {
  let n = 0;
  for (let i = 0; i < s.length && n <= stop; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
