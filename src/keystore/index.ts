/**
 * Keystores: JKS, JCEKS, PKCS#12 and PEM, read into one format-neutral model
 * ({@link Keystore}) and written back out, interoperable with keytool and OpenSSL.
 *
 * @module
 */
export {
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_MAX_KEYSTORE_BYTES,
  MAX_ITERATIONS_CAP,
  type Keystore,
  type KeystoreEntry,
  type KeystoreFormat,
  type PrivateKeyEntry,
  type ReadKeystoreOptions,
  type SecretKeyEntry,
  type TrustedCertificateEntry,
} from './model.js';
export { readJks, writeJks, type WriteJksOptions } from './jks.js';
export {
  readJceks,
  writeJceks,
  DEFAULT_JCEKS_ITERATIONS,
  type WriteJceksOptions,
} from './jceks.js';
export { pemBlocks, toPem, type PemBlock } from './pem_codec.js';
export { readPem, writePem, type ReadPemOptions, type WritePemOptions } from './pem.js';
export { detectKeystoreFormat } from './detect.js';
export {
  identityFromKeystore,
  keystoreFromIdentity,
  type IdentityFromKeystoreOptions,
  type KeystoreFromIdentityOptions,
} from './identity.js';
export { readKeystore, writeKeystore, type WriteKeystoreOptions } from './read.js';
export {
  readPkcs12,
  writePkcs12,
  DEFAULT_PKCS12_ITERATIONS,
  type WritePkcs12Options,
} from './pkcs12/index.js';
export {
  serverFilesFromKeystore,
  serverFilesFromIdentity,
  type ServerFiles,
  type ServerFilesOptions,
  type ServerFilesWriteOptions,
  type ServerFilesFromIdentityOptions,
} from './server_files.js';
