/**
 * Signing policy files with the server key, as SEPM managers do with the key in `keystore.jks`
 * (Broadcom KB 158445). SEPM's own `.sig` layout is not public, so both formats here are
 * standards: a raw RSASSA-PKCS1-v1_5 / SHA-256 signature (RFC 8017 section 8.2.1), or a detached
 * CMS SignedData (RFC 5652).
 *
 * @module
 */
import { abytes, type Bytes } from '../bytes.js';
import { X509Certificate } from '../cert/x509.js';
import type { ServerIdentity } from '../cert/types.js';
import { signWithIdentity } from './rsa.js';
import { signCms } from './cms_sign.js';
import { reservedShape } from './purpose.js';
import { PolicyError } from '../errors.js';

/** Policy signature formats. */
export type PolicySignatureFormat = 'raw' | 'cms';

/** Options of {@link signPolicy}. */
export interface SignPolicyOptions {
  /**
   * `'raw'` (default): the bare RSASSA-PKCS1-v1_5 signature, modulus-length bytes, what
   * `openssl dgst -sha256 -sign` writes. `'cms'`: detached CMS SignedData DER, what
   * `openssl cms -sign -binary -outform DER` writes.
   */
  readonly format?: PolicySignatureFormat;
  /** CMS `signingTime`; default `new Date()` (ignored for `'raw'`). */
  readonly now?: Date;
  /** WebCrypto provider owning a foreign private key; default `identity.crypto`. */
  readonly crypto?: Crypto;
}

/**
 * Signs a policy file with the manager's key.
 *
 * The key is turned into a `node:crypto` `KeyObject` once per `CryptoKey` and cached (no key
 * parsing on later calls).
 *
 * @param data - the policy file bytes.
 * @param identity - the signer: an RSA key and its certificate.
 * @param options - `format` (`'raw'` or `'cms'`), `now`, `crypto`.
 * @returns the signature bytes.
 * A signature serves one purpose (docs/formats.md "Signature purposes"): data shaped like the
 * signed input of another purpose is refused, so that an operator who signs a file an attacker
 * supplied cannot be made to sign CMS signed attributes, a sealed policy or a protocol document.
 * Ordinary policy files (XML, text, binary not starting with `0x31` or `SPOL`) are signed as
 * before, byte-identical to `openssl dgst -sha256 -sign`.
 *
 * @throws {@link PolicyError} `ERR_POLICY_UNSUPPORTED_ALGORITHM` when the identity's key is not
 *   RSA; `ERR_POLICY_RESERVED_INPUT` when `data` is shaped like another purpose's signed input.
 * @throws TypeError / RangeError for bad arguments.
 *
 * @example A detached signature next to the policy, checked by clients with verifyPolicy
 * ```ts
 * const sig = await signPolicy(policyBytes, identity, { format: 'cms' });
 * ```
 */
export async function signPolicy(
  data: Uint8Array,
  identity: ServerIdentity,
  options: SignPolicyOptions = {},
): Promise<Bytes> {
  abytes(data, 'data');
  aidentity(identity);
  refuseReserved(data);
  const format = options.format ?? 'raw';
  if (format === 'raw') return signWithIdentity(identity, data, options.crypto);
  if (format === 'cms') {
    const now = options.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime()))
      throw new TypeError('"now" expected a valid Date');
    return signCms(data, identity, now, options.crypto);
  }
  throw new RangeError(`"format" expected 'raw' or 'cms', got ${String(format)}`);
}

/**
 * Refuses policy data shaped like the signed input of another purpose (see `purpose.ts`).
 *
 * @throws {@link PolicyError} `ERR_POLICY_RESERVED_INPUT`.
 */
export function refuseReserved(data: Uint8Array): void {
  const why = reservedShape(data);
  if (why !== undefined) {
    throw new PolicyError(
      'ERR_POLICY_RESERVED_INPUT',
      `refused to sign or verify as a policy: ${why}`,
    );
  }
}

/** Throws a `TypeError` unless `identity` has a certificate and a private key. */
export function aidentity(
  identity: unknown,
  label = 'identity',
): asserts identity is ServerIdentity {
  const id = identity as Partial<ServerIdentity> | null;
  if (typeof id !== 'object' || id === null || !(id.certificate instanceof X509Certificate)) {
    throw new TypeError(`"${label}" expected a ServerIdentity with an X509Certificate`);
  }
  const key = id.privateKey;
  if (typeof key !== 'object' || key === null || key.type !== 'private') {
    throw new TypeError(`"${label}.privateKey" expected a private CryptoKey`);
  }
  if (!Array.isArray(id.chain)) throw new TypeError(`"${label}.chain" expected an array`);
}
