/**
 * Server identity: generate a SEPM-like self-signed certificate and key, check an identity
 * against SEPM's import rules, and compute certificate fingerprints.
 *
 * @module
 */
export type { ServerIdentity } from './types.js';
export type { CryptoProvider } from './provider.js';
export {
  generateServerIdentity,
  SERVER_KEY_SIZES,
  SERVER_KEY_ALGORITHM,
  DEFAULT_VALIDITY_DAYS,
  MAX_VALIDITY_DAYS,
  type GenerateServerIdentityOptions,
  type ServerKeySize,
} from './generate.js';
export type { SubjectAltName } from './san.js';
export {
  checkServerIdentity,
  assertServerIdentity,
  IMPORT_RULES,
  MIN_RSA_BITS,
  type ImportRule,
  type ImportRuleViolation,
  type ServerIdentityReport,
  type CheckServerIdentityOptions,
} from './check.js';
export {
  certificateFingerprint,
  formatFingerprint,
  type FingerprintAlgorithm,
} from './fingerprint.js';
/**
 * The certificate class of this library's API (`@peculiar/x509`), re-exported so that callers
 * parse trusted certificates with the same class (and the `reflect-metadata` polyfill loaded):
 * `new X509Certificate(pemOrDer)`.
 */
export { X509Certificate } from './x509.js';
