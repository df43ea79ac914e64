/**
 * Synchronous hashes, HMAC, HKDF and PBKDF2 for the pure modules (internal: not exported from
 * the package). WebCrypto has these only as promises, and several public APIs that need them are
 * synchronous (`Kcs.derive`, the content envelope, every keystore reader and writer), so the
 * portable path is `@noble/hashes` (audited pure JS: FIPS 180-4 SHA-1/SHA-2, RFC 2104 HMAC,
 * RFC 5869 HKDF, RFC 8018 §5.2 PBKDF2).
 *
 * Node fast path: where the runtime offers `process.getBuiltinModule('node:crypto')` (Node >=
 * 20.16, Bun), bulk work goes to OpenSSL instead. Measured on Node 20 (bench/RESULTS.md): noble's
 * HMAC-SHA256 of 1 MiB is ~19x and PBKDF2-HMAC-SHA256 at 200,000 iterations ~10x slower than
 * `node:crypto`, which would break the speed bars of the content envelope and PKCS#12; noble is
 * faster for many tiny digests (the PKCS#12 KDF and JKS loops), so {@link digest} keeps noble
 * below {@link NODE_DIGEST_THRESHOLD} bytes. The builtin is looked up at run time rather than
 * imported, so bundlers never see a `node:` import and one build serves every runtime; both paths
 * give identical bytes (test/misc/hashes.test.ts compares them, and the browser suite runs the
 * pure one).
 *
 * @module
 */
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf';
import { hmac as nobleHmac } from '@noble/hashes/hmac';
import { sha1 } from '@noble/hashes/legacy';
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2';
import type { CHash } from '@noble/hashes/utils';

/** The hash functions the library uses. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const NOBLE: Record<HashName, CHash> = {
  'SHA-1': sha1,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
};
const NODE_NAME: Record<HashName, string> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** Digests at least this long go to `node:crypto` when it is present (below it, noble is faster). */
export const NODE_DIGEST_THRESHOLD = 1024;

/** The part of `node:crypto` used here, typed locally so no Node types reach the pure modules. */
interface NodeCryptoSubset {
  createHash(name: string): NodeHash;
  createHmac(name: string, key: Uint8Array): NodeHash;
  pbkdf2Sync(
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    length: number,
    digest: string,
  ): Uint8Array;
  hkdfSync(
    digest: string,
    ikm: Uint8Array,
    salt: Uint8Array,
    info: Uint8Array,
    length: number,
  ): ArrayBuffer;
}
interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(): Uint8Array;
}

function detectNodeCrypto(): NodeCryptoSubset | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    const mod = proc?.getBuiltinModule?.('node:crypto') as NodeCryptoSubset | undefined;
    return typeof mod?.pbkdf2Sync === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

const detected = detectNodeCrypto();
let node: NodeCryptoSubset | undefined = detected;

/**
 * Turns the Node fast path off (`false`) or back on (`true`, when the runtime has it). For tests
 * and benchmarks that compare the two paths; returns whether the fast path is now in use.
 */
export function useNodeCrypto(enabled: boolean): boolean {
  node = enabled ? detected : undefined;
  return node !== undefined;
}

/** A fresh `Uint8Array` over its own `ArrayBuffer` (Node returns pooled `Buffer`s). */
function own(b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

function total(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** The digest of the concatenation of `parts`. */
export function digest(name: HashName, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
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
  if (node !== undefined) {
    return new Uint8Array(node.hkdfSync(NODE_NAME[name], ikm, salt, info, length));
  }
  return nobleHkdf(NOBLE[name], ikm, salt, info, length) as Uint8Array<ArrayBuffer>;
}
