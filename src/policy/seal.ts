/**
 * Sealed policies: a policy encrypted with Twofish under the site key (`Kcs`) and signed with
 * the manager's key, as SEPM managers protect the policies they host (KB 158445). The container
 * is this library's own (see `sealed_format.ts` and `docs/formats.md`): encrypt-then-sign, and
 * opening verifies the signature before it decrypts anything.
 *
 * @module
 */
import {
  fromHex,
  randomBytes as platformRandomBytes,
  abytes,
  aint,
  equalBytes,
  type Bytes,
} from '../bytes.js';
import { Kcs } from '../kcs.js';
import { PolicyError } from '../errors.js';
import { twofishCbc } from '../twofish/index.js';
import type { X509Certificate } from '../cert/x509.js';
import { certificateFingerprint } from '../cert/fingerprint.js';
import type { ServerIdentity } from '../cert/types.js';
import { aidentity } from './sign.js';
import { rsaVerify, signWithIdentity } from './rsa.js';
import { rsaAnchors, type TrustAnchor } from './trust.js';
import { contextMessage } from './purpose.js';
import {
  CT_LENGTH_OFFSET,
  CT_OFFSET,
  FINGERPRINT_LENGTH,
  IV_OFFSET,
  KCS_CHECK_OFFSET,
  MAX_SIGNATURE_LENGTH,
  MIN_SIGNATURE_LENGTH,
  SEALED_MAGIC,
  SEALED_OVERHEAD,
  SEALED_VERSION,
  SEALED_VERSION_1,
  parseSealed,
} from './sealed_format.js';

/** Default largest policy {@link openPolicy} accepts: 64 MiB of ciphertext. */
export const DEFAULT_MAX_SEALED_POLICY_BYTES = 64 << 20;

/** Largest policy {@link sealPolicy} writes (the ciphertext length field is 32 bits). */
export const MAX_SEALED_POLICY_BYTES = 0xffff_ffff - 16;

/** Options of {@link sealPolicy}: only optional settings (the keys are arguments). */
export interface SealPolicyOptions {
  /** Source of the random IV; default the platform CSPRNG. Inject only for test vectors. */
  readonly randomBytes?: (length: number) => Uint8Array;
  /** WebCrypto provider owning a foreign private key; default `identity.crypto`. */
  readonly crypto?: Crypto;
}

/** Options of {@link openPolicy}: only optional settings (the keys are arguments). */
export interface OpenPolicyOptions {
  /** Largest ciphertext accepted, checked before anything else; default 64 MiB. */
  readonly maxBytes?: number;
}

/** The result of {@link openPolicy}. */
export interface OpenedPolicy<T extends TrustAnchor = X509Certificate> {
  /** The policy bytes. */
  readonly data: Bytes;
  /** The entry of `trusted` that signed it. */
  readonly signer: T;
}

/**
 * Encrypts a policy under the site key, then signs the result with the manager's key.
 *
 * Layout (version 2): magic `SPOL`, version, flags, the Kcs check value, a random IV, the
 * Twofish-CBC ciphertext (PKCS#7), the signer certificate's SHA-256 fingerprint, and an
 * RSASSA-PKCS1-v1_5 / SHA-256 signature over the sealed-policy context string and everything
 * before it (so it serves no other purpose). See `docs/formats.md`.
 *
 * Arguments follow the library's convention (docs/policy.md "Argument order"): the bytes, then
 * the keys in the order they are used, then optional settings.
 *
 * @param data - the policy bytes.
 * @param identity - the signer: the manager's RSA key and certificate.
 * @param kcs - the site key the policy is encrypted under.
 * @param options - `randomBytes` / `crypto` (rarely needed).
 * @returns the sealed policy.
 * @throws {@link PolicyError} `ERR_POLICY_UNSUPPORTED_ALGORITHM` when the identity key is not RSA
 *   (2048 to 8192 bits).
 * @throws TypeError / RangeError for bad arguments.
 *
 * @example Publish a policy the clients of the site can open
 * ```ts
 * const sealed = await sealPolicy(policy, identity, kcs);
 * const { data } = await openPolicy(sealed, kcs, [identity.certificate]);
 * ```
 */
export async function sealPolicy(
  data: Uint8Array,
  identity: ServerIdentity,
  kcs: Kcs,
  options: SealPolicyOptions = {},
): Promise<Bytes> {
  abytes(data, 'data');
  refuseOldOptionsForm(identity, 'sealPolicy(data, identity, kcs, options?)');
  aidentity(identity, 'identity');
  if (!(kcs instanceof Kcs)) throw new TypeError('"kcs" expected a Kcs');
  aoptions(options);
  if (data.length > MAX_SEALED_POLICY_BYTES) {
    throw new RangeError(`"data" is longer than ${MAX_SEALED_POLICY_BYTES} bytes`);
  }
  const rng = options.randomBytes ?? platformRandomBytes;
  if (typeof rng !== 'function') throw new TypeError('"options.randomBytes" expected a function');
  const iv = abytes(rng(16), 'randomBytes(16)', 16);

  const ciphertext = twofishCbc(kcs.bytes, iv).encrypt(data);
  const n = ciphertext.length;
  const signed = new Uint8Array(SEALED_OVERHEAD + n);
  signed.set(SEALED_MAGIC, 0);
  signed[4] = SEALED_VERSION;
  signed[5] = 0;
  signed.set(fromHex(kcs.fingerprint())!, KCS_CHECK_OFFSET);
  signed.set(iv, IV_OFFSET);
  const view = new DataView(signed.buffer);
  view.setUint32(CT_LENGTH_OFFSET, n);
  signed.set(ciphertext, CT_OFFSET);
  signed.set(certificateFingerprint(identity.certificate), CT_OFFSET + n);
  const sigLengthAt = CT_OFFSET + n + FINGERPRINT_LENGTH;

  // The signature length is part of what is signed, so it must be known first: the modulus size.
  const anchors = await rsaAnchors([identity.certificate], 'identity.certificate');
  const size = anchors[0]?.size;
  if (size === undefined || size < MIN_SIGNATURE_LENGTH || size > MAX_SIGNATURE_LENGTH) {
    throw new PolicyError(
      'ERR_POLICY_UNSUPPORTED_ALGORITHM',
      'sealed policies need an RSA key of 2048 to 8192 bits',
    );
  }
  view.setUint16(sigLengthAt, size);
  // Version 2: the signature covers the sealed-policy context, then the bytes (purpose binding).
  const signature = await signWithIdentity(
    identity,
    contextMessage('sealed-policy', signed),
    options.crypto,
  );
  if (signature.length !== size) {
    throw new PolicyError(
      'ERR_POLICY_UNSUPPORTED_ALGORITHM',
      'identity private key does not match its certificate (signature length)',
    );
  }
  const out = new Uint8Array(signed.length + size);
  out.set(signed, 0);
  out.set(signature, signed.length);
  return out;
}

/**
 * Opens a sealed policy: checks every length, finds the signer among `trusted` by certificate
 * fingerprint, verifies the signature, and only then decrypts.
 *
 * @param sealed - the sealed policy bytes.
 * @param kcs - the site key.
 * @param trusted - trusted manager certificates; the signer is found among them by SHA-256
 *   fingerprint.
 * @param options - `maxBytes`.
 * @returns `{ data, signer }`.
 * @throws {@link PolicyError}, in this order of checks:
 *   `ERR_POLICY_MALFORMED` (bad magic, version, flags or lengths; truncated; trailing bytes;
 *   over `maxBytes`), `ERR_POLICY_UNTRUSTED_SIGNER` (fingerprint of no trusted certificate),
 *   `ERR_POLICY_SIGNATURE_INVALID`, and last `ERR_POLICY_DECRYPT_FAILED` (one fixed message: a
 *   wrong Kcs or bad padding), which can only happen after the signature passed.
 * @throws TypeError / RangeError for bad arguments.
 */
export async function openPolicy<T extends TrustAnchor = X509Certificate>(
  sealed: Uint8Array,
  kcs: Kcs,
  trusted: readonly T[],
  options: OpenPolicyOptions = {},
): Promise<OpenedPolicy<T>> {
  abytes(sealed, 'sealed');
  refuseOldOptionsForm(kcs, 'openPolicy(sealed, kcs, trusted, options?)');
  if (!(kcs instanceof Kcs)) throw new TypeError('"kcs" expected a Kcs');
  aoptions(options);
  const max = aint(
    options.maxBytes ?? DEFAULT_MAX_SEALED_POLICY_BYTES,
    'options.maxBytes',
    16,
    MAX_SEALED_POLICY_BYTES + 16,
  );
  const anchors = await rsaAnchors(trusted, 'trusted');

  const parts = parseSealed(sealed, max);
  const anchor = anchors.find(
    (a) =>
      a.certificate !== undefined &&
      equalBytes(certificateFingerprint(a.certificate), parts.fingerprint),
  );
  if (anchor === undefined) throw new PolicyError('ERR_POLICY_UNTRUSTED_SIGNER');
  if (
    anchor.size !== parts.signature.length ||
    !(await rsaVerify(anchor.key, contextMessage('sealed-policy', parts.signed), parts.signature))
  ) {
    throw new PolicyError('ERR_POLICY_SIGNATURE_INVALID');
  }

  // Authentic from here on. A wrong Kcs is caught by the check value (and, failing that, by the
  // padding); both give the same fixed error.
  let data: Bytes;
  try {
    if (!equalBytes(fromHex(kcs.fingerprint())!, parts.kcsCheck)) throw new Error('kcs');
    data = twofishCbc(kcs.bytes, parts.iv).decrypt(parts.ciphertext);
  } catch {
    throw new PolicyError('ERR_POLICY_DECRYPT_FAILED');
  }
  return { data, signer: anchor.anchor };
}

/**
 * Version 0.1 took the keys in an options object (`sealPolicy(data, { identity, kcs })`); a caller
 * still doing so gets a message that names the new form instead of "expected a Kcs".
 */
function refuseOldOptionsForm(second: unknown, form: string): void {
  if (
    typeof second === 'object' &&
    second !== null &&
    ('kcs' in second || 'trusted' in second || 'identity' in second)
  ) {
    throw new TypeError(
      `keys are arguments now: call ${form} (see the CHANGELOG: "Changed (breaking)")`,
    );
  }
}

function aoptions(options: unknown): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('"options" expected an object of optional settings');
}

/**
 * Upgrades a version 1 sealed policy (signature over the bare bytes, before signatures carried
 * their purpose) to version 2: checks its version 1 signature with the signer among `trusted`
 * (found by fingerprint), decrypts it, and seals the policy again with `identity`. Internal: a
 * manager runs it once over the sealed policies it kept from before the upgrade (its own state,
 * CHANGELOG); nothing else reads version 1.
 *
 * @throws {@link PolicyError} as {@link openPolicy} does.
 */
export async function resealVersion1<T extends TrustAnchor>(
  sealed: Uint8Array,
  options: { identity: ServerIdentity; kcs: Kcs; trusted: readonly T[] },
): Promise<Bytes> {
  const anchors = await rsaAnchors(options.trusted, 'options.trusted');
  const parts = parseSealed(sealed, MAX_SEALED_POLICY_BYTES, SEALED_VERSION_1);
  const anchor = anchors.find(
    (a) =>
      a.certificate !== undefined &&
      equalBytes(certificateFingerprint(a.certificate), parts.fingerprint),
  );
  if (anchor === undefined) throw new PolicyError('ERR_POLICY_UNTRUSTED_SIGNER');
  if (
    anchor.size !== parts.signature.length ||
    !(await rsaVerify(anchor.key, parts.signed, parts.signature))
  ) {
    throw new PolicyError('ERR_POLICY_SIGNATURE_INVALID');
  }
  let data: Bytes;
  try {
    if (!equalBytes(fromHex(options.kcs.fingerprint())!, parts.kcsCheck)) throw new Error('kcs');
    data = twofishCbc(options.kcs.bytes, parts.iv).decrypt(parts.ciphertext);
  } catch {
    throw new PolicyError('ERR_POLICY_DECRYPT_FAILED');
  }
  return sealPolicy(data, options.identity, options.kcs);
}
