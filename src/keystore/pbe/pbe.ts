/**
 * Password-based encryption as PKCS#8 and PKCS#12 use it: PBES2 with PBKDF2 (RFC 8018 §6.2) and
 * the PKCS#12 `pbeWithSHAAnd*` schemes (RFC 7292 appendix C). One entry point decodes an
 * `AlgorithmIdentifier`, checks its iteration count against the caller's limit BEFORE any KDF
 * runs, derives the key and IV, and decrypts; another encrypts with chosen parameters.
 *
 * @module
 */
import { OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { KeystoreError } from '../../errors.js';
import { randomBytes, type Bytes } from '../../bytes.js';
import { asBytes, parseAsn, serializeAsn } from './asn1.js';
import {
  AES_128_CBC,
  AES_192_CBC,
  AES_256_CBC,
  DES_EDE3_CBC,
  DES_EDE_CBC,
  RC2_128_CBC,
  RC2_40_CBC,
  cbcDecrypt,
  cbcEncrypt,
  type CbcCipher,
} from './cipher.js';
import * as oid from './oids.js';
import { bmpPassword, bmpPasswordCandidates, pbkdf2Password } from './password.js';
import { pkcs12Kdf } from './pkcs12_kdf.js';
import { Pbes2Params, Pbkdf2Params, Pkcs12PbeParams } from './schemas.js';
import { hashNamed, pbkdf2 } from '../../hashes.js';

/** Largest salt accepted from a file: the PKCS#12 KDF's cost grows with it (tools use 8-20). */
export const MAX_SALT_BYTES = 1024;

/**
 * KDF limits for one read: the per-KDF iteration cap, and a work budget shared by every KDF of
 * one file so that many bags of `maxIterations` each cannot pin the CPU either.
 */
export interface KdfLimits {
  /** Highest iteration count accepted (checked before the KDF runs). */
  readonly maxIterations: number;
  /** Iterations left for this file; decremented by each KDF. Omit for no shared budget. */
  budget?: { remaining: number };
}

/** The PRFs PBKDF2 accepts here (RFC 8018 appendix B.1.1, B.1.2). */
const PRFS: Record<string, 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'> = {
  [oid.OID_HMAC_SHA1]: 'sha1',
  [oid.OID_HMAC_SHA224]: 'sha224',
  [oid.OID_HMAC_SHA256]: 'sha256',
  [oid.OID_HMAC_SHA384]: 'sha384',
  [oid.OID_HMAC_SHA512]: 'sha512',
};

/** The PBES2 encryption schemes supported (RFC 8018 appendix B.2.2, B.2.5). */
const PBES2_CIPHERS: Record<string, CbcCipher> = {
  [oid.OID_AES128_CBC]: AES_128_CBC,
  [oid.OID_AES192_CBC]: AES_192_CBC,
  [oid.OID_AES256_CBC]: AES_256_CBC,
  [oid.OID_DES_EDE3_CBC]: DES_EDE3_CBC,
};

/** The PKCS#12 PBE schemes supported (RFC 7292 appendix C); RC4 (.1, .2) is not. */
const PKCS12_CIPHERS: Record<string, CbcCipher> = {
  [oid.OID_PBE_SHA1_3DES]: DES_EDE3_CBC,
  [oid.OID_PBE_SHA1_2DES]: DES_EDE_CBC,
  [oid.OID_PBE_SHA1_RC2_128]: RC2_128_CBC,
  [oid.OID_PBE_SHA1_RC2_40]: RC2_40_CBC,
};

/** A decoded PBE AlgorithmIdentifier. */
export type PbeParameters =
  | {
      readonly kind: 'pbes2';
      readonly prf: 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
      readonly salt: Uint8Array;
      readonly iterations: number;
      readonly cipher: CbcCipher;
      readonly iv: Uint8Array;
    }
  | {
      readonly kind: 'pkcs12';
      readonly salt: Uint8Array;
      readonly iterations: number;
      readonly cipher: CbcCipher;
    };

function malformed(what: string, cause?: unknown): KeystoreError {
  return new KeystoreError('ERR_KEYSTORE_MALFORMED', `keystore is malformed: ${what}`, { cause });
}

/**
 * An INTEGER field as a count. asn1-schema returns numbers of 4+ bytes as decimal strings; those
 * are either huge (above any cap: returned as `Infinity` so the limit check rejects them) or
 * negative/zero (malformed).
 */
export function readCount(value: number | string, what: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(n) || n < 1) throw malformed(`${what} must be a positive integer`);
  return Number.isSafeInteger(n) ? n : Infinity;
}

/**
 * Throws `ERR_KEYSTORE_LIMIT_EXCEEDED` unless `iterations` fits the cap and the file's budget,
 * and charges the budget. Called before every KDF.
 */
export function chargeIterations(iterations: number, limits: KdfLimits, what: string): void {
  if (iterations > limits.maxIterations) {
    throw new KeystoreError(
      'ERR_KEYSTORE_LIMIT_EXCEEDED',
      `${what} iteration count ${Number.isFinite(iterations) ? iterations : 'above 2^53'} exceeds maxIterations (${limits.maxIterations})`,
    );
  }
  if (limits.budget !== undefined) {
    if (iterations > limits.budget.remaining) {
      throw new KeystoreError(
        'ERR_KEYSTORE_LIMIT_EXCEEDED',
        'keystore exceeds a configured limit: total KDF iterations of the file are above its budget',
      );
    }
    limits.budget.remaining -= iterations;
  }
}

function readSalt(s: OctetString): Uint8Array {
  const salt = asBytes(s);
  if (salt.length > MAX_SALT_BYTES) throw malformed(`salt longer than ${MAX_SALT_BYTES} bytes`);
  return salt;
}

function unsupported(what: string): KeystoreError {
  return new KeystoreError(
    'ERR_KEYSTORE_UNSUPPORTED',
    `keystore uses an unsupported algorithm: ${what}`,
  );
}

/**
 * Decodes a PBE `AlgorithmIdentifier` (PBES2 or PKCS#12 PBE).
 *
 * @throws KeystoreError `ERR_KEYSTORE_UNSUPPORTED` for another scheme, PRF or cipher;
 *   `ERR_KEYSTORE_MALFORMED` for bad parameters.
 */
export function decodePbeAlgorithm(alg: AlgorithmIdentifier): PbeParameters {
  const p12 = PKCS12_CIPHERS[alg.algorithm];
  if (p12 !== undefined) {
    if (alg.parameters == null) throw malformed('missing pkcs-12PbeParams');
    const params = parseAsn(alg.parameters, Pkcs12PbeParams);
    return {
      kind: 'pkcs12',
      salt: readSalt(params.salt),
      iterations: readCount(params.iterations, 'PBE'),
      cipher: p12,
    };
  }
  if (alg.algorithm !== oid.OID_PBES2) throw unsupported(`encryption scheme ${alg.algorithm}`);
  if (alg.parameters == null) throw malformed('missing PBES2-params');
  const pbes2 = parseAsn(alg.parameters, Pbes2Params);
  const kdf = pbes2.keyDerivationFunc;
  if (kdf.algorithm !== oid.OID_PBKDF2)
    throw unsupported(`key derivation function ${kdf.algorithm}`);
  if (kdf.parameters == null) throw malformed('missing PBKDF2-params');
  const kp = parseAsn(kdf.parameters, Pbkdf2Params);
  const prfOid = kp.prf?.algorithm ?? oid.OID_HMAC_SHA1; // RFC 8018 A.2: DEFAULT algid-hmacWithSHA1
  const prf = PRFS[prfOid];
  if (prf === undefined) throw unsupported(`PBKDF2 PRF ${prfOid}`);
  const scheme = pbes2.encryptionScheme;
  const cipher = PBES2_CIPHERS[scheme.algorithm];
  if (cipher === undefined) throw unsupported(`PBES2 cipher ${scheme.algorithm}`);
  if (kp.keyLength !== undefined && Number(kp.keyLength) !== cipher.keyLength) {
    throw malformed('PBKDF2 keyLength does not match the cipher');
  }
  if (scheme.parameters == null) throw malformed('missing IV');
  const iv = asBytes(parseAsn(scheme.parameters, OctetString));
  if (iv.length !== cipher.ivLength) throw malformed('IV has the wrong length');
  return {
    kind: 'pbes2',
    prf,
    salt: readSalt(kp.salt),
    iterations: readCount(kp.iterationCount, 'PBKDF2'),
    cipher,
    iv,
  };
}

/**
 * Decrypts `ciphertext` encrypted under `alg` with `password`.
 *
 * The iteration count is checked against `limits` before any KDF runs. Returns `undefined` when
 * no password encoding yields valid padding and a plaintext `accept` likes: callers turn that into
 * their fixed-message error. For PKCS#12 PBE with the empty password both `00 00` and zero bytes
 * are tried (Java's rule, docs/keystores.md, Format notes: "PKCS#12 KDF and MAC").
 *
 * @param alg - the decoded algorithm ({@link decodePbeAlgorithm}).
 * @param ciphertext - the encrypted bytes.
 * @param password - the password as the user typed it.
 * @param limits - iteration cap and budget.
 * @param accept - optional check of a candidate plaintext (e.g. "parses as PrivateKeyInfo").
 */
export function pbeDecrypt(
  alg: PbeParameters,
  ciphertext: Uint8Array,
  password: string,
  limits: KdfLimits,
  accept: (plain: Uint8Array) => boolean = () => true,
): Bytes | undefined {
  const what = alg.kind === 'pbes2' ? 'PBKDF2' : 'PKCS#12 PBE';
  if (alg.kind === 'pbes2') {
    chargeIterations(alg.iterations, limits, what);
    const key = pbkdf2(
      hashNamed(alg.prf),
      pbkdf2Password(password),
      alg.salt,
      alg.iterations,
      alg.cipher.keyLength,
    );
    const plain = cbcDecrypt(alg.cipher, key, alg.iv, ciphertext);
    key.fill(0);
    return plain !== undefined && accept(plain) ? plain : undefined;
  }
  for (const pw of bmpPasswordCandidates(password)) {
    chargeIterations(alg.iterations, limits, what);
    const key = pkcs12Kdf('sha1', pw, alg.salt, alg.iterations, 1, alg.cipher.keyLength);
    const iv = pkcs12Kdf('sha1', pw, alg.salt, alg.iterations, 2, alg.cipher.ivLength);
    const plain = cbcDecrypt(alg.cipher, key, iv, ciphertext);
    key.fill(0);
    if (plain !== undefined && accept(plain)) return plain;
  }
  return undefined;
}

/** Options of {@link pbes2Encrypt}. */
export interface Pbes2EncryptOptions {
  readonly iterations: number;
  /** Salt size in bytes (keytool: 20, OpenSSL: 8). */
  readonly saltLength?: number;
  readonly prf?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  readonly cipher?: 'aes-128-cbc' | 'aes-256-cbc';
  /** Write PBKDF2's optional keyLength field, as keytool does (OpenSSL omits it). */
  readonly keyLengthField?: boolean;
}

const PRF_OIDS = {
  sha1: oid.OID_HMAC_SHA1,
  sha256: oid.OID_HMAC_SHA256,
  sha384: oid.OID_HMAC_SHA384,
  sha512: oid.OID_HMAC_SHA512,
} as const;

/** DER NULL, the parameters of the HMAC PRF AlgorithmIdentifiers keytool writes. */
const DER_NULL = Uint8Array.of(0x05, 0x00).buffer;

/**
 * Encrypts with PBES2 (RFC 8018 §6.2.1): PBKDF2 over the UTF-8 password, then AES-CBC with a random
 * IV. Returns the `AlgorithmIdentifier` to store next to the ciphertext.
 */
export function pbes2Encrypt(
  data: Uint8Array,
  password: string,
  options: Pbes2EncryptOptions,
): { algorithm: AlgorithmIdentifier; ciphertext: Bytes } {
  const prf = options.prf ?? 'sha256';
  const cipher = options.cipher === 'aes-128-cbc' ? AES_128_CBC : AES_256_CBC;
  const salt = randomBytes(options.saltLength ?? 20);
  const iv = randomBytes(cipher.ivLength);
  const key = pbkdf2(
    hashNamed(prf),
    pbkdf2Password(password),
    salt,
    options.iterations,
    cipher.keyLength,
  );
  const ciphertext = cbcEncrypt(cipher, key, iv, data);
  key.fill(0);
  const kdfParams = new Pbkdf2Params({
    salt: new OctetString(salt),
    iterationCount: options.iterations,
    // RFC 8018 A.2: DER omits the DEFAULT hmacWithSHA1.
    prf:
      prf === 'sha1'
        ? undefined
        : new AlgorithmIdentifier({ algorithm: PRF_OIDS[prf], parameters: DER_NULL }),
  });
  if (options.keyLengthField ?? true) kdfParams.keyLength = cipher.keyLength;
  const params = new Pbes2Params({
    keyDerivationFunc: new AlgorithmIdentifier({
      algorithm: oid.OID_PBKDF2,
      parameters: serializeAsn(kdfParams).buffer,
    }),
    encryptionScheme: new AlgorithmIdentifier({
      algorithm: cipher === AES_128_CBC ? oid.OID_AES128_CBC : oid.OID_AES256_CBC,
      parameters: serializeAsn(new OctetString(iv)).buffer,
    }),
  });
  return {
    algorithm: new AlgorithmIdentifier({
      algorithm: oid.OID_PBES2,
      parameters: serializeAsn(params).buffer,
    }),
    ciphertext,
  };
}

/** Options of {@link pkcs12PbeEncrypt}. */
export interface Pkcs12PbeEncryptOptions {
  readonly iterations: number;
  readonly saltLength?: number;
  /** Scheme: 3-key 3DES (default), or RC2-40 / RC2-128 (for tests and very old consumers). */
  readonly scheme?: 'sha1-3des' | 'sha1-rc2-40' | 'sha1-rc2-128';
}

/**
 * Encrypts with a PKCS#12 PBE scheme (RFC 7292 appendix C): key and IV from the PKCS#12 KDF over
 * the BMPString password. Returns the `AlgorithmIdentifier` to store next to the ciphertext.
 */
export function pkcs12PbeEncrypt(
  data: Uint8Array,
  password: string,
  options: Pkcs12PbeEncryptOptions,
): { algorithm: AlgorithmIdentifier; ciphertext: Bytes } {
  const [algorithm, cipher] =
    options.scheme === 'sha1-rc2-40'
      ? [oid.OID_PBE_SHA1_RC2_40, RC2_40_CBC]
      : options.scheme === 'sha1-rc2-128'
        ? [oid.OID_PBE_SHA1_RC2_128, RC2_128_CBC]
        : [oid.OID_PBE_SHA1_3DES, DES_EDE3_CBC];
  const salt = randomBytes(options.saltLength ?? 20);
  const pw = bmpPassword(password);
  const key = pkcs12Kdf('sha1', pw, salt, options.iterations, 1, cipher.keyLength);
  const iv = pkcs12Kdf('sha1', pw, salt, options.iterations, 2, cipher.ivLength);
  const ciphertext = cbcEncrypt(cipher, key, iv, data);
  key.fill(0);
  pw.fill(0);
  const params = new Pkcs12PbeParams({
    salt: new OctetString(salt),
    iterations: options.iterations,
  });
  return {
    algorithm: new AlgorithmIdentifier({ algorithm, parameters: serializeAsn(params).buffer }),
    ciphertext,
  };
}
