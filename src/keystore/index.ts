/**
 * Keystores: JKS, JCEKS, PKCS#12 and PEM, read into one format-neutral model
 * ({@link Keystore}) and written back out, interoperable with keytool and OpenSSL.
 *
 * @module
 */
export * from './model.js';
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
export * from './pkcs12/index.js';
export {
  serverFilesFromKeystore,
  serverFilesFromIdentity,
  type ServerFiles,
  type ServerFilesOptions,
  type ServerFilesWriteOptions,
  type ServerFilesFromIdentityOptions,
} from './server_files.js';
