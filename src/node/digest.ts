/**
 * The one SHA-256 helper of the Node facade (FIPS 180-4): raw digests (login name comparison),
 * lower-case hex (ETags, index entries, certificate pins, replication checks, token keys) and the
 * SEPM-looking ids derived from a name (policies, groups, administrators). Nothing else under
 * `src/node/` calls `createHash`.
 *
 * @module
 */
import { createHash, type Hash } from 'node:crypto';

/** Strings are hashed as their UTF-8 bytes (a lone surrogate becomes U+FFFD, as in `TextEncoder`). */
type Hashable = Uint8Array | string;

function hash(data: Hashable): Hash {
  const h = createHash('sha256');
  return typeof data === 'string' ? h.update(data, 'utf8') : h.update(data);
}

/** SHA-256 of `data` (a string as UTF-8): 32 fresh bytes, not a pooled `Buffer` view. */
export function sha256(data: Hashable): Uint8Array<ArrayBuffer> {
  return new Uint8Array(hash(data).digest());
}

/** SHA-256 of `data` (a string as UTF-8), lower-case hex. */
export function sha256Hex(data: Hashable): string {
  return hash(data).digest('hex');
}

/**
 * An id that looks like SEPM's (32 upper-case hex digits, docs/rest-api.md) derived from a value,
 * so that every manager of a site derives the same id for the same policy, group or account:
 * the first 128 bits of SHA-256(`context` NUL `value`), both UTF-8. The NUL keeps the context
 * apart from the value, so two kinds of id never share an input.
 *
 * @param context - names the kind of id, e.g. `'sepm-crypto policy id'`; never changes, or
 *   every stored id changes with it.
 * @param value - what the id stands for (already canonical: the caller lower-cases a group path).
 */
export function sepmStyleId(context: string, value: string): string {
  return sha256Hex(`${context}\0${value}`).slice(0, 32).toUpperCase();
}
