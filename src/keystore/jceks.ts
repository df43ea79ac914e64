/**
 * JCEKS, the SunJCE keystore (docs/keystores.md, Format notes: "JCEKS"; OpenJDK
 * `com.sun.crypto.provider.JceKeyStore`): read and write.
 *
 * Same framing and SHA-1 integrity digest as JKS, plus:
 * - private keys under Sun's PBEWithMD5AndTripleDES (or, as Java also accepts, the JKS
 *   KeyProtector);
 * - secret keys (tag 3) stored as a serialized `SealedObjectForKeyProtector`, read by a strict
 *   byte-template reader ({@link readSealedKey}), never by a general Java deserializer.
 *
 * Legacy cryptography (MD5, 3DES, SHA-1), kept for interoperability.
 *
 * @module
 */
import { KeystoreError } from '../errors.js';
import { aint, astring, equalBytes, randomBytes } from '../bytes.js';
import { TAG, expectWhole, tlv } from './der.js';
import { decodeUtf } from './java_io.js';
import {
  JCEKS_MAGIC,
  finishJavaKeystoreFile,
  keyPasswordFor,
  readJavaKeystoreFile,
  resolveReadOptions,
  startJavaKeystoreFile,
  type RawEntry,
  type ResolvedReadOptions,
} from './java_keystore.js';
import {
  JCE_PBE_OID_DER,
  encodePbeParameter,
  jcePbeDecrypt,
  jcePbeEncrypt,
  parsePbeParameter,
  type PbeParameter,
} from './jce_pbe.js';
import {
  assertKeystore,
  checkPkcs8Shape,
  decodeRawCert,
  javaAliases,
  writeKeyPassword,
} from './jks.js';
import {
  isKeyProtectorOid,
  parseEncryptedPrivateKeyInfo,
  recoverProtectedKey,
} from './key_protector.js';
import {
  looksSerialized,
  readSealedKey,
  readSecretKeyObject,
  writeSealedKey,
  writeSecretKeySpec,
  type SealedKey,
} from './java_serial.js';
import type { Keystore, KeystoreEntry, ReadKeystoreOptions } from './model.js';

const JCE_PBE_NAME = 'PBEWithMD5AndTripleDES';

/**
 * Total KDF iterations one JCEKS file may spend, in units of `maxIterations`: 64 entries at
 * keytool's 200,000 with the default cap (about 20 s of MD5); raise `maxIterations` for more.
 */
const JCEKS_KDF_BUDGET_FACTOR = 64;

function isPkcs8Shape(p: Uint8Array): boolean {
  try {
    expectWhole(p, TAG.SEQUENCE);
    return true;
  } catch {
    return false;
  }
}

function decodePrivateKey(
  e: Extract<RawEntry, { tag: 1 }>,
  alias: string,
  password: string,
  options: ResolvedReadOptions,
  budget: { remaining: number },
): KeystoreEntry {
  const epki = parseEncryptedPrivateKeyInfo(e.protectedKey);
  const keyPassword = keyPasswordFor(alias, password, options);
  let pkcs8: Uint8Array;
  if (equalBytes(epki.oid, JCE_PBE_OID_DER)) {
    if (epki.params === undefined) {
      throw new KeystoreError('ERR_KEYSTORE_MALFORMED', 'JCEKS private key has no PBE parameters');
    }
    const params = parsePbeParameter(epki.params, options.maxIterations, budget);
    pkcs8 = jcePbeDecrypt(epki.data, keyPassword, params, (p) => (isPkcs8Shape(p) ? p : undefined));
  } else if (isKeyProtectorOid(epki.oid)) {
    pkcs8 = recoverProtectedKey(epki.data, keyPassword);
    checkPkcs8Shape(pkcs8);
  } else {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      'JCEKS private key uses an unsupported protection algorithm',
    );
  }
  return {
    kind: 'privateKey',
    alias,
    date: e.date,
    pkcs8,
    chain: e.chain.map((c) => decodeRawCert(c, 'JCEKS')),
  };
}

function decodeSecretKey(
  sealed: SealedKey,
  alias: string,
  date: Date,
  password: string,
  options: ResolvedReadOptions,
  budget: { remaining: number },
): KeystoreEntry {
  if (sealed.sealAlg !== JCE_PBE_NAME || sealed.paramsAlg !== JCE_PBE_NAME) {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      `JCEKS secret key sealed with ${JSON.stringify(sealed.sealAlg)} is not supported`,
    );
  }
  const params = parsePbeParameter(sealed.encodedParams, options.maxIterations, budget);
  const key = jcePbeDecrypt(
    sealed.encryptedContent,
    keyPasswordFor(alias, password, options),
    params,
    (p) => (looksSerialized(p) ? readSecretKeyObject(p) : undefined),
  );
  return { kind: 'secretKey', alias, date, algorithm: key.algorithm, key: key.key };
}

/**
 * Reads a JCEKS keystore: private keys, trusted certificates and secret keys
 * (`SecretKeySpec`, e.g. from `keytool -genseckey`, or `KeyRep` secrets from
 * `keytool -importpass`). The integrity digest is verified with `password` before any entry is
 * decoded, and every iteration count is checked against `options.maxIterations` before its KDF
 * runs (keytool writes 200,000, the default cap).
 *
 * @param bytes - the file.
 * @param password - the store password.
 * @param options - per-alias key passwords (default: the store password) and limits.
 * @returns the entries in file order, `format: 'jceks'`.
 * @throws {@link KeystoreError} `ERR_KEYSTORE_INTEGRITY`, `ERR_KEYSTORE_MALFORMED`,
 * `ERR_KEYSTORE_UNSUPPORTED` (an entry other than the accepted shapes),
 * `ERR_KEYSTORE_LIMIT_EXCEEDED` (size or iteration count), `ERR_KEYSTORE_KEY_UNRECOVERABLE`.
 *
 * @example Read an AES key stored by keytool -genseckey
 * ```ts
 * const ks = readJceks(bytes, 'changeit');
 * const aes = ks.entries.find((e) => e.kind === 'secretKey' && e.alias === 'aeskey');
 * ```
 */
export function readJceks(
  bytes: Uint8Array,
  password: string,
  options?: ReadKeystoreOptions,
): Keystore {
  const opts = resolveReadOptions(options);
  const file = readJavaKeystoreFile(bytes, password, opts, {
    magic: JCEKS_MAGIC,
    formatName: 'JCEKS',
    tag3: readSealedKey,
  });
  // All KDFs of one file share a budget, so a file of many tiny entries cannot pin the CPU.
  const budget = { remaining: JCEKS_KDF_BUDGET_FACTOR * opts.maxIterations };
  const entries = file.entries.map((e): KeystoreEntry => {
    const alias = decodeUtf(e.alias, 'alias', e.aliasAt);
    if (e.tag === 1) return decodePrivateKey(e, alias, password, opts, budget);
    if (e.tag === 2) {
      return {
        kind: 'trustedCertificate',
        alias,
        date: e.date,
        certificate: decodeRawCert(e.cert, 'JCEKS'),
      };
    }
    return decodeSecretKey(e.sealed as SealedKey, alias, e.date, password, opts, budget);
  });
  return { format: 'jceks', entries };
}

/** Options of {@link writeJceks}. */
export interface WriteJceksOptions {
  /** Per-alias key passwords where they differ from the store password (aliases as given or lower-cased). */
  readonly keyPasswords?: Readonly<Record<string, string>>;
  /**
   * PBEWithMD5AndTripleDES iteration count: 10,000 to 5,000,000, Java's accepted range (default
   * 200,000, what JDK 17 writes; each key then costs ~0.5 s to protect and to open).
   */
  readonly iterations?: number;
  /** Creation date for entries that have none (default: the current time, as Java does). */
  readonly now?: Date;
}

/** Java's default JCEKS iteration count (`jdk.jceks.iterationCount`). */
export const DEFAULT_JCEKS_ITERATIONS = 200_000;

/** Fresh PBE parameters: 8 random salt bytes whose halves differ (current JDKs refuse equal ones). */
function freshParams(iterations: number): PbeParameter {
  for (;;) {
    const salt = randomBytes(8);
    if (!equalBytes(salt.subarray(0, 4), salt.subarray(4, 8))) return { salt, iterations };
  }
}

/**
 * JDK 17 (like every JDK before 25) accepts only printable ASCII for PBE key passwords
 * ("Password is not ASCII"), so a JCEKS key under any other password could not be opened there.
 */
function checkJcePassword(password: string, alias: string): void {
  if (!/^[\x20-\x7e]*$/.test(password)) {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      `JCEKS key password of ${JSON.stringify(alias)} is not printable ASCII, which JDK 17 requires`,
    );
  }
}

/**
 * Writes a JCEKS keystore as the SunJCE provider does: version 2, lower-cased modified-UTF-8
 * aliases, private keys under PBEWithMD5AndTripleDES, trusted certificates, secret keys as a
 * sealed `SecretKeySpec` (exactly the serialization bytes Java writes), and the SHA-1 integrity
 * digest keyed by `password`.
 *
 * @param ks - the keystore; its `format` is ignored.
 * @param password - the store password (also the default key password).
 * @param options - per-alias key passwords, the iteration count, the date for undated entries.
 * @returns the file bytes.
 * @throws {@link KeystoreError} `ERR_KEYSTORE_UNSUPPORTED` for a key password that is not
 * printable ASCII (JDK 17 could not open it), aliases equal once lower-cased, or an alias over
 * 65535 bytes of modified UTF-8.
 *
 * @example Store an AES key for a Java application
 * ```ts
 * const ks: Keystore = { format: 'jceks', entries: [{ kind: 'secretKey', alias: 'aes', algorithm: 'AES', key }] };
 * writeFileSync('secrets.jceks', writeJceks(ks, 'changeit'));
 * ```
 */
export function writeJceks(
  ks: Keystore,
  password: string,
  options: WriteJceksOptions = {},
): Uint8Array {
  assertKeystore(ks);
  astring(password, 'password');
  const iterations = aint(
    options.iterations ?? DEFAULT_JCEKS_ITERATIONS,
    'options.iterations',
    10_000,
    5_000_000,
  );
  const now = options.now ?? new Date();
  const aliases = javaAliases(ks, 'JCEKS');
  const w = startJavaKeystoreFile(JCEKS_MAGIC, 2, ks.entries.length);
  ks.entries.forEach((e, i) => {
    const alias = aliases[i]!;
    const tag = e.kind === 'privateKey' ? 1 : e.kind === 'trustedCertificate' ? 2 : 3;
    w.u32(tag)
      .utf(alias, 'alias')
      .date(e.date ?? now);
    if (e.kind === 'trustedCertificate') {
      w.utf('X.509', 'certificate type').block(e.certificate);
      return;
    }
    const keyPassword = writeKeyPassword(options.keyPasswords, e.alias, alias, password);
    checkJcePassword(keyPassword, e.alias);
    const params = freshParams(iterations);
    if (e.kind === 'privateKey') {
      const epki = tlv(
        TAG.SEQUENCE,
        tlv(TAG.SEQUENCE, JCE_PBE_OID_DER, encodePbeParameter(params)),
        tlv(TAG.OCTET_STRING, jcePbeEncrypt(e.pkcs8, keyPassword, params)),
      );
      w.block(epki).u32(e.chain.length);
      for (const c of e.chain) w.utf('X.509', 'certificate type').block(c);
    } else {
      const plain = writeSecretKeySpec(e.algorithm, e.key);
      w.bytes(
        writeSealedKey(encodePbeParameter(params), jcePbeEncrypt(plain, keyPassword, params)),
      );
      plain.fill(0);
    }
  });
  return finishJavaKeystoreFile(w.finish(), password);
}
