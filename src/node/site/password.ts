/**
 * The one password hashing of the Node facade: scrypt (RFC 7914) with a random 16-byte salt,
 * checked in constant time. The site's admin credential (`site.json`) and the extra REST/console
 * accounts (`hashPassword`) share the format, the parameters and the cost caps.
 *
 * @module
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

// scrypt cost (RFC 7914 §2): N = 2^15, r = 8, p = 1 is OWASP's minimum recommendation for scrypt.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 } as const;

// Cost caps: a credential is configuration, but a planted site.json or account must not make
// each login eat gigabytes. scrypt takes 128 * N * r bytes per hash (RFC 7914 §2); 256 MiB is 8
// times the default cost (32 MiB).
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_P = 16;

/** A stored password: a scrypt hash only (RFC 7914), as `site.json` keeps the admin's. */
export interface AdminCredential {
  readonly username: string;
  readonly scrypt: {
    readonly N: number;
    readonly r: number;
    readonly p: number;
    /** Base64 of the 16-byte salt. */
    readonly salt: string;
    /** Base64 of the derived key. */
    readonly hash: string;
  };
}

function scrypt(
  password: string,
  salt: Uint8Array,
  keylen: number,
  o: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, { ...o, maxmem: 256 * o.N * o.r + 1024 * 1024 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/**
 * Hashes a password (scrypt N = 2^15, r = 8, p = 1, 16-byte salt, 32-byte key).
 *
 * @throws TypeError for an empty user name or a password that is not a string.
 */
export async function hashPassword(username: string, password: string): Promise<AdminCredential> {
  if (typeof username !== 'string' || username.length === 0)
    throw new TypeError('"username" expected a non-empty string');
  if (typeof password !== 'string') throw new TypeError('"password" expected string');
  const salt = randomBytes(16);
  const { N, r, p } = SCRYPT;
  const hash = await scrypt(password, salt, SCRYPT.keylen, { N, r, p });
  return {
    username,
    scrypt: { N, r, p, salt: salt.toString('base64'), hash: hash.toString('base64') },
  };
}

/**
 * Whether `credential` is well formed and within the cost caps: N a power of two, memory
 * 128 · N · r at most 256 MiB per hash, p ≤ 16.
 */
export function isCredential(credential: unknown): credential is AdminCredential {
  const c = (credential as AdminCredential | null)?.scrypt;
  return (
    typeof (credential as AdminCredential | null)?.username === 'string' &&
    typeof c === 'object' &&
    c !== null &&
    [c.N, c.r, c.p].every((v) => Number.isSafeInteger(v) && v > 0) &&
    c.N > 1 &&
    (c.N & (c.N - 1)) === 0 &&
    128 * c.N * c.r <= MAX_MEMORY_BYTES &&
    c.p <= MAX_P &&
    typeof c.salt === 'string' &&
    typeof c.hash === 'string' &&
    Buffer.from(c.hash, 'base64').length >= 16
  );
}

/**
 * The check of a password against `credential`: scrypt with the stored parameters, then
 * `timingSafeEqual` against the stored key.
 *
 * @throws TypeError when the credential is malformed or over the cost caps.
 */
export function passwordVerifier(
  credential: AdminCredential,
): (password: string) => Promise<boolean> {
  if (!isCredential(credential)) {
    throw new TypeError('"credential" expected { username, scrypt: { N, r, p, salt, hash } }');
  }
  const { N, r, p } = credential.scrypt;
  const salt = Buffer.from(credential.scrypt.salt, 'base64');
  const expected = Buffer.from(credential.scrypt.hash, 'base64');
  return async (password) => {
    if (typeof password !== 'string') throw new TypeError('"password" expected string');
    const got = await scrypt(password, salt, expected.length, { N, r, p });
    return timingSafeEqual(got, expected);
  };
}
