/**
 * The WebCrypto provider seam of `cert/` and `policy/`.
 *
 * Key generation and certificate signing go through a WebCrypto `Crypto` object so that a user
 * can inject another implementation (for example `@peculiar/webcrypto`); by default it is the
 * platform's `globalThis.crypto` (W3C Web Cryptography API; in Node >= 20 the same object as
 * `node:crypto` `webcrypto`).
 *
 * @module
 */
/** A WebCrypto implementation: `globalThis.crypto`, or a polyfill. */
export type CryptoProvider = Crypto;

/**
 * Throws a `TypeError` unless `value` looks like a WebCrypto provider (has `subtle` and
 * `getRandomValues`); returns the default provider for `undefined`.
 */
export function aprovider(value: unknown, label = 'crypto'): CryptoProvider {
  if (value === undefined) return globalThis.crypto;
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
