/**
 * Policies: sign (raw PKCS #1 v1.5 or detached CMS) and verify against trusted manager
 * certificates; seal (Twofish under the Kcs, then an RSA signature) and open.
 *
 * @module
 */
export { signPolicy, type SignPolicyOptions, type PolicySignatureFormat } from './sign.js';
export {
  verifyPolicy,
  DEFAULT_MAX_SIGNATURE_BYTES,
  type VerifyPolicyOptions,
  type VerifiedPolicy,
} from './verify.js';
export type { SpkiPublicKey, TrustAnchor } from './trust.js';
export {
  sealPolicy,
  openPolicy,
  DEFAULT_MAX_SEALED_POLICY_BYTES,
  MAX_SEALED_POLICY_BYTES,
  type SealPolicyOptions,
  type OpenPolicyOptions,
  type OpenedPolicy,
} from './seal.js';
