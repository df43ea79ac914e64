/**
 * Conversions between a keystore entry and a {@link ServerIdentity} (WebCrypto key +
 * `@peculiar/x509` certificates), so that any readable keystore becomes a usable identity and any
 * identity can be written in every format.
 *
 * @module
 */
import { KeystoreError, CertificateError } from '../errors.js';
import { astring, copyBytes } from '../bytes.js';
import { X509Certificate } from '../cert/x509.js';
import { aprovider, type CryptoProvider } from '../cert/provider.js';
import type { ServerIdentity } from '../cert/types.js';
import { assertKeystore } from './jks.js';
import { certMatchesKey, parseCert, pkcs8KeyObject } from './key_match.js';
import type { Keystore, KeystoreFormat, PrivateKeyEntry } from './model.js';

/** Options of {@link identityFromKeystore}. */
export interface IdentityFromKeystoreOptions {
  /** The private-key entry to use (exact, else case-insensitive match); default the first one. */
  readonly alias?: string;
  /** WebCrypto provider that imports the key; default Node's `crypto.webcrypto`. */
  readonly crypto?: CryptoProvider;
}

/** Options of {@link keystoreFromIdentity}. */
export interface KeystoreFromIdentityOptions {
  /** Alias of the private-key entry. */
  readonly alias: string;
  /** The `format` label of the result (default `'jks'`, SEPM's `keystore.jks`). */
  readonly format?: KeystoreFormat;
  /** Creation date of the entry (default: none; writers use the current time). */
  readonly date?: Date;
  /** WebCrypto provider that exports the key; default Node's `crypto.webcrypto`. */
  readonly crypto?: CryptoProvider;
}

/** Node's curve names for the WebCrypto named curves. */
const CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

function findEntry(ks: Keystore, alias: string | undefined): PrivateKeyEntry {
  const keys = ks.entries.filter((e): e is PrivateKeyEntry => e.kind === 'privateKey');
  if (alias === undefined) {
    const first = keys[0];
    if (first === undefined)
      throw new KeystoreError('ERR_KEYSTORE_ENTRY_NOT_FOUND', 'keystore has no private-key entry');
    return first;
  }
  const found =
    keys.find((e) => e.alias === alias) ??
    keys.find((e) => e.alias.toLowerCase() === alias.toLowerCase());
  if (found === undefined) {
    throw new KeystoreError(
      'ERR_KEYSTORE_ENTRY_NOT_FOUND',
      `keystore has no private-key entry with alias ${JSON.stringify(alias)}`,
    );
  }
  return found;
}

/**
 * Turns a private-key entry into a {@link ServerIdentity}: the PKCS#8 key imported through
 * WebCrypto (RSA as RSASSA-PKCS1-v1_5 / SHA-256, EC as ECDSA on its curve; extractable, usage
 * `sign`), the chain as `X509Certificate`s. The key must belong to the leaf certificate.
 *
 * @param ks - a keystore from any reader.
 * @param options - which alias; the WebCrypto provider.
 * @returns the identity; `chain` is the entry's whole chain, leaf first.
 * @throws {@link KeystoreError} `ERR_KEYSTORE_ENTRY_NOT_FOUND` (no private-key entry, no such
 * alias, or an entry without certificates), `ERR_KEYSTORE_UNSUPPORTED` (a key type other than
 * RSA or EC P-256/384/521), `ERR_KEYSTORE_MALFORMED` (a key or certificate that does not parse).
 * @throws {@link CertificateError} `ERR_CERT_KEY_MISMATCH` when the key is not the leaf
 * certificate's.
 *
 * @example Load SEPM's keystore.jks as an identity
 * ```ts
 * const identity = await identityFromKeystore(readJks(bytes, 'changeit'), { alias: 'sepm' });
 * ```
 */
export async function identityFromKeystore(
  ks: Keystore,
  options: IdentityFromKeystoreOptions = {},
): Promise<ServerIdentity> {
  assertKeystore(ks);
  const alias = options.alias === undefined ? undefined : astring(options.alias, 'options.alias');
  const crypto = aprovider(options.crypto);
  const entry = findEntry(ks, alias);
  if (entry.chain.length === 0) {
    throw new KeystoreError(
      'ERR_KEYSTORE_ENTRY_NOT_FOUND',
      `keystore entry ${JSON.stringify(entry.alias)} has no certificate`,
    );
  }
  let keyObject;
  try {
    keyObject = pkcs8KeyObject(entry.pkcs8);
  } catch (e) {
    throw new KeystoreError('ERR_KEYSTORE_MALFORMED', 'private key is not a valid PKCS#8 key', {
      cause: e,
    });
  }
  let leaf;
  let chain: X509Certificate[];
  try {
    leaf = parseCert(entry.chain[0]!);
    chain = entry.chain.map((der) => new X509Certificate(copyBytes(der)));
  } catch (e) {
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      'keystore certificate is not a valid X.509 certificate',
      { cause: e },
    );
  }
  if (!certMatchesKey(leaf, keyObject)) throw new CertificateError('ERR_CERT_KEY_MISMATCH');
  let algorithm: RsaHashedImportParams | EcKeyImportParams;
  if (keyObject.type === 'rsa') {
    algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else if (keyObject.type === 'ec' && CURVES[keyObject.namedCurve ?? ''] !== undefined) {
    algorithm = { name: 'ECDSA', namedCurve: CURVES[keyObject.namedCurve!]! };
  } else {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      `private key type ${keyObject.type ?? 'unknown'} cannot become an identity (RSA or EC P-256/384/521)`,
    );
  }
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey('pkcs8', copyBytes(entry.pkcs8), algorithm, true, [
      'sign',
    ]);
  } catch (e) {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      'WebCrypto could not import the private key',
      { cause: e },
    );
  }
  return { certificate: chain[0]!, privateKey, chain };
}

/**
 * Turns a {@link ServerIdentity} into a keystore with one private-key entry holding the key
 * (exported as PKCS#8; the key must be extractable) and the chain, leaf first (the certificate
 * is put first when `identity.chain` does not start with it). Write it with any writer.
 *
 * @param identity - the identity.
 * @param options - the alias, the format label, the entry date, the WebCrypto provider.
 * @returns the keystore.
 * @throws TypeError when the identity's key is not extractable or the arguments are wrong.
 *
 * @example SEPM's keystore.jks, server.key and server.crt from a generated identity
 * ```ts
 * const ks = await keystoreFromIdentity(identity, { alias: 'sepm' });
 * writeFileSync('keystore.jks', writeJks(ks, 'changeit'));
 * writeFileSync('server.key', writePem(ks));
 * ```
 */
export async function keystoreFromIdentity(
  identity: ServerIdentity,
  options: KeystoreFromIdentityOptions,
): Promise<Keystore> {
  // Duck-typed, not instanceof: a caller may hold certificates from another copy of
  // @peculiar/x509 (or the other build of this package).
  if (
    typeof identity !== 'object' ||
    identity === null ||
    !(identity.certificate?.rawData instanceof ArrayBuffer)
  ) {
    throw new TypeError(
      '"identity" expected a ServerIdentity ({ certificate, privateKey, chain })',
    );
  }
  if (typeof options !== 'object' || options === null)
    throw new TypeError('"options" expected an object with alias');
  const alias = astring(options.alias, 'options.alias');
  const crypto = aprovider(options.crypto);
  if (!identity.privateKey || identity.privateKey.extractable !== true) {
    throw new TypeError('"identity.privateKey" must be an extractable CryptoKey');
  }
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', identity.privateKey));
  const leaf = new Uint8Array(identity.certificate.rawData);
  const chain = (identity.chain ?? []).map((c) => new Uint8Array(c.rawData));
  const first = chain[0];
  if (first === undefined || first.length !== leaf.length || !first.every((b, i) => b === leaf[i]))
    chain.unshift(leaf);
  return {
    format: options.format ?? 'jks',
    entries: [{ kind: 'privateKey', alias, date: options.date, pkcs8, chain }],
  };
}
