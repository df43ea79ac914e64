/**
 * PKCS#8 `EncryptedPrivateKeyInfo` (RFC 5208 §6, RFC 5958 §3): decrypt with PBES2 or PKCS#12
 * PBE, encrypt with PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC. Used by the PEM reader
 * (`ENCRYPTED PRIVATE KEY`) and by PKCS#12's `pkcs8ShroudedKeyBag`.
 *
 * @module
 */
import { EncryptedData, EncryptedPrivateKeyInfo, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { KeystoreError } from '../../errors.js';
import { abytes, aint, astring, type Bytes } from '../../bytes.js';
import { MAX_ITERATIONS_CAP } from '../model.js';
import { asBytes, berToDer, parseAsn, serializeAsn } from './asn1.js';
import { decodePbeAlgorithm, pbeDecrypt, pbes2Encrypt, type KdfLimits } from './pbe.js';

/**
 * Default PBKDF2 iteration count of {@link encryptPkcs8}: 10,000, JDK 17 keytool's count for
 * PKCS#12 (so files we write read in Java's and our own default limits, and cost ~5 ms to open),
 * and five times the 2,048 OpenSSL writes.
 */
export const DEFAULT_PKCS8_ITERATIONS = 10_000;

/** Options of {@link decryptPkcs8}. */
export interface DecryptPkcs8Options {
  /** Highest KDF iteration count accepted from the input, checked before the KDF (<= 5,000,000). */
  readonly maxIterations: number;
}

/** Options of {@link encryptPkcs8}. */
export interface EncryptPkcs8Options {
  /** PBKDF2 iteration count (default {@link DEFAULT_PKCS8_ITERATIONS}; 1,000 to 5,000,000). */
  readonly iterations?: number;
}

/** True when `plain` is exactly one DER `PrivateKeyInfo`/`OneAsymmetricKey` (RFC 5958 §2). */
export function isPrivateKeyInfo(plain: Uint8Array): boolean {
  try {
    parseAsn(plain, PrivateKeyInfo);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decrypts the private key of an `EncryptedPrivateKeyInfo` (RFC 5208 §6) and returns its
 * `PrivateKeyInfo` DER (RFC 5208 §5).
 *
 * Schemes: PBES2 (RFC 8018 §6.2) with PBKDF2 and HMAC-SHA1/224/256/384/512, AES-128/192/256-CBC or
 * DES-EDE3-CBC (password as UTF-8); PKCS#12 PBE (RFC 7292 appendix C) pbeWithSHAAnd3-KeyTripleDES-CBC,
 * 2-KeyTripleDES-CBC, 128BitRC2-CBC and 40BitRC2-CBC (password as BMPString; for the empty
 * password `00 00` then zero bytes are tried). BER input is accepted.
 *
 * @param encryptedPrivateKeyInfoDer - the DER (or BER) `EncryptedPrivateKeyInfo`.
 * @param password - the password.
 * @param options - `maxIterations`: the iteration count of the input is checked against it
 *   before any KDF runs.
 * @returns the decrypted `PrivateKeyInfo` DER.
 * @throws KeystoreError `ERR_KEYSTORE_KEY_UNRECOVERABLE` (fixed message) for a wrong password or
 *   a tampered ciphertext (bad padding, or a plaintext that is not a `PrivateKeyInfo`);
 *   `ERR_KEYSTORE_MALFORMED`; `ERR_KEYSTORE_UNSUPPORTED` for another scheme;
 *   `ERR_KEYSTORE_LIMIT_EXCEEDED` when the iteration count is above `maxIterations`.
 * @throws TypeError / RangeError for arguments of the wrong type or range.
 */
export function decryptPkcs8(
  encryptedPrivateKeyInfoDer: Uint8Array,
  password: string,
  options: DecryptPkcs8Options,
): Uint8Array {
  abytes(encryptedPrivateKeyInfoDer, 'encryptedPrivateKeyInfoDer');
  astring(password, 'password');
  aint(options?.maxIterations, 'options.maxIterations', 1, MAX_ITERATIONS_CAP);
  return decryptPkcs8With(encryptedPrivateKeyInfoDer, password, {
    maxIterations: options.maxIterations,
  });
}

/**
 * {@link decryptPkcs8} with a shared {@link KdfLimits} budget (the PKCS#12 reader passes one per
 * file). Internal.
 */
export function decryptPkcs8With(der: Uint8Array, password: string, limits: KdfLimits): Bytes {
  const epki = parseAsn(der, EncryptedPrivateKeyInfo);
  return decryptEpki(epki, password, limits, isPrivateKeyInfo);
}

/**
 * Decrypts a parsed `EncryptedPrivateKeyInfo` and normalises the plaintext to DER. `accept`
 * decides whether a candidate plaintext is plausible (secret keys in PKCS#12 use a PKCS#8-like
 * structure of their own). Internal.
 */
export function decryptEpki(
  epki: EncryptedPrivateKeyInfo,
  password: string,
  limits: KdfLimits,
  accept: (plain: Uint8Array) => boolean,
): Bytes {
  const alg = decodePbeAlgorithm(epki.encryptionAlgorithm);
  const plain = pbeDecrypt(alg, asBytes(epki.encryptedData), password, limits, accept);
  if (plain === undefined) throw new KeystoreError('ERR_KEYSTORE_KEY_UNRECOVERABLE');
  // accept() parsed it, so this cannot fail on structure; it re-encodes BER plaintexts as DER.
  const der = berToDer(plain, 'ERR_KEYSTORE_KEY_UNRECOVERABLE');
  plain.fill(0);
  return der;
}

/**
 * Encrypts a PKCS#8 `PrivateKeyInfo` into an `EncryptedPrivateKeyInfo` (RFC 5208 §6) with PBES2
 * (RFC 8018 §6.2): PBKDF2-HMAC-SHA256 with a random 20-byte salt and an explicit keyLength (as JDK 17
 * keytool writes), and AES-256-CBC with a random IV. The password is UTF-8 encoded.
 *
 * @param pkcs8Der - the `PrivateKeyInfo` DER (not checked beyond being bytes).
 * @param password - the password.
 * @param options - `iterations` (default 10,000; at least 1,000 and at most 5,000,000).
 * @returns the `EncryptedPrivateKeyInfo` DER.
 */
export function encryptPkcs8(
  pkcs8Der: Uint8Array,
  password: string,
  options: EncryptPkcs8Options = {},
): Uint8Array {
  abytes(pkcs8Der, 'pkcs8Der');
  astring(password, 'password');
  const iterations = aint(
    options.iterations ?? DEFAULT_PKCS8_ITERATIONS,
    'options.iterations',
    1000,
    MAX_ITERATIONS_CAP,
  );
  return serializeAsn(encryptPkcs8Info(pkcs8Der, password, iterations));
}

/** {@link encryptPkcs8} returning the asn1-schema object (for PKCS#12 bags). Internal. */
export function encryptPkcs8Info(
  pkcs8Der: Uint8Array,
  password: string,
  iterations: number,
): EncryptedPrivateKeyInfo {
  const { algorithm, ciphertext } = pbes2Encrypt(pkcs8Der, password, {
    iterations,
    saltLength: 20,
  });
  return new EncryptedPrivateKeyInfo({
    encryptionAlgorithm: algorithm,
    encryptedData: new EncryptedData(ciphertext),
  });
}
