/**
 * The sealed-policy container, version 2: this library's own format (SEPM's is not public),
 * documented byte by byte in `docs/formats.md` ("Sealed policy").
 *
 * ```text
 * offset     size  field
 * 0          4     magic "SPOL" = 53 50 4f 4c
 * 4          1     version = 02 (01 signed the bare bytes; refused since the signature
 *                  gained its purpose context)
 * 5          1     flags = 00 (every bit reserved; must be zero)
 * 6          8     Kcs check = Kcs.fingerprint(): SHA-256("sepm-crypto kcs fingerprint" || Kcs)[0..8]
 * 14         16    IV, random per policy
 * 30         4     N = ciphertext length, unsigned big-endian; N >= 16, N % 16 == 0
 * 34         N     Twofish-128-CBC(Kcs, IV, PKCS#7(policy))
 * 34+N       32    SHA-256 fingerprint of the signer's certificate (DER)
 * 66+N       2     S = signature length, unsigned big-endian; 256 <= S <= 1024
 * 68+N       S     RSASSA-PKCS1-v1_5 / SHA-256 signature over
 *                  "sepm-crypto signature v2 sealed-policy" NUL ‖ bytes 0 .. 68+N
 * ```
 *
 * Internal module.
 *
 * @module
 */
import { PolicyError } from '../errors.js';

/** `SPOL`. */
export const SEALED_MAGIC = Uint8Array.of(0x53, 0x50, 0x4f, 0x4c);
/** The version written and read (version 1 signed the bare bytes, without a purpose context). */
export const SEALED_VERSION = 2;
/** The previous version: same layout, signature over the bare bytes (read only to upgrade). */
export const SEALED_VERSION_1 = 1;
/** Offset of the Kcs check value. */
export const KCS_CHECK_OFFSET = 6;
/** Length of the Kcs check value. */
export const KCS_CHECK_LENGTH = 8;
/** Offset of the IV. */
export const IV_OFFSET = 14;
/** Offset of the ciphertext length. */
export const CT_LENGTH_OFFSET = 30;
/** Offset of the ciphertext. */
export const CT_OFFSET = 34;
/** Length of the signer fingerprint. */
export const FINGERPRINT_LENGTH = 32;
/** Smallest signature length: RSA 2048 bits. */
export const MIN_SIGNATURE_LENGTH = 256;
/** Largest signature length: RSA 8192 bits. */
export const MAX_SIGNATURE_LENGTH = 1024;
/** Bytes besides the ciphertext and the signature. */
export const SEALED_OVERHEAD = CT_OFFSET + FINGERPRINT_LENGTH + 2;

/** Where each part of a sealed policy lies; produced only after every length was checked. */
export interface SealedLayout {
  readonly kcsCheck: Uint8Array;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly fingerprint: Uint8Array;
  /** Bytes 0 .. 68+N: what the signature covers. */
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
}

function malformed(message: string): PolicyError {
  return new PolicyError('ERR_POLICY_MALFORMED', `sealed policy is malformed: ${message}`);
}

/**
 * Splits a sealed policy into its parts (views, no copies) after checking the header and every
 * length against the input size and `maxCiphertext`.
 *
 * @throws {@link PolicyError} `ERR_POLICY_MALFORMED`.
 */
export function parseSealed(
  sealed: Uint8Array,
  maxCiphertext: number,
  version: number = SEALED_VERSION,
): SealedLayout {
  if (sealed.length < SEALED_OVERHEAD + 16 + MIN_SIGNATURE_LENGTH) throw malformed('too short');
  for (let i = 0; i < SEALED_MAGIC.length; i++) {
    if (sealed[i] !== SEALED_MAGIC[i]) throw malformed('bad magic');
  }
  if (sealed[4] !== version) throw malformed(`unsupported version ${sealed[4]!}`);
  if (sealed[5] !== 0) throw malformed('reserved flags are set');
  const view = new DataView(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const n = view.getUint32(CT_LENGTH_OFFSET);
  if (n < 16 || n % 16 !== 0) throw malformed('ciphertext length is not a positive multiple of 16');
  if (n > maxCiphertext)
    throw malformed(`ciphertext is longer than the limit of ${maxCiphertext} bytes`);
  const fpAt = CT_OFFSET + n;
  if (fpAt + FINGERPRINT_LENGTH + 2 > sealed.length) throw malformed('truncated');
  const s = view.getUint16(fpAt + FINGERPRINT_LENGTH);
  if (s < MIN_SIGNATURE_LENGTH || s > MAX_SIGNATURE_LENGTH)
    throw malformed('signature length out of range');
  const sigAt = fpAt + FINGERPRINT_LENGTH + 2;
  if (sigAt + s !== sealed.length)
    throw malformed(sigAt + s > sealed.length ? 'truncated' : 'trailing bytes');
  return {
    kcsCheck: sealed.subarray(KCS_CHECK_OFFSET, KCS_CHECK_OFFSET + KCS_CHECK_LENGTH),
    iv: sealed.subarray(IV_OFFSET, IV_OFFSET + 16),
    ciphertext: sealed.subarray(CT_OFFSET, fpAt),
    fingerprint: sealed.subarray(fpAt, fpAt + FINGERPRINT_LENGTH),
    signed: sealed.subarray(0, sigAt),
    signature: sealed.subarray(sigAt),
  };
}
