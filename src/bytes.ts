/**
 * Byte helpers used across the library (internal: not exported from the package root).
 *
 * Everything takes and returns `Uint8Array`; a Node `Buffer` is accepted as input (it is a
 * `Uint8Array`), but never returned, so callers never receive a view into a pooled buffer.
 * Plain JavaScript only (no `Buffer`, no `node:*`), so every runtime runs the same code.
 *
 * @module
 */
/** Narrow `Uint8Array` type we return: always backed by a plain `ArrayBuffer`. */
export type Bytes = Uint8Array<ArrayBuffer>;

/**
 * Throws a `TypeError` unless `value` is a `Uint8Array` (a `Buffer` counts), and a `RangeError`
 * when `length` is given and differs. Message shape follows noble:
 * `"iv" expected Uint8Array of length 16, got length=12`.
 */
export function abytes(value: unknown, label: string, ...lengths: number[]): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`"${label}" expected Uint8Array, got ${describe(value)}`);
  }
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    throw new RangeError(
      `"${label}" expected Uint8Array of length ${lengths.join(' or ')}, got length=${value.length}`,
    );
  }
  return value;
}

/** Throws a `TypeError` unless `value` is a string. */
export function astring(value: unknown, label: string): string {
  if (typeof value !== 'string')
    throw new TypeError(`"${label}" expected string, got ${describe(value)}`);
  return value;
}

/** Throws a `RangeError` unless `value` is an integer in [min, max]. */
export function aint(value: unknown, label: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `"${label}" expected an integer in [${min}, ${max}], got ${describe(value)}`,
    );
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean')
    return `${typeof value} ${String(value)}`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** A fresh copy of `data` backed by its own `ArrayBuffer`. */
export function copyBytes(data: Uint8Array): Bytes {
  const out = new Uint8Array(data.length);
  out.set(data);
  return out;
}

/** Concatenates byte arrays into a fresh array. */
export function concatBytes(...parts: readonly Uint8Array[]): Bytes {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Constant-time equality for MACs and digests. Different lengths return false at once; the
 * length of a MAC is public.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  // Accumulate every difference instead of returning at the first one, so the time taken does
  // not depend on where the inputs differ.
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const HEX = '0123456789abcdef';

/** Lower-case hex of `data`. */
export function toHex(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

/**
 * Decodes hex (either case). Returns `undefined` for odd length or a non-hex digit, so each
 * caller can throw the error of its own family.
 */
export function fromHex(hex: string): Bytes | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Standard base64 (RFC 4648 §4) with padding. */
export function toBase64(data: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  let i = 0;
  for (; i + 2 < data.length; i += 3) {
    const n = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    chunk += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
    // Flush now and then: one huge concatenated string is slow to flatten in V8.
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  const rest = data.length - i;
  if (rest === 1) {
    const n = data[i]! << 16;
    chunk += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (data[i]! << 16) | (data[i + 1]! << 8);
    chunk += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  parts.push(chunk);
  return parts.join('');
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = /* @__PURE__ */ (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

/**
 * Strict standard base64 decoding: whitespace is ignored, anything else outside the alphabet,
 * or bad padding, returns `undefined` (Node's decoder would silently skip it).
 */
export function fromBase64(text: string): Bytes | undefined {
  const clean = text.replace(/[\t\n\r ]+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) {
    return undefined;
  }
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((clean.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    // The regular expression above admits only alphabet characters and final padding.
    const n =
      (B64_VALUE[clean.charCodeAt(i)]! << 18) |
      (B64_VALUE[clean.charCodeAt(i + 1)]! << 12) |
      ((B64_VALUE[clean.charCodeAt(i + 2)]! & 63) << 6) |
      (B64_VALUE[clean.charCodeAt(i + 3)]! & 63);
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** UTF-8 encoding of `text`. */
export function utf8(text: string): Bytes {
  return utf8Encoder.encode(text) as Bytes;
}

/** Strict UTF-8 decoding; returns `undefined` on an invalid byte sequence. */
export function fromUtf8(data: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(data);
  } catch {
    return undefined;
  }
}

/** `n` bytes from the platform CSPRNG (WebCrypto `getRandomValues`, chunked at its 64 KiB cap). */
export function randomBytes(n: number): Bytes {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)));
  }
  return out;
}
