/**
 * PKCS#12 writer (RFC 7292) with two profiles:
 *
 * - `modern` (default): JDK 17 keytool's defaults (docs/keystores.md, Format notes: "PKCS#12 profiles"). Keys as
 *   `pkcs8ShroudedKeyBag`s in a plain `data` safe, encrypted with PBES2 / PBKDF2-HMAC-SHA256 /
 *   AES-256-CBC (20-byte salts, explicit keyLength); certificates in an `encryptedData` safe with the
 *   same scheme; HMAC-SHA256 MAC keyed through the PKCS#12 KDF; 10,000 iterations everywhere.
 * - `legacy`: for consumers that cannot read PBES2 or a SHA-256 MAC (older Windows, Java and
 *   OpenSSL releases): pbeWithSHAAnd3-KeyTripleDES-CBC for key bags and the certificate safe,
 *   HMAC-SHA1 MAC. Not RC2-40, which OpenSSL `-legacy` writes but which is broken.
 *
 * Attributes follow Java so keytool lists what we mean: friendlyName (the alias) and localKeyId on
 * each key bag and its leaf certificate; chain CA certificates without attributes; trusted
 * certificates with friendlyName and Oracle's trusted attribute; secret keys as Java's secretBag.
 *
 * @module
 */
import { ContentInfo, EncryptedContent, EncryptedContentInfo } from '@peculiar/asn1-cms';
import type { PKCS12Attribute } from '@peculiar/asn1-pfx';
import {
  AuthenticatedSafe,
  CertBag,
  PFX,
  SafeBag,
  SafeContents,
  SecretBag,
} from '@peculiar/asn1-pfx';
import { EncryptedData, EncryptedPrivateKeyInfo, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { aint, astring, randomBytes, toHex, utf8, type Bytes } from '../../bytes.js';
import { MAX_ITERATIONS_CAP, type Keystore } from '../model.js';
import { serializeAsn } from '../pbe/asn1.js';
import { pbes2Encrypt, pkcs12PbeEncrypt } from '../pbe/pbe.js';
import {
  MAX_TIME_ID,
  friendlyNameAttribute,
  localKeyIdAttribute,
  trustedAttribute,
} from './attributes.js';
import { computeMac } from './mac.js';
import * as oid from './oids.js';
import { CmsEncryptedData } from './schemas.js';
import { secretKeyAlgorithmOid } from './secret_keys.js';
import { digest } from '../../hashes.js';

/** Options of {@link writePkcs12}. */
export interface WritePkcs12Options {
  /** `'modern'` (default: JDK 17 keytool's algorithms) or `'legacy'` (3DES + SHA-1 MAC). */
  readonly profile?: 'modern' | 'legacy';
  /** KDF iterations for keys and the certificate safe (default 10,000; 1,000 to 5,000,000). */
  readonly iterations?: number;
  /** MAC KDF iterations (default: `iterations`; 1,000 to 5,000,000). */
  readonly macIterations?: number;
}

/** keytool 17's iteration count for keys, certificates and the MAC. */
export const DEFAULT_PKCS12_ITERATIONS = 10_000;

interface Encryptor {
  (data: Uint8Array): { algorithm: AlgorithmIdentifier; ciphertext: Bytes };
}

function bag(bagId: string, value: Uint8Array, attributes: PKCS12Attribute[]): SafeBag {
  return new SafeBag({
    bagId,
    bagValue: value.slice().buffer,
    bagAttributes: attributes.length > 0 ? attributes : undefined,
  });
}

function dataContentInfo(content: Uint8Array): ContentInfo {
  return new ContentInfo({
    contentType: oid.OID_DATA,
    content: serializeAsn(new OctetString(content)).buffer,
  });
}

/**
 * A localKeyId for an entry that has none: Java's `"Time <ms>"` when dated, else random.
 *
 * Two keys with the same date would get the same id, which pairs keys with certificates, so a
 * later one gets leading zeros (`"Time 0<ms>"`, `"Time 00<ms>"`, ...): distinct bytes that Java
 * (`Long.parseLong`) and {@link dateFromLocalKeyId} read as the same date. Only when even the
 * longest form (40 bytes) is taken does the id become random, and the date is then not kept.
 */
function makeLocalKeyId(date: Date | undefined, used: Set<string>): Bytes {
  const ms = date?.getTime();
  if (ms !== undefined && !Number.isNaN(ms)) {
    const sign = ms < 0 ? '-' : '';
    const digits = String(Math.abs(ms));
    for (let zeros = 0; 5 + sign.length + zeros + digits.length <= MAX_TIME_ID; zeros++) {
      const id = utf8(`Time ${sign}${'0'.repeat(zeros)}${digits}`);
      if (!used.has(toHex(id))) return id;
    }
  }
  let id = randomBytes(20);
  while (used.has(toHex(id))) id = randomBytes(20);
  return id;
}

/**
 * Writes a keystore as PKCS#12 (RFC 7292). Readable by OpenSSL 3 (`-legacy` not needed for either
 * profile) and by keytool 17, which lists private keys as PrivateKeyEntry with their chains, trusted
 * certificates as trustedCertEntry and secret keys as SecretKeyEntry.
 *
 * One password protects the MAC, the certificate safe and every key, as Java and OpenSSL expect.
 * JDK 17 opens neither profile when the password is not ASCII (JDK 25 does; OpenSSL and this
 * library do). Aliases are written as given (Java lower-cases them on load); two entries whose
 * aliases differ only in case are refused, since Java would merge them. Private keys with an
 * empty chain are written but Java needs a certificate to list them.
 *
 * @param ks - the keystore (any format's model).
 * @param password - the store password.
 * @param options - `profile`, `iterations`, `macIterations`.
 * @returns the `.p12` bytes (DER).
 * @throws TypeError / RangeError for bad arguments, duplicate aliases, or a secret-key algorithm
 *   without a known OID.
 */
export function writePkcs12(
  ks: Keystore,
  password: string,
  options: WritePkcs12Options = {},
): Uint8Array {
  astring(password, 'password');
  if (
    ks === null ||
    typeof ks !== 'object' ||
    !Array.isArray((ks as { entries?: unknown }).entries)
  ) {
    throw new TypeError('"ks" expected a Keystore with an entries array');
  }
  const { profile, iterations, macIterations } = writeSettings(options);
  const encrypt = encryptorFor(profile, password, iterations);
  const { keyBags, certBags } = collectBags(ks.entries, shrouder(encrypt));

  // keytool's layout: keys in a plain data safe (they are already shrouded), then certificates
  // in a password-encrypted safe.
  const safes: ContentInfo[] = [];
  if (keyBags.length > 0) safes.push(dataContentInfo(serializeAsn(new SafeContents(keyBags))));
  if (certBags.length > 0) safes.push(encryptedSafe(certBags, encrypt));
  const authSafeContent = serializeAsn(new AuthenticatedSafe(safes));
  const pfx = new PFX({
    version: 3,
    authSafe: dataContentInfo(authSafeContent),
    macData: computeMac(
      authSafeContent,
      password,
      profile === 'modern' ? 'sha256' : 'sha1',
      macIterations,
    ),
  });
  return serializeAsn(pfx);
}

function writeSettings(options: WritePkcs12Options) {
  const profile = options.profile ?? 'modern';
  if (profile !== 'modern' && profile !== 'legacy') {
    throw new RangeError(`"options.profile" expected 'modern' or 'legacy', got ${String(profile)}`);
  }
  const iterations = aint(
    options.iterations ?? DEFAULT_PKCS12_ITERATIONS,
    'options.iterations',
    1000,
    MAX_ITERATIONS_CAP,
  );
  const macIterations = aint(
    options.macIterations ?? iterations,
    'options.macIterations',
    1000,
    MAX_ITERATIONS_CAP,
  );
  return { profile, iterations, macIterations };
}

// The profile's password-based encryption: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC; RFC 8018
// §6.2) for 'modern', the PKCS#12 3DES scheme (RFC 7292 Appendix C) for 'legacy'.
function encryptorFor(
  profile: 'modern' | 'legacy',
  password: string,
  iterations: number,
): Encryptor {
  return profile === 'modern'
    ? (data) =>
        pbes2Encrypt(data, password, {
          iterations,
          saltLength: 20,
          prf: 'sha256',
          cipher: 'aes-256-cbc',
        })
    : (data) =>
        pkcs12PbeEncrypt(data, password, { iterations, saltLength: 20, scheme: 'sha1-3des' });
}

// A key's EncryptedPrivateKeyInfo (RFC 5208 §6), as the shrouded-key bag holds it.
function shrouder(encrypt: Encryptor): (plain: Uint8Array) => Bytes {
  return (plain) => {
    const { algorithm, ciphertext } = encrypt(plain);
    return serializeAsn(
      new EncryptedPrivateKeyInfo({
        encryptionAlgorithm: algorithm,
        encryptedData: new EncryptedData(ciphertext),
      }),
    );
  };
}

function certBag(der: Uint8Array, attrs: PKCS12Attribute[]): SafeBag {
  const cb = new CertBag({
    certId: oid.OID_X509_CERTIFICATE,
    certValue: serializeAsn(new OctetString(der)).buffer,
  });
  return bag(oid.OID_CERT_BAG, serializeAsn(cb), attrs);
}

/** The bags of every entry: keys (shrouded) apart from certificates, as keytool writes them. */
function collectBags(
  entries: Keystore['entries'],
  shroud: (plain: Uint8Array) => Bytes,
): { keyBags: SafeBag[]; certBags: SafeBag[] } {
  const aliases = new Set<string>();
  const usedIds = new Set<string>();
  const keyBags: SafeBag[] = [];
  const certBags: SafeBag[] = [];
  const caWritten = new Set<string>();
  const newKeyId = (date: Date | undefined): Uint8Array => {
    const id = makeLocalKeyId(date, usedIds);
    usedIds.add(toHex(id));
    return id;
  };
  entries.forEach((entry, i) => {
    const label = `ks.entries[${i}]`;
    astring(entry.alias, `${label}.alias`);
    const lower = entry.alias.toLowerCase();
    if (aliases.has(lower)) {
      throw new RangeError(
        `"${label}.alias" duplicates another alias ignoring case: ${JSON.stringify(entry.alias)}`,
      );
    }
    aliases.add(lower);
    const name = friendlyNameAttribute(entry.alias);
    if (entry.kind === 'privateKey') {
      let id = entry.localKeyId;
      if (id === undefined) id = newKeyId(entry.date);
      else usedIds.add(toHex(id));
      keyBags.push(
        bag(oid.OID_SHROUDED_KEY_BAG, shroud(entry.pkcs8), [name, localKeyIdAttribute(id)]),
      );
      entry.chain.forEach((der, j) => {
        if (j === 0) {
          certBags.push(
            certBag(der, [friendlyNameAttribute(entry.alias), localKeyIdAttribute(id)]),
          );
          return;
        }
        const hex = toHex(digest('SHA-256', der));
        if (caWritten.has(hex)) return;
        caWritten.add(hex);
        certBags.push(certBag(der, []));
      });
    } else if (entry.kind === 'trustedCertificate') {
      certBags.push(certBag(entry.certificate, [name, trustedAttribute()]));
    } else if (entry.kind === 'secretKey') {
      const sb = secretBag(entry, label, shroud);
      keyBags.push(bag(oid.OID_SECRET_BAG, sb, [name, localKeyIdAttribute(newKeyId(entry.date))]));
    } else {
      throw new TypeError(`"${label}.kind" is not a known entry kind`);
    }
  });
  return { keyBags, certBags };
}

// Java's secret-key bag: a SecretBag whose value is a shrouded "PKCS#8"
// { 0, AlgorithmIdentifier { oid, NULL }, OCTET STRING key }.
function secretBag(
  entry: Extract<Keystore['entries'][number], { kind: 'secretKey' }>,
  label: string,
  shroud: (plain: Uint8Array) => Bytes,
): Bytes {
  const algOid = secretKeyAlgorithmOid(entry.algorithm);
  if (algOid === undefined) {
    throw new RangeError(
      `"${label}.algorithm" has no known OID: ${JSON.stringify(entry.algorithm)}`,
    );
  }
  const info = new PrivateKeyInfo({
    version: 0,
    privateKeyAlgorithm: new AlgorithmIdentifier({ algorithm: algOid, parameters: null }),
  });
  info.privateKey = new OctetString(entry.key) as PrivateKeyInfo['privateKey'];
  const plain = serializeAsn(info);
  const sb = new SecretBag({
    secretTypeId: oid.OID_SHROUDED_KEY_BAG,
    secretValue: serializeAsn(new OctetString(shroud(plain))).buffer,
  });
  plain.fill(0);
  return serializeAsn(sb);
}

// The certificates' safe: a CMS EncryptedData (RFC 5652 §8) under the store password.
function encryptedSafe(certBags: SafeBag[], encrypt: Encryptor): ContentInfo {
  const { algorithm, ciphertext } = encrypt(serializeAsn(new SafeContents(certBags)));
  const ed = new CmsEncryptedData({
    version: 0,
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: oid.OID_DATA,
      contentEncryptionAlgorithm: algorithm,
      encryptedContent: new EncryptedContent({ value: new OctetString(ciphertext) }),
    }),
  });
  return new ContentInfo({ contentType: oid.OID_ENCRYPTED_DATA, content: serializeAsn(ed).buffer });
}
