/**
 * The optional Node fast path of the pure modules (internal: not exported from the package).
 *
 * The pure modules run on WebCrypto and `@noble/hashes` everywhere. Where the runtime offers
 * `process.getBuiltinModule('node:crypto')` (Node >= 20.16 and runtimes that copy it), a few hot operations go to
 * OpenSSL instead, because the portable path is measurably slower there (bench/RESULTS.md,
 * "Runtime independence"): bulk HMAC/PBKDF2/HKDF (noble is 10-19x slower), RSA verify (WebCrypto's
 * promise round trip doubles the time of a 2048-bit verify) and DES-EDE3/AES-CBC of PKCS#12 and
 * PEM keys. The builtin is looked up at run time rather than imported, so bundlers never see a
 * `node:` import and one build serves every runtime. Both paths give identical bytes: the tests
 * run the affected modules with the fast path on and off ({@link useNodeCrypto}), and the browser
 * suite runs the portable path only.
 *
 * @module
 */

/** The part of `node:crypto` the fast paths use, typed here so no Node types reach `.d.ts`. */
export interface NodeCryptoSubset {
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
  createPublicKey(input: unknown): NodeKey;
  createPrivateKey(input: unknown): NodeKey;
  KeyObject: { from(key: CryptoKey): NodeKey };
  sign(digest: string, data: Uint8Array, key: unknown): Uint8Array;
  verify(digest: string, data: Uint8Array, key: unknown, signature: Uint8Array): boolean;
  createCipheriv(name: string, key: Uint8Array, iv: Uint8Array | null): NodeCipher;
  createDecipheriv(name: string, key: Uint8Array, iv: Uint8Array | null): NodeCipher;
}
/** `node:crypto` `Hash`/`Hmac`, as used here. */
export interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(): Uint8Array;
}
/** `node:crypto` `KeyObject`, as used here. */
export interface NodeKey {
  readonly type: string;
  readonly asymmetricKeyType?: string;
  export(options: { format: 'der'; type: 'spki' | 'pkcs8' }): Uint8Array;
}
/** `node:crypto` `Cipher`/`Decipher`, as used here. */
export interface NodeCipher {
  setAutoPadding(on: boolean): NodeCipher;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

function detect(): NodeCryptoSubset | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    const mod = proc?.getBuiltinModule?.('node:crypto') as NodeCryptoSubset | undefined;
    return typeof mod?.pbkdf2Sync === 'function' && typeof mod.verify === 'function'
      ? mod
      : undefined;
  } catch {
    return undefined;
  }
}

const detected = detect();
let current: NodeCryptoSubset | undefined = detected;

/** `node:crypto` when the fast path is available and on, else `undefined`. */
export function nodeCrypto(): NodeCryptoSubset | undefined {
  return current;
}

/**
 * Turns the Node fast path off (`false`) or back on (`true`, when the runtime has it), for tests
 * and benchmarks that compare the two paths. Returns whether the fast path is now in use.
 */
export function useNodeCrypto(enabled: boolean): boolean {
  current = enabled ? detected : undefined;
  return current !== undefined;
}

/** A fresh `Uint8Array` over its own `ArrayBuffer` (Node returns pooled `Buffer`s). */
export function own(b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}
