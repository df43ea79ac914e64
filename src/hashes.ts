/**
 * Synchronous hashes, HMAC, HKDF and PBKDF2 for the pure modules (internal: not exported from
 * the package). WebCrypto has these only as promises, and several public APIs that need them are
 * synchronous (`Kcs.derive`, the content envelope, every keystore reader and writer), so the
 * portable path is `@noble/hashes` (audited pure JS: RFC 1321 MD5 for the legacy key formats, FIPS 180-4 SHA-1/SHA-2, RFC 2104 HMAC,
 * RFC 5869 HKDF, RFC 8018 §5.2 PBKDF2).
 *
 * On Node, bulk work goes to OpenSSL instead (see `fast_path.ts`): noble's HMAC-SHA256 of 1 MiB
 * is ~19x and PBKDF2-HMAC-SHA256 at 200,000 iterations ~10x slower than `node:crypto`; noble is
 * faster for many tiny digests (the PKCS#12 KDF and JKS loops), so {@link digest} keeps noble
 * below {@link NODE_DIGEST_THRESHOLD} bytes.
 *
 * @module
 */
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf';
import { hmac as nobleHmac } from '@noble/hashes/hmac';
import { md5, sha1 } from '@noble/hashes/legacy';
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2';
import type { CHash } from '@noble/hashes/utils';
import { nodeCrypto, own } from './fast_path.js';

/** The hash functions the library uses. */
export type HashName = 'MD5' | 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const NOBLE: Record<HashName, CHash> = {
  MD5: md5,
  'SHA-1': sha1,
  'SHA-224': sha224,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
};
const NODE_NAME: Record<HashName, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

const BY_OPENSSL_NAME: Readonly<Record<string, HashName>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha224: 'SHA-224',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

/** The {@link HashName} of an OpenSSL-style lower-case name (`'sha256'`), as the keystore code uses. */
export function hashNamed(name: string): HashName {
  const h = Object.hasOwn(BY_OPENSSL_NAME, name) ? BY_OPENSSL_NAME[name] : undefined;
  if (h === undefined) throw new RangeError(`unknown hash ${name}`);
  return h;
}

/** Digests at least this long go to `node:crypto` when it is present (below it, noble is faster). */
export const NODE_DIGEST_THRESHOLD = 1024;

function total(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** The digest of the concatenation of `parts`. */
export function digest(name: HashName, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const node = nodeCrypto();
  if (node !== undefined && total(parts) >= NODE_DIGEST_THRESHOLD) {
    const h = node.createHash(NODE_NAME[name]);
    for (const p of parts) h.update(p);
    return own(h.digest());
  }
  if (parts.length === 1) return NOBLE[name](parts[0]!) as Uint8Array<ArrayBuffer>;
  const h = NOBLE[name].create();
  for (const p of parts) h.update(p);
  return h.digest() as Uint8Array<ArrayBuffer>;
}

/** An incremental hash, for loops that feed many pieces (JKS, the PKCS#12 KDF). */
export function createDigest(name: HashName): {
  update(data: Uint8Array): void;
  digest(): Uint8Array<ArrayBuffer>;
} {
  const h = NOBLE[name].create();
  return {
    update: (data) => void h.update(data),
    digest: () => h.digest() as Uint8Array<ArrayBuffer>,
  };
}

/** HMAC (RFC 2104) of the concatenation of `parts`. */
export function hmac(
  name: HashName,
  key: Uint8Array,
  ...parts: Uint8Array[]
): Uint8Array<ArrayBuffer> {
  const node = nodeCrypto();
  if (node !== undefined) {
    const h = node.createHmac(NODE_NAME[name], key);
    for (const p of parts) h.update(p);
    return own(h.digest());
  }
  const h = nobleHmac.create(NOBLE[name], key);
  for (const p of parts) h.update(p);
  return h.digest() as Uint8Array<ArrayBuffer>;
}

/** PBKDF2 (RFC 8018 §5.2) with HMAC over `name`. */
export function pbkdf2(
  name: HashName,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Uint8Array<ArrayBuffer> {
  const node = nodeCrypto();
  if (node !== undefined) {
    return own(node.pbkdf2Sync(password, salt, iterations, length, NODE_NAME[name]));
  }
  return noblePbkdf2(NOBLE[name], password, salt, {
    c: iterations,
    dkLen: length,
  }) as Uint8Array<ArrayBuffer>;
}

/** HKDF (RFC 5869): extract with `salt`, expand with `info` to `length` bytes. */
export function hkdf(
  name: HashName,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array<ArrayBuffer> {
  const node = nodeCrypto();
  if (node !== undefined) {
    return new Uint8Array(node.hkdfSync(NODE_NAME[name], ikm, salt, info, length));
  }
  return nobleHkdf(NOBLE[name], ikm, salt, info, length) as Uint8Array<ArrayBuffer>;
}
