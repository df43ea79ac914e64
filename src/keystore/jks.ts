/**
 * JKS, the original Java KeyStore format (docs/keystores.md, Format notes: "JKS layout"; OpenJDK
 * `sun.security.provider.JavaKeyStore`): read versions 1 and 2, write version 2 (or 1 on
 * request) exactly as keytool does.
 *
 * Legacy cryptography, kept for interoperability with SEPM's `tomcat/etc/keystore.jks`: the
 * private keys are protected by Sun's SHA-1 KeyProtector and the file by a SHA-1 digest keyed
 * with the store password. Prefer PKCS#12 for new files.
 *
 * @module
 */
import { KeystoreError } from '../errors.js';
import { astring, copyBytes } from '../bytes.js';
import { DerError, TAG, expectWhole } from './der.js';
import { decodeUtf } from './java_io.js';
import {
  JKS_MAGIC,
  finishJavaKeystoreFile,
  keyPasswordFor,
  readJavaKeystoreFile,
  resolveReadOptions,
  startJavaKeystoreFile,
  type RawCert,
  type RawEntry,
  type ResolvedReadOptions,
} from './java_keystore.js';
import {
  isKeyProtectorOid,
  parseEncryptedPrivateKeyInfo,
  protectKey,
  recoverProtectedKey,
} from './key_protector.js';
import type { Keystore, KeystoreEntry, ReadKeystoreOptions } from './model.js';

/** Options of {@link writeJks}. */
export interface WriteJksOptions {
  /** Per-alias key passwords where they differ from the store password (aliases as given or lower-cased). */
  readonly keyPasswords?: Readonly<Record<string, string>>;
  /** File version: 2 (the default, what Java writes) or 1 (no certificate type strings). */
  readonly version?: 1 | 2;
  /** Creation date for entries that have none (default: the current time, as Java does). */
  readonly now?: Date;
}

const X509_TYPE = new TextEncoder().encode('X.509');

/** Checks and copies a certificate framed from a JKS/JCEKS file. */
export function decodeRawCert(c: RawCert, formatName: string): Uint8Array {
  if (
    c.type !== undefined &&
    !(c.type.length === 5 && c.type.every((b, i) => b === X509_TYPE[i]))
  ) {
    const type = decodeUtf(c.type, 'certificate type', c.typeAt);
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      `${formatName} certificate type ${JSON.stringify(type)} is not supported`,
    );
  }
  try {
    expectWhole(c.der, TAG.SEQUENCE);
  } catch (e) {
    throw new KeystoreError('ERR_KEYSTORE_MALFORMED', `${formatName} certificate is not DER`, {
      cause: e,
    });
  }
  return copyBytes(c.der);
}

/** Checks that recovered key bytes are one DER SEQUENCE (a PKCS#8 `PrivateKeyInfo`). */
export function checkPkcs8Shape(pkcs8: Uint8Array): void {
  try {
    expectWhole(pkcs8, TAG.SEQUENCE);
  } catch (e) {
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      'recovered private key is not a PKCS#8 structure',
      { cause: e },
    );
  }
}

/** Decodes a JKS private-key (tag 1) entry protected by the KeyProtector. */
function decodeJksKey(
  e: Extract<RawEntry, { tag: 1 }>,
  alias: string,
  password: string,
  options: ResolvedReadOptions,
): KeystoreEntry {
  const epki = parseEncryptedPrivateKeyInfo(e.protectedKey);
  if (!isKeyProtectorOid(epki.oid)) {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      'JKS private key uses an algorithm other than the Sun KeyProtector',
    );
  }
  if (
    epki.params !== undefined &&
    !(epki.params.length === 2 && epki.params[0] === TAG.NULL && epki.params[1] === 0)
  ) {
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      'JKS KeyProtector parameters must be NULL or absent',
      {
        cause: new DerError('unexpected parameters'),
      },
    );
  }
  const pkcs8 = recoverProtectedKey(epki.data, keyPasswordFor(alias, password, options));
  checkPkcs8Shape(pkcs8);
  return {
    kind: 'privateKey',
    alias,
    date: e.date,
    pkcs8,
    chain: e.chain.map((c) => decodeRawCert(c, 'JKS')),
  };
}

/**
 * Reads a JKS keystore (version 1 or 2). The integrity digest is verified with `password`
 * before any entry is decoded; private keys are recovered with `options.keyPasswords[alias]`,
 * else with `password`. Aliases are returned exactly as stored.
 *
 * @param bytes - the file.
 * @param password - the store password (`""` is a valid password, not "no password").
 * @param options - key passwords and limits.
 * @returns the entries in file order, `format: 'jks'`.
 * @throws {@link KeystoreError} `ERR_KEYSTORE_INTEGRITY` (wrong password or tampered file),
 * `ERR_KEYSTORE_MALFORMED`, `ERR_KEYSTORE_UNSUPPORTED`, `ERR_KEYSTORE_LIMIT_EXCEEDED`,
 * `ERR_KEYSTORE_KEY_UNRECOVERABLE` (wrong key password).
 *
 * @example Read SEPM's keystore.jks
 * ```ts
 * const ks = readJks(readFileSync('keystore.jks'), 'changeit');
 * const identity = await identityFromKeystore(ks);
 * ```
 */
export function readJks(
  bytes: Uint8Array,
  password: string,
  options?: ReadKeystoreOptions,
): Keystore {
  const opts = resolveReadOptions(options);
  const file = readJavaKeystoreFile(bytes, password, opts, { magic: JKS_MAGIC, formatName: 'JKS' });
  const entries = file.entries.map((e): KeystoreEntry => {
    const alias = decodeUtf(e.alias, 'alias', e.aliasAt);
    if (e.tag === 1) return decodeJksKey(e, alias, password, opts);
    if (e.tag === 2) {
      return {
        kind: 'trustedCertificate',
        alias,
        date: e.date,
        certificate: decodeRawCert(e.cert, 'JKS'),
      };
    }
    // Unreachable: the JKS framing has no tag-3 reader.
    throw new KeystoreError('ERR_KEYSTORE_MALFORMED', 'unexpected JKS entry');
  });
  return { format: 'jks', entries };
}

/** Checks a keystore argument's shape (caller bugs -> `TypeError`). */
export function assertKeystore(ks: unknown, label = 'ks'): asserts ks is Keystore {
  if (typeof ks !== 'object' || ks === null || !Array.isArray((ks as Keystore).entries)) {
    throw new TypeError(`"${label}" expected a Keystore ({ format, entries })`);
  }
  for (const [i, e] of (ks as Keystore).entries.entries()) {
    if (typeof e !== 'object' || e === null || typeof e.alias !== 'string') {
      throw new TypeError(`"${label}.entries[${i}]" expected an entry with a string alias`);
    }
    const ok =
      (e.kind === 'privateKey' &&
        e.pkcs8 instanceof Uint8Array &&
        Array.isArray(e.chain) &&
        e.chain.every((c) => c instanceof Uint8Array)) ||
      (e.kind === 'trustedCertificate' && e.certificate instanceof Uint8Array) ||
      (e.kind === 'secretKey' && e.key instanceof Uint8Array && typeof e.algorithm === 'string');
    if (!ok) throw new TypeError(`"${label}.entries[${i}]" is not a valid keystore entry`);
    if (e.date !== undefined && !(e.date instanceof Date && Number.isFinite(e.date.getTime()))) {
      throw new TypeError(`"${label}.entries[${i}].date" expected a valid Date`);
    }
  }
}

/**
 * The aliases a JKS/JCEKS writer stores: lower-cased as keytool does (Java looks entries up by
 * `toLowerCase(Locale.ENGLISH)`, so an upper-case alias in a file is listed but unreachable);
 * two aliases that collide once lower-cased are refused.
 */
export function javaAliases(ks: Keystore, formatName: string): string[] {
  const seen = new Set<string>();
  return ks.entries.map((e) => {
    const alias = e.alias.toLowerCase();
    if (seen.has(alias)) {
      throw new KeystoreError(
        'ERR_KEYSTORE_UNSUPPORTED',
        `two ${formatName} entries share the alias ${JSON.stringify(alias)} once lower-cased`,
      );
    }
    seen.add(alias);
    return alias;
  });
}

/** The key password a writer uses for an entry: keyPasswords by original or lower-cased alias, else the store password. */
export function writeKeyPassword(
  keyPasswords: Readonly<Record<string, string>> | undefined,
  original: string,
  lower: string,
  password: string,
): string {
  if (keyPasswords) {
    if (Object.hasOwn(keyPasswords, original))
      return astring(keyPasswords[original], `keyPasswords[${JSON.stringify(original)}]`);
    if (Object.hasOwn(keyPasswords, lower))
      return astring(keyPasswords[lower], `keyPasswords[${JSON.stringify(lower)}]`);
  }
  return password;
}

/**
 * Writes a JKS keystore as keytool does: version 2, aliases lower-cased and in modified UTF-8,
 * each private key under the Sun KeyProtector with a fresh salt, certificates typed `X.509`, and
 * the SHA-1 integrity digest keyed by `password`.
 *
 * @param ks - the keystore; its `format` is ignored.
 * @param password - the store password (also the default key password).
 * @param options - per-alias key passwords, the version, the date for undated entries.
 * @returns the file bytes.
 * @throws {@link KeystoreError} `ERR_KEYSTORE_UNSUPPORTED` for a secret-key entry (JKS cannot
 * hold one: use JCEKS or PKCS#12), aliases equal once lower-cased, or an alias over 65535
 * bytes of modified UTF-8.
 *
 * @example Write SEPM's keystore.jks from an identity
 * ```ts
 * const ks = await keystoreFromIdentity(identity, { alias: 'sepm' });
 * writeFileSync('keystore.jks', writeJks(ks, 'changeit'));
 * ```
 */
export function writeJks(
  ks: Keystore,
  password: string,
  options: WriteJksOptions = {},
): Uint8Array {
  assertKeystore(ks);
  astring(password, 'password');
  const version = options.version ?? 2;
  if (version !== 1 && version !== 2) throw new RangeError('"options.version" expected 1 or 2');
  const now = options.now ?? new Date();
  const aliases = javaAliases(ks, 'JKS');
  const w = startJavaKeystoreFile(JKS_MAGIC, version, ks.entries.length);
  const cert = (der: Uint8Array): void => {
    if (version === 2) w.utf('X.509', 'certificate type');
    w.block(der);
  };
  ks.entries.forEach((e, i) => {
    const alias = aliases[i]!;
    if (e.kind === 'secretKey') {
      throw new KeystoreError(
        'ERR_KEYSTORE_UNSUPPORTED',
        `JKS cannot hold the secret key ${JSON.stringify(e.alias)}: use JCEKS or PKCS#12`,
      );
    }
    w.u32(e.kind === 'privateKey' ? 1 : 2)
      .utf(alias, 'alias')
      .date(e.date ?? now);
    if (e.kind === 'privateKey') {
      const keyPassword = writeKeyPassword(options.keyPasswords, e.alias, alias, password);
      w.block(protectKey(e.pkcs8, keyPassword)).u32(e.chain.length);
      e.chain.forEach(cert);
    } else {
      cert(e.certificate);
    }
  });
  return finishJavaKeystoreFile(w.finish(), password);
}
