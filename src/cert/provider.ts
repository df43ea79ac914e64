/**
 * The WebCrypto provider seam of `cert/` and `policy/`.
 *
 * Key generation and certificate signing go through a WebCrypto `Crypto` object so that a user
 * can inject another implementation (for example `@peculiar/webcrypto`); by default it is Node's
 * built-in `crypto.webcrypto` (W3C Web Cryptography API; Node 20 `node:crypto` `webcrypto`).
 *
 * @module
 */
import { webcrypto } from 'node:crypto';

/** A WebCrypto implementation: Node's `crypto.webcrypto`, `globalThis.crypto`, or a polyfill. */
export type CryptoProvider = Crypto;

/** Node's built-in WebCrypto (the default provider). */
export const nodeCrypto: CryptoProvider = webcrypto as unknown as CryptoProvider;

/**
 * Throws a `TypeError` unless `value` looks like a WebCrypto provider (has `subtle` and
 * `getRandomValues`); returns the default provider for `undefined`.
 */
export function aprovider(value: unknown, label = 'crypto'): CryptoProvider {
  if (value === undefined) return nodeCrypto;
  const v = value as Partial<CryptoProvider> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.getRandomValues !== 'function' ||
    typeof v.subtle !== 'object' ||
    v.subtle === null
  ) {
    throw new TypeError(
      `"${label}" expected a WebCrypto Crypto object (with subtle and getRandomValues)`,
    );
  }
  return v as CryptoProvider;
}
