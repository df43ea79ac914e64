/**
 * What every parser of this library's protocol messages shares (docs/protocol.md): strict UTF-8
 * JSON, strict base64, and the one error they throw.
 *
 * @module
 */
import { fromBase64 } from '../bytes.js';
import { ProtocolError } from '../errors.js';

/** Makes the error of a malformed message; `why` says which rule failed. */
export type Malformed = (why: string, cause?: unknown) => ProtocolError;

/** A {@link Malformed} whose messages start with `prefix`. */
export function malformedWith(prefix: string): Malformed {
  return (why, cause) => new ProtocolError('ERR_PROTOCOL_MALFORMED', prefix + why, { cause });
}

/** Whether `v` is a plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses strict UTF-8 JSON (RFC 8259 §8.1: invalid UTF-8 is refused, not replaced).
 *
 * @throws the {@link ProtocolError} of `fail`, naming `what`, when the bytes are not UTF-8 JSON.
 */
export function parseJson(bytes: Uint8Array, what: string, fail: Malformed): unknown {
  try {
    return JSON.parse(UTF8.decode(bytes));
  } catch (e) {
    throw fail(`${what} is not UTF-8 JSON`, e);
  }
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict padded base64 (RFC 4648 §4) of at most `maxChars` characters, no whitespace; anything
 * else gives `undefined`.
 */
export function strictBase64(
  v: unknown,
  maxChars = Number.MAX_SAFE_INTEGER,
): Uint8Array | undefined {
  if (typeof v !== 'string' || v.length > maxChars || !BASE64_RE.test(v)) return undefined;
  return fromBase64(v);
}
