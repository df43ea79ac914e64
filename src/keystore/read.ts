/**
 * Format-independent entry points: {@link readKeystore} sniffs the format and calls the right
 * reader, {@link writeKeystore} writes the model in a chosen format. Conversions between formats
 * are a read followed by a write, e.g. a PEM bundle of certificates into a JKS truststore:
 * `writeKeystore(readKeystore(pemBytes, ''), 'changeit', 'jks')`.
 *
 * @module
 */
import { KeystoreError } from '../errors.js';
import { abytes, astring, utf8 } from '../bytes.js';
import { detectKeystoreFormat } from './detect.js';
import { readJceks, writeJceks } from './jceks.js';
import { readJks, writeJks } from './jks.js';
import type { Keystore, KeystoreFormat, ReadKeystoreOptions } from './model.js';
import { readPem, writePem } from './pem.js';
import { readPkcs12, writePkcs12 } from './pkcs12/index.js';

/** Options of {@link writeKeystore}. */
export interface WriteKeystoreOptions {
  /** Per-alias key passwords (JKS and JCEKS; PKCS#12 and PEM use one password). */
  readonly keyPasswords?: Readonly<Record<string, string>>;
  /** PKCS#12 profile (default `'modern'`). */
  readonly profile?: 'modern' | 'legacy';
  /** JCEKS PBEWithMD5AndTripleDES iteration count (default 200,000, as Java). */
  readonly jceksIterations?: number;
}

/**
 * Reads a keystore of any supported format, detected from its bytes: JKS (`FE ED FE ED`),
 * JCEKS (`CE CE CE CE`), PKCS#12 (DER `SEQUENCE` with version 3) or PEM text.
 *
 * @param bytes - the file.
 * @param password - the store password (for PEM: the password of encrypted keys, if any).
 * @param options - key passwords and limits, passed to the reader.
 * @returns the keystore, whose `format` says what was read.
 * @throws {@link KeystoreError} `ERR_KEYSTORE_UNSUPPORTED` when the format is not recognised, and
 * whatever the format's reader throws ({@link KeystoreError} or {@link PemError}).
 *
 * @example Read whatever keystore a user gives
 * ```ts
 * const ks = readKeystore(readFileSync(path), password);
 * console.log(ks.format, ks.entries.map((e) => `${e.alias}: ${e.kind}`));
 * ```
 */
export function readKeystore(
  bytes: Uint8Array,
  password: string,
  options?: ReadKeystoreOptions,
): Keystore {
  abytes(bytes, 'bytes');
  astring(password, 'password');
  switch (detectKeystoreFormat(bytes)) {
    case 'jks':
      return readJks(bytes, password, options);
    case 'jceks':
      return readJceks(bytes, password, options);
    case 'pkcs12':
      return readPkcs12(bytes, password, options);
    case 'pem':
      return readPem(bytes, {
        password,
        ...(options?.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
        ...(options?.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      });
    default:
      throw new KeystoreError(
        'ERR_KEYSTORE_UNSUPPORTED',
        'not a JKS, JCEKS, PKCS#12 or PEM keystore',
      );
  }
}

/**
 * Writes a keystore in `format`: JKS ({@link writeJks}), JCEKS ({@link writeJceks}), PKCS#12
 * (`writePkcs12`) or PEM ({@link writePem} with `friendlyNames`, so aliases survive, returned as
 * UTF-8 bytes; keys are encrypted with `password` unless it is empty).
 *
 * @param ks - the keystore.
 * @param password - the store password.
 * @param format - the output format.
 * @param options - JKS/JCEKS key passwords, the PKCS#12 profile, the JCEKS iteration count.
 * @returns the file bytes.
 * @throws {@link KeystoreError} `ERR_KEYSTORE_UNSUPPORTED` for entries the format cannot hold.
 *
 * @example Convert a PEM bundle of CA certificates into a JKS truststore
 * ```ts
 * const jks = writeKeystore(readKeystore(pemBytes, ''), 'changeit', 'jks');
 * ```
 */
export function writeKeystore(
  ks: Keystore,
  password: string,
  format: KeystoreFormat,
  options: WriteKeystoreOptions = {},
): Uint8Array {
  astring(password, 'password');
  switch (format) {
    case 'jks':
      return writeJks(
        ks,
        password,
        options.keyPasswords ? { keyPasswords: options.keyPasswords } : {},
      );
    case 'pkcs12':
      return writePkcs12(ks, password, { profile: options.profile ?? 'modern' });
    case 'pem':
      // friendlyName text keeps the aliases through PEM (JKS -> PEM -> JKS keeps `tomcat`).
      return utf8(writePem(ks, { friendlyNames: true, ...(password === '' ? {} : { password }) }));
    case 'jceks':
      return writeJceks(ks, password, {
        ...(options.keyPasswords ? { keyPasswords: options.keyPasswords } : {}),
        ...(options.jceksIterations !== undefined ? { iterations: options.jceksIterations } : {}),
      });
    default:
      throw new TypeError(
        `"format" expected 'jks', 'jceks', 'pkcs12' or 'pem', got ${JSON.stringify(format)}`,
      );
  }
}
