/**
 * JCEKS, the SunJCE keystore (`keystore-formats.md` section 4; OpenJDK
 * `com.sun.crypto.provider.JceKeyStore`): read only.
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
import { equalBytes } from '../bytes.js';
import { TAG, expectWhole } from './der.js';
import { decodeUtf } from './java_io.js';
import {
  JCEKS_MAGIC,
  keyPasswordFor,
  readJavaKeystoreFile,
  resolveReadOptions,
  type RawEntry,
  type ResolvedReadOptions,
} from './java_keystore.js';
import { JCE_PBE_OID_DER, jcePbeDecrypt, parsePbeParameter } from './jce_pbe.js';
import { checkPkcs8Shape, decodeRawCert } from './jks.js';
import {
  isKeyProtectorOid,
  parseEncryptedPrivateKeyInfo,
  recoverProtectedKey,
} from './key_protector.js';
import {
  looksSerialized,
  readSealedKey,
  readSecretKeyObject,
  type SealedKey,
} from './java_serial.js';
import type { Keystore, KeystoreEntry, ReadKeystoreOptions } from './model.js';

const JCE_PBE_NAME = 'PBEWithMD5AndTripleDES';

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
): KeystoreEntry {
  const epki = parseEncryptedPrivateKeyInfo(e.protectedKey);
  const keyPassword = keyPasswordFor(alias, password, options);
  let pkcs8: Uint8Array;
  if (equalBytes(epki.oid, JCE_PBE_OID_DER)) {
    if (epki.params === undefined) {
      throw new KeystoreError('ERR_KEYSTORE_MALFORMED', 'JCEKS private key has no PBE parameters');
    }
    const params = parsePbeParameter(epki.params, options.maxIterations);
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
): KeystoreEntry {
  if (sealed.sealAlg !== JCE_PBE_NAME || sealed.paramsAlg !== JCE_PBE_NAME) {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      `JCEKS secret key sealed with ${JSON.stringify(sealed.sealAlg)} is not supported`,
    );
  }
  const params = parsePbeParameter(sealed.encodedParams, options.maxIterations);
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
  const entries = file.entries.map((e): KeystoreEntry => {
    const alias = decodeUtf(e.alias, 'alias', e.aliasAt);
    if (e.tag === 1) return decodePrivateKey(e, alias, password, opts);
    if (e.tag === 2) {
      return {
        kind: 'trustedCertificate',
        alias,
        date: e.date,
        certificate: decodeRawCert(e.cert, 'JCEKS'),
      };
    }
    return decodeSecretKey(e.sealed as SealedKey, alias, e.date, password, opts);
  });
  return { format: 'jceks', entries };
}
