/**
 * SEPM's PEM server files from a keystore or an identity: the private key alone
 * (`apache/conf/ssl/server.key`) and the certificate chain alone (`apache/conf/ssl/server.crt`),
 * as two strings, so that no caller has to assemble them from {@link writePem} output and the key
 * never lands in the certificate file. Pure: the caller writes the files (the key with mode 0600).
 *
 * - `server.key`: RFC 7468 §10 `PRIVATE KEY` (PKCS#8 `PrivateKeyInfo`, RFC 5208 §5), or §11
 *   `ENCRYPTED PRIVATE KEY` (RFC 5208 §6; PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, RFC 8018)
 *   when a password is given. Apache reads an unencrypted key at start without a pass phrase.
 * - `server.crt`: RFC 7468 §5 `CERTIFICATE` blocks, the leaf first and then its issuers, the
 *   order mod_ssl's `SSLCertificateFile` expects.
 * - Each file starts with OpenSSL's `Bag Attributes` / `friendlyName: <alias>` text (RFC 7468 §2
 *   explanatory text, skipped by every PEM reader) so that the alias survives
 *   PEM -> JKS/PKCS#12; `friendlyNames: false` gives bare blocks.
 *
 * @module
 */
import { CertificateError, KeystoreError } from '../errors.js';
import { aint, astring } from '../bytes.js';
import type { ServerIdentity } from '../cert/types.js';
import { keystoreFromIdentity } from './identity.js';
import { assertKeystore } from './jks.js';
import { certMatchesKey, parseCert, pkcs8KeyObject } from './key_match.js';
import type { Keystore, PrivateKeyEntry } from './model.js';
import { encryptPkcs8 } from './pbe/encrypted_pkcs8.js';
import { bagAttributesText } from './pem_bag_attributes.js';
import { toPem } from './pem_codec.js';

/** What SEPM keeps as `server.key` and `server.crt`, as PEM text. */
export interface ServerFiles {
  /** The alias of the entry the files came from. */
  readonly alias: string;
  /** `server.key`: the private key alone (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY`). */
  readonly key: string;
  /** `server.crt`: the certificate chain, leaf first (`CERTIFICATE` blocks). */
  readonly cert: string;
}

/** How the files are written; shared by {@link serverFilesFromKeystore} and {@link serverFilesFromIdentity}. */
export interface ServerFilesWriteOptions {
  /**
   * Encrypt the key with this password (PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, RFC 8018
   * §6.2). Default: unencrypted, as SEPM's `server.key`, which Apache loads without a prompt.
   */
  readonly password?: string;
  /** PBKDF2 iteration count when encrypting (default 10,000; 1,000..5,000,000). */
  readonly iterations?: number;
  /**
   * Precede the key and the leaf certificate with `Bag Attributes` / `friendlyName: <alias>`
   * text as `openssl pkcs12` prints it (default true), so `readPem` restores the alias.
   */
  readonly friendlyNames?: boolean;
}

/** Options of {@link serverFilesFromKeystore}. */
export interface ServerFilesOptions extends ServerFilesWriteOptions {
  /**
   * The private-key entry to export (exact match, else the only one that matches ignoring case).
   * Required when the keystore has several private-key entries.
   */
  readonly alias?: string;
}

/** Options of {@link serverFilesFromIdentity}. */
export interface ServerFilesFromIdentityOptions extends ServerFilesWriteOptions {
  /** The alias written as `friendlyName` and returned as `alias` (default `'sepm'`). */
  readonly alias?: string;
  /** WebCrypto provider that exports the key (default: the identity's, else Node's). */
  readonly crypto?: Crypto;
}

const list = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');

/** The one private-key entry `alias` names, or the only one when no alias is given. */
function pickEntry(ks: Keystore, alias: string | undefined): PrivateKeyEntry {
  const keys = ks.entries.filter((e): e is PrivateKeyEntry => e.kind === 'privateKey');
  const names = keys.map((e) => e.alias);
  if (keys.length === 0) {
    const others =
      ks.entries.length === 0 ? 'no entries' : `only ${list(ks.entries.map((e) => e.alias))}`;
    throw new KeystoreError(
      'ERR_KEYSTORE_ENTRY_NOT_FOUND',
      `keystore has no private-key entry (it has ${others})`,
    );
  }
  if (alias === undefined) {
    if (keys.length > 1) {
      throw new KeystoreError(
        'ERR_KEYSTORE_ALIAS_REQUIRED',
        `keystore has ${keys.length} private-key entries (${list(names)}): give the alias of one`,
      );
    }
    return keys[0]!;
  }
  const exact = keys.find((e) => e.alias === alias);
  if (exact !== undefined) return exact;
  // JKS stores aliases lower-cased (keytool does), so `Tomcat` must still find `tomcat`.
  const folded = keys.filter((e) => e.alias.toLowerCase() === alias.toLowerCase());
  if (folded.length === 1) return folded[0]!;
  if (folded.length > 1) {
    throw new KeystoreError(
      'ERR_KEYSTORE_ALIAS_REQUIRED',
      `alias ${JSON.stringify(alias)} matches ${list(folded.map((e) => e.alias))} ignoring case: give one exactly`,
    );
  }
  const other = ks.entries.find((e) => e.alias.toLowerCase() === alias.toLowerCase());
  throw new KeystoreError(
    'ERR_KEYSTORE_ENTRY_NOT_FOUND',
    other !== undefined
      ? `keystore entry ${JSON.stringify(other.alias)} is a ${other.kind} entry, not a private key`
      : `keystore has no private-key entry with alias ${JSON.stringify(alias)} (it has ${list(names)})`,
  );
}

/** The two PEM texts of one private-key entry. */
function filesOf(entry: PrivateKeyEntry, options: ServerFilesWriteOptions): ServerFiles {
  const password =
    options.password === undefined ? undefined : astring(options.password, 'options.password');
  const iterations =
    options.iterations === undefined
      ? undefined
      : aint(options.iterations, 'options.iterations', 1000, 5_000_000);
  const names = options.friendlyNames ?? true;
  if (typeof names !== 'boolean') throw new TypeError('"options.friendlyNames" expected boolean');
  if (entry.chain.length === 0) {
    throw new KeystoreError(
      'ERR_KEYSTORE_ENTRY_NOT_FOUND',
      `keystore entry ${JSON.stringify(entry.alias)} has no certificate to write as server.crt`,
    );
  }
  let matches: boolean;
  try {
    matches = certMatchesKey(parseCert(entry.chain[0]!), pkcs8KeyObject(entry.pkcs8));
  } catch (e) {
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      `keystore entry ${JSON.stringify(entry.alias)} has a key or certificate that does not parse`,
      { cause: e },
    );
  }
  // A server.key that is not the server.crt's key stops Apache at start: refuse to write one.
  if (!matches) throw new CertificateError('ERR_CERT_KEY_MISMATCH');
  const head = names ? bagAttributesText(entry.alias) : '';
  const key =
    password === undefined
      ? toPem('PRIVATE KEY', entry.pkcs8)
      : toPem(
          'ENCRYPTED PRIVATE KEY',
          encryptPkcs8(entry.pkcs8, password, iterations === undefined ? {} : { iterations }),
        );
  return {
    alias: entry.alias,
    key: head + key,
    cert: head + entry.chain.map((c) => toPem('CERTIFICATE', c)).join(''),
  };
}

/**
 * SEPM's `server.key` and `server.crt` from a keystore: the private key of one entry and its
 * certificate chain, as two separate PEM texts (RFC 7468 §10/§11 and §5).
 *
 * @param ks - a keystore from any reader (`readJks`, `readPkcs12`, `readPem`, ...).
 * @param options - `alias` picks the entry; `password` encrypts the key; `friendlyNames`.
 * @returns `{ alias, key, cert }`.
 * @throws {@link KeystoreError} `ERR_KEYSTORE_ENTRY_NOT_FOUND` when the keystore has no
 * private-key entry, when `alias` names none (or names a certificate entry), or when the entry has
 * no certificate; `ERR_KEYSTORE_ALIAS_REQUIRED` when there are several private-key entries and no
 * `alias` (or `alias` matches several only ignoring case); `ERR_KEYSTORE_MALFORMED` when the key
 * or leaf certificate does not parse.
 * @throws {@link CertificateError} `ERR_CERT_KEY_MISMATCH` when the key is not the leaf's.
 * @throws TypeError / RangeError for a bad keystore object or option.
 *
 * @example Write SEPM's server.key (0600) and server.crt from keystore.jks
 * ```ts
 * const { key, cert } = serverFilesFromKeystore(readJks(bytes, 'changeit'), { alias: 'sepm' });
 * writeFileSync('server.key', key, { mode: 0o600 });
 * writeFileSync('server.crt', cert);
 * ```
 */
export function serverFilesFromKeystore(
  ks: Keystore,
  options: ServerFilesOptions = {},
): ServerFiles {
  assertKeystore(ks);
  if (typeof options !== 'object' || options === null)
    throw new TypeError('"options" expected an object');
  const alias = options.alias === undefined ? undefined : astring(options.alias, 'options.alias');
  return filesOf(pickEntry(ks, alias), options);
}

/**
 * SEPM's `server.key` and `server.crt` from a {@link ServerIdentity} (its key must be
 * extractable): the same texts as {@link serverFilesFromKeystore} gives for
 * `keystoreFromIdentity(identity, { alias })`.
 *
 * @param identity - the identity, e.g. from `generateServerIdentity`.
 * @param options - `alias` (the friendlyName, default `'sepm'`), `password`, `friendlyNames`, `crypto`.
 * @returns `{ alias, key, cert }`.
 * @throws {@link CertificateError} `ERR_CERT_KEY_MISMATCH` when the key is not the certificate's.
 * @throws TypeError when the identity is not one or its key is not extractable.
 *
 * @example Files for a new identity
 * ```ts
 * const { key, cert } = await serverFilesFromIdentity(await generateServerIdentity({ commonName: 'sepm' }));
 * ```
 */
export async function serverFilesFromIdentity(
  identity: ServerIdentity,
  options: ServerFilesFromIdentityOptions = {},
): Promise<ServerFiles> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('"options" expected an object');
  const alias = options.alias === undefined ? 'sepm' : astring(options.alias, 'options.alias');
  const crypto = options.crypto ?? identity?.crypto;
  const ks = await keystoreFromIdentity(identity, {
    alias,
    format: 'pem',
    ...(crypto !== undefined ? { crypto } : {}),
  });
  return filesOf(ks.entries[0] as PrivateKeyEntry, options);
}
