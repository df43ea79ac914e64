/**
 * Verifying policy signatures against the trusted manager certificates of a sylink.xml.
 *
 * @module
 */
import { abytes, aint } from '../bytes.js';
import { PolicyError } from '../errors.js';
import { refuseReserved, type PolicySignatureFormat } from './sign.js';
import { rsaAnchors, type TrustAnchor } from './trust.js';
import { rsaVerify } from './rsa.js';
import { looksLikeCms, verifyCms } from './cms_verify.js';

/** Default cap on a signature's size (a CMS carries certificates; a raw one is <= 1 KiB). */
export const DEFAULT_MAX_SIGNATURE_BYTES = 1 << 20;

/** Options of {@link verifyPolicy}. */
export interface VerifyPolicyOptions {
  /** Largest signature accepted, in bytes (checked before parsing); default 1 MiB. */
  readonly maxSignatureBytes?: number;
  /**
   * The signature formats the caller expects (default both). A signature of another format is
   * refused with `ERR_POLICY_SIGNATURE_INVALID` before any key is tried. A CMS signature without
   * signed attributes (`openssl cms -sign -noattr`) signs the content itself, exactly as a raw
   * signature does, so it is accepted only when `'raw'` is.
   */
  readonly formats?: readonly PolicySignatureFormat[];
}

/** The result of {@link verifyPolicy}. */
export interface VerifiedPolicy<T extends TrustAnchor = TrustAnchor> {
  /** The entry of `trusted` whose key verified the signature. */
  readonly signer: T;
  /** Which format the signature had. */
  readonly format: PolicySignatureFormat;
  /** CMS only: the signed `signingTime` attribute, when present (informational, not checked). */
  readonly signingTime?: Date;
}

/**
 * Verifies a policy signature and tells which trusted certificate (or key) made it.
 *
 * The format is recognised from the bytes: a DER SEQUENCE starting with the id-signedData OID is
 * CMS; anything else is a raw RSASSA-PKCS1-v1_5 / SHA-256 signature, which must be exactly as
 * long as a trusted modulus. Each trusted RSA key is tried in order (a sylink lists every manager
 * of the site, and during a certificate change the old and the new certificate). A CMS signature
 * counts only when one of `trusted` verifies it: certificates inside the CMS are never trusted
 * for that. Verification is strict (OpenSSL rebuilds the DigestInfo and compares it whole).
 *
 * @param data - the policy file bytes.
 * @param signature - raw or CMS signature bytes.
 * @param trusted - certificates (usually) or public keys; see {@link TrustAnchor}.
 * Data shaped like the signed input of another purpose is refused, as `signPolicy` refuses to
 * sign it (docs/formats.md "Signature purposes"); `formats` narrows the accepted formats.
 *
 * @param options - `maxSignatureBytes`, `formats`.
 * @returns `{ signer, format }` (and `signingTime` for CMS), `signer` being the matching entry
 *   of `trusted`.
 * @throws {@link PolicyError}:
 *   `ERR_POLICY_SIGNATURE_INVALID` (raw: no trusted key verifies; CMS: content digest differs or
 *   the named trusted signer's key does not verify),
 *   `ERR_POLICY_UNTRUSTED_SIGNER` (CMS made by a key that is not trusted; or no RSA key in
 *   `trusted`), `ERR_POLICY_UNSUPPORTED_ALGORITHM` (CMS signer not RSA with SHA-2),
 *   `ERR_POLICY_MALFORMED` (undecodable CMS, attached content, too large),
 *   `ERR_POLICY_RESERVED_INPUT` (data shaped like another purpose's signed input).
 * @throws TypeError / RangeError for bad arguments (`trusted` empty or of the wrong type).
 *
 * @example Check a downloaded policy against the managers of sylink.xml
 * ```ts
 * const { signer } = await verifyPolicy(policy, sig, sylink.certificates);
 * ```
 */
export async function verifyPolicy<T extends TrustAnchor>(
  data: Uint8Array,
  signature: Uint8Array,
  trusted: readonly T[],
  options: VerifyPolicyOptions = {},
): Promise<VerifiedPolicy<T>> {
  abytes(data, 'data');
  refuseReserved(data);
  return verifySignature(data, signature, trusted, options);
}

/**
 * {@link verifyPolicy} without the reserved-shape refusal: for the library's own
 * context-prefixed messages (`purpose.ts`), which begin with the reserved prefix. Internal.
 */
export async function verifySignature<T extends TrustAnchor>(
  data: Uint8Array,
  signature: Uint8Array,
  trusted: readonly T[],
  options: VerifyPolicyOptions = {},
): Promise<VerifiedPolicy<T>> {
  abytes(data, 'data');
  abytes(signature, 'signature');
  const max = aint(
    options.maxSignatureBytes ?? DEFAULT_MAX_SIGNATURE_BYTES,
    'maxSignatureBytes',
    1,
    1 << 30,
  );
  const anchors = await rsaAnchors(trusted);
  if (signature.length > max) {
    throw new PolicyError('ERR_POLICY_MALFORMED', `signature is larger than ${max} bytes`);
  }
  if (anchors.length === 0) {
    throw new PolicyError('ERR_POLICY_UNTRUSTED_SIGNER', 'no trusted certificate has an RSA key');
  }
  const formats = options.formats ?? ['raw', 'cms'];
  if (!Array.isArray(formats) || formats.some((f) => f !== 'raw' && f !== 'cms')) {
    throw new TypeError("\"formats\" expected an array of 'raw' and 'cms'");
  }
  const format = looksLikeCms(signature) ? 'cms' : 'raw';
  if (!formats.includes(format)) {
    throw new PolicyError(
      'ERR_POLICY_SIGNATURE_INVALID',
      `a ${format} signature where only ${formats.join(' or ')} is accepted`,
    );
  }
  if (format === 'cms') {
    // A CMS without signed attributes signs the content itself, as a raw signature does (RFC
    // 5652 §5.4): it counts as the raw purpose, so `formats: ['cms']` refuses it.
    const { anchor, signingTime } = await verifyCms(
      data,
      signature,
      anchors,
      !formats.includes('raw'),
    );
    return signingTime === undefined
      ? { signer: anchor.anchor, format: 'cms' }
      : { signer: anchor.anchor, format: 'cms', signingTime };
  }
  for (const anchor of anchors) {
    // RFC 8017 section 8.2.2 step 1: a signature of the wrong length is invalid for this key.
    if (anchor.size === signature.length && (await rsaVerify(anchor.key, data, signature))) {
      return { signer: anchor.anchor, format: 'raw' };
    }
  }
  throw new PolicyError('ERR_POLICY_SIGNATURE_INVALID');
}
