/**
 * PKCS#12 reader (RFC 7292): verifies the MAC first, then decrypts the safes and bags and returns
 * the keystore model.
 *
 * Order of work, chosen so that hostile input costs little: size check, BER-to-DER of the outer
 * PFX, MAC iteration count against `maxIterations`, MAC check in constant time (nothing is
 * decrypted or returned before it passes), then each safe and bag, with every KDF's iteration
 * count checked before it runs and a work budget shared by the whole file.
 *
 * @module
 */
import type { ContentInfo } from '@peculiar/asn1-cms';
import type { SafeBag } from '@peculiar/asn1-pfx';
import { AuthenticatedSafe, CertBag, PFX, SafeContents, SecretBag } from '@peculiar/asn1-pfx';
import { EncryptedPrivateKeyInfo, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { KeystoreError } from '../../errors.js';
import { abytes, astring, concatBytes } from '../../bytes.js';
import {
  resolveReadLimits,
  type Keystore,
  type KeystoreEntry,
  type ReadKeystoreOptions,
} from '../model.js';
import {
  asBytes,
  berToDer,
  countDerChildren,
  derChildren,
  parseAsn,
  octetStringContent,
  parseDer,
  type DerElement,
} from '../pbe/asn1.js';
import { decryptEpki, isPrivateKeyInfo } from '../pbe/encrypted_pkcs8.js';
import { decodePbeAlgorithm, pbeDecrypt, type KdfLimits } from '../pbe/pbe.js';
import { dateFromLocalKeyId, readBagAttributes, type BagAttributes } from './attributes.js';
import { CertIndex, type CertInfo } from './chain.js';
import { verifyMac } from './mac.js';
import * as oid from './oids.js';
import { CmsEncryptedData } from './schemas.js';
import { secretKeyAlgorithmName } from './secret_keys.js';
import { certView, type CertView } from '../x509_view.js';

/**
 * Most bags accepted in one file: Java's cacerts as PKCS#12 has about 150. Each bag costs about
 * half a millisecond to parse, so this also bounds the time a hostile file can take.
 */
export const MAX_BAGS = 2_000;
/** Most safes (ContentInfos) in the AuthenticatedSafe. */
export const MAX_SAFES = 256;
/** Nesting of safeContentsBag accepted. */
const MAX_NESTED_SAFES = 3;
/**
 * Total KDF work per file, as a multiple of `maxIterations`: with the default 200,000 this allows
 * 32 bags at the cap (a keytool file with 10,000 iterations needs 3-4 KDF runs per entry).
 */
export const KDF_BUDGET_FACTOR = 32;

function malformed(what: string, cause?: unknown): KeystoreError {
  return new KeystoreError('ERR_KEYSTORE_MALFORMED', `keystore is malformed: ${what}`, { cause });
}

/** The OCTET STRING inside `[0] EXPLICIT` content, flattened if constructed. */
function octets(content: ArrayBuffer): Uint8Array {
  return octetStringContent(content);
}

/**
 * Checks the tags of the parts of the PFX the MAC does not cover (asn1-schema matches a SEQUENCE
 * field without looking at the tag class, so `30` changed to `b0` would otherwise pass):
 * `PFX ::= SEQUENCE { INTEGER, ContentInfo SEQUENCE { OID, [0] { OCTET STRING } },
 * MacData SEQUENCE { DigestInfo SEQUENCE { AlgId SEQUENCE { OID, NULL? }, OCTET STRING },
 * OCTET STRING, INTEGER? }? }`. Returns whether MacData is present (asn1-schema fills an absent
 * optional MacData with an empty default, so its presence must be read from the bytes).
 */
function checkPfxShape(der: Uint8Array): boolean {
  const bad = (): never => {
    throw malformed('PFX structure');
  };
  const seq = (e: DerElement | undefined, n: number[]): DerElement[] => {
    if (e === undefined || e.tag !== 0x30) return bad();
    const kids = derChildren(der, e.contentAt, e.end);
    if (!n.includes(kids.length)) bad();
    return kids;
  };
  const expectTag = (e: DerElement | undefined, tag: number): void => {
    if (e === undefined || e.tag !== tag) bad();
  };
  const top = derChildren(der, 0, der.length);
  const [version, authSafe, macData] = seq(top[0], [2, 3]);
  expectTag(version, 0x02);
  const [ctype, content] = seq(authSafe, [2]);
  expectTag(ctype, 0x06);
  expectTag(content, 0xa0);
  const inner = derChildren(der, content!.contentAt, content!.end);
  if (inner.length !== 1) bad();
  expectTag(inner[0], 0x04);
  if (macData === undefined) return false;
  const [digestInfo, salt, iterations] = seq(macData, [2, 3]);
  const [algId, digest] = seq(digestInfo, [2]);
  const [algOid, params] = seq(algId, [1, 2]);
  expectTag(algOid, 0x06);
  if (params !== undefined && (params.tag !== 0x05 || params.end !== params.contentAt)) bad();
  expectTag(digest, 0x04);
  expectTag(salt, 0x04);
  if (iterations !== undefined) expectTag(iterations, 0x02);
  return true;
}

interface KeyItem {
  alias?: string | undefined;
  localKeyId?: Uint8Array | undefined;
  pkcs8: Uint8Array;
  position: number;
}

interface ReadState {
  readonly password: string;
  readonly keyPasswords: Readonly<Record<string, string>>;
  readonly limits: KdfLimits;
  bags: number;
  readonly keys: KeyItem[];
  readonly certs: CertInfo[];
  readonly secrets: { entry: KeystoreEntry; position: number }[];
}

function keyPassword(state: ReadState, attrs: BagAttributes): string {
  // Own properties only: an alias such as "constructor" must not find Object.prototype's.
  const kp = state.keyPasswords;
  for (const name of attrs.friendlyName === undefined
    ? []
    : [attrs.friendlyName, attrs.friendlyName.toLowerCase()]) {
    if (Object.hasOwn(kp, name) && typeof kp[name] === 'string') return kp[name];
  }
  return state.password;
}

function readBag(state: ReadState, bag: SafeBag, depth: number): void {
  if (++state.bags > MAX_BAGS) {
    throw new KeystoreError(
      'ERR_KEYSTORE_LIMIT_EXCEEDED',
      `keystore has more than ${MAX_BAGS} bags`,
    );
  }
  const position = state.bags;
  const attrs = readBagAttributes(bag.bagAttributes);
  switch (bag.bagId) {
    case oid.OID_KEY_BAG: {
      // An unencrypted key (OpenSSL -keypbe NONE). Java ignores it; we read it, it is the caller's data.
      const der = berToDer(new Uint8Array(bag.bagValue));
      parseAsn(der, PrivateKeyInfo);
      state.keys.push({
        alias: attrs.friendlyName,
        localKeyId: attrs.localKeyId,
        pkcs8: der,
        position,
      });
      return;
    }
    case oid.OID_SHROUDED_KEY_BAG: {
      const epki = parseAsn(bag.bagValue, EncryptedPrivateKeyInfo);
      const pkcs8 = decryptEpki(epki, keyPassword(state, attrs), state.limits, isPrivateKeyInfo);
      state.keys.push({ alias: attrs.friendlyName, localKeyId: attrs.localKeyId, pkcs8, position });
      return;
    }
    case oid.OID_CERT_BAG: {
      const cb = parseAsn(bag.bagValue, CertBag);
      if (cb.certId !== oid.OID_X509_CERTIFICATE) return; // SDSI certificates: nobody writes them
      const der = berToDer(octets(cb.certValue));
      let x509: CertView;
      try {
        x509 = certView(der);
      } catch (e) {
        throw malformed('certificate bag does not hold an X.509 certificate', e);
      }
      state.certs.push({
        der,
        x509,
        friendlyName: attrs.friendlyName,
        localKeyId: attrs.localKeyId,
        trusted: attrs.trusted,
        position,
        used: false,
      });
      return;
    }
    case oid.OID_SECRET_BAG: {
      const sb = parseAsn(bag.bagValue, SecretBag);
      if (sb.secretTypeId !== oid.OID_SHROUDED_KEY_BAG) return; // only Java's form is defined anywhere
      const epki = parseAsn(octets(sb.secretValue), EncryptedPrivateKeyInfo);
      const plain = decryptEpki(epki, keyPassword(state, attrs), state.limits, isPrivateKeyInfo);
      const info = parseAsn(plain, PrivateKeyInfo);
      const key = asBytes(info.privateKey).slice();
      plain.fill(0);
      state.secrets.push({
        entry: {
          kind: 'secretKey',
          alias: attrs.friendlyName ?? '',
          date: dateFromLocalKeyId(attrs.localKeyId),
          algorithm: secretKeyAlgorithmName(info.privateKeyAlgorithm.algorithm),
          key,
        },
        position,
      });
      return;
    }
    case oid.OID_SAFE_CONTENTS_BAG: {
      if (depth >= MAX_NESTED_SAFES) throw malformed('safeContentsBag nested too deeply');
      for (const inner of parseSafeContents(state, bag.bagValue)) readBag(state, inner, depth + 1);
      return;
    }
    default:
      return; // CRL bags and unknown bag types carry nothing the model holds
  }
}

/**
 * Parses a SafeContents, refusing it before the (comparatively slow) schema parse when it would
 * take the file over {@link MAX_BAGS}.
 */
function parseSafeContents(
  state: ReadState,
  data: Uint8Array | ArrayBuffer,
  code: 'ERR_KEYSTORE_MALFORMED' | 'ERR_KEYSTORE_INTEGRITY' = 'ERR_KEYSTORE_MALFORMED',
): SafeContents {
  const der = berToDer(data instanceof Uint8Array ? data : new Uint8Array(data), code);
  if (state.bags + countDerChildren(der) > MAX_BAGS) {
    throw new KeystoreError(
      'ERR_KEYSTORE_LIMIT_EXCEEDED',
      `keystore has more than ${MAX_BAGS} bags`,
    );
  }
  return parseDer(der, SafeContents, code);
}

function readSafe(state: ReadState, ci: ContentInfo): void {
  if (ci.contentType === oid.OID_DATA) {
    for (const bag of parseSafeContents(state, octets(ci.content))) readBag(state, bag, 0);
    return;
  }
  if (ci.contentType !== oid.OID_ENCRYPTED_DATA) {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      `keystore uses an unsupported safe type ${ci.contentType} (only password privacy mode is supported)`,
    );
  }
  const ed = parseAsn(ci.content, CmsEncryptedData);
  const eci = ed.encryptedContentInfo;
  if (eci.contentType !== oid.OID_DATA) throw malformed('encrypted safe of a type other than data');
  const enc = eci.encryptedContent;
  const ciphertext =
    enc?.value !== undefined
      ? asBytes(enc.value)
      : concatBytes(...(enc?.constructedValue ?? []).map((o) => asBytes(o)));
  const alg = decodePbeAlgorithm(eci.contentEncryptionAlgorithm);
  // Plausibility check for a candidate plaintext (it decides between the empty-password
  // encodings): one well-formed SEQUENCE. The full parse follows, with the bag limit.
  const plain = pbeDecrypt(alg, ciphertext, state.password, state.limits, (p) => {
    try {
      return berToDer(p)[0] === 0x30;
    } catch {
      return false;
    }
  });
  // A MAC-verified file only gets here with a different password on this safe; a MAC-less one
  // with a wrong password or tampered bytes: one fixed message either way.
  if (plain === undefined) throw new KeystoreError('ERR_KEYSTORE_INTEGRITY');
  for (const bag of parseSafeContents(state, plain, 'ERR_KEYSTORE_INTEGRITY'))
    readBag(state, bag, 0);
}

/** Allocates aliases for entries without a friendlyName: "1", "2", ... skipping names in use (Java's scheme). */
function aliasAllocator(taken: Set<string>): () => string {
  let n = 0;
  return () => {
    let name: string;
    do name = String(++n);
    while (taken.has(name.toLowerCase()));
    taken.add(name.toLowerCase());
    return name;
  };
}

/**
 * Reads a PKCS#12 (`.p12`/`.pfx`) keystore.
 *
 * - Integrity: the MAC (RFC 7292 §5.1 step 4; SHA-1, SHA-224/256/384/512, keyed through the PKCS#12
 *   KDF) is checked in constant time before anything is decrypted or returned. Files without a MAC
 *   are read as they are (they have no integrity protection; a wrong password then shows as
 *   `ERR_KEYSTORE_INTEGRITY` or `ERR_KEYSTORE_KEY_UNRECOVERABLE` when decryption fails).
 * - Encryption: PBES2 (PBKDF2 with HMAC-SHA1/224/256/384/512; AES-128/192/256-CBC, DES-EDE3-CBC) and
 *   PKCS#12 PBE (SHA-1 with 3-key or 2-key 3DES, RC2-40, RC2-128). One password for MAC, safes and
 *   keys, as Java and OpenSSL assume; `keyPasswords[alias]` overrides it per key bag.
 * - Passwords: PBKDF2 takes UTF-8, the PKCS#12 KDF a BMPString plus `00 00`; for the empty
 *   password the KDF also tries zero bytes (Java's retry).
 * - Entries: `pkcs8ShroudedKeyBag` and plain `keyBag` become `privateKey` entries with their chain
 *   (leaf by localKeyId, friendlyName or public key; issuers by name and key identifiers);
 *   certificate bags with Oracle's trusted attribute, and certificate bags no key uses, become
 *   `trustedCertificate` entries; Java's secret bags become `secretKey` entries. Alias is the
 *   friendlyName (generated "1", "2", ... when absent); `date` comes from Java's `"Time <ms>"`
 *   localKeyId. Entries are in file order. CRL and unknown bags are skipped.
 * - Input may be BER (indefinite lengths, constructed OCTET STRINGs).
 *
 * @param bytes - the file.
 * @param password - the store password (`''` for none).
 * @param options - `maxIterations` (default 200,000, at most 5,000,000): every KDF iteration count
 *   read from the file is checked against it before the KDF runs, and the file's total KDF work is
 *   capped at 32 times it; `maxBytes` (default 16 MiB); `keyPasswords`.
 * @returns the keystore, format `'pkcs12'`.
 * @throws KeystoreError `ERR_KEYSTORE_INTEGRITY` (fixed message: wrong password or tampered file),
 *   `ERR_KEYSTORE_KEY_UNRECOVERABLE` (fixed message), `ERR_KEYSTORE_MALFORMED`,
 *   `ERR_KEYSTORE_UNSUPPORTED` (public-key privacy/integrity modes, PBMAC1, RC4, unknown
 *   algorithms), `ERR_KEYSTORE_LIMIT_EXCEEDED`.
 * @throws TypeError / RangeError for arguments of the wrong type or range.
 */
export function readPkcs12(
  bytes: Uint8Array,
  password: string,
  options: ReadKeystoreOptions = {},
): Keystore {
  abytes(bytes, 'bytes');
  astring(password, 'password');
  const { maxIterations, maxBytes } = resolveReadLimits(options);
  if (bytes.length > maxBytes) {
    throw new KeystoreError(
      'ERR_KEYSTORE_LIMIT_EXCEEDED',
      `keystore is larger than maxBytes (${maxBytes})`,
    );
  }
  const limits: KdfLimits = {
    maxIterations,
    budget: { remaining: maxIterations * KDF_BUDGET_FACTOR },
  };

  const pfxDer = berToDer(bytes);
  const hasMac = checkPfxShape(pfxDer);
  const pfx = parseDer(pfxDer, PFX);
  if (pfx.version !== 3) {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      `keystore is PKCS#12 version ${pfx.version}, not 3`,
    );
  }
  if (pfx.authSafe.contentType !== oid.OID_DATA) {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      'keystore uses public-key integrity mode (signedData), which is not supported',
    );
  }
  // The MAC covers the content octets of the authSafe OCTET STRING as stored (segments joined).
  const authSafeContent = octets(pfx.authSafe.content);
  if (hasMac) verifyMac(pfx.macData, authSafeContent, password, limits);

  const authSafeDer = berToDer(authSafeContent);
  if (countDerChildren(authSafeDer) > MAX_SAFES) {
    throw new KeystoreError(
      'ERR_KEYSTORE_LIMIT_EXCEEDED',
      `keystore has more than ${MAX_SAFES} safes`,
    );
  }
  const safes = parseDer(authSafeDer, AuthenticatedSafe);
  const state: ReadState = {
    password,
    keyPasswords: options.keyPasswords ?? {},
    limits,
    bags: 0,
    keys: [],
    certs: [],
    secrets: [],
  };
  for (const ci of safes) readSafe(state, ci);
  return { format: 'pkcs12', entries: assemble(state) };
}

function assemble(state: ReadState): KeystoreEntry[] {
  const taken = new Set<string>();
  for (const k of state.keys) if (k.alias !== undefined) taken.add(k.alias.toLowerCase());
  for (const c of state.certs)
    if (c.friendlyName !== undefined) taken.add(c.friendlyName.toLowerCase());
  for (const s of state.secrets) if (s.entry.alias !== '') taken.add(s.entry.alias.toLowerCase());
  const nextAlias = aliasAllocator(taken);

  const out: { entry: KeystoreEntry; position: number }[] = [];
  const index = new CertIndex(state.certs);
  for (const k of state.keys) {
    const leaf = index.findLeaf(k);
    const chain = leaf === undefined ? [] : index.buildChain(leaf);
    for (const c of chain) c.used = true;
    out.push({
      position: k.position,
      entry: {
        kind: 'privateKey',
        alias: k.alias ?? nextAlias(),
        date: dateFromLocalKeyId(k.localKeyId),
        pkcs8: k.pkcs8,
        chain: chain.map((c) => c.der),
        localKeyId: k.localKeyId,
      },
    });
  }
  for (const c of state.certs) {
    if (!c.trusted && c.used) continue;
    out.push({
      position: c.position,
      entry: {
        kind: 'trustedCertificate',
        alias: c.friendlyName ?? nextAlias(),
        certificate: c.der,
      },
    });
  }
  for (const s of state.secrets) {
    out.push(s.entry.alias === '' ? { ...s, entry: { ...s.entry, alias: nextAlias() } } : s);
  }
  out.sort((a, b) => a.position - b.position);
  return out.map((e) => e.entry);
}
