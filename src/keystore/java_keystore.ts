/**
 * The file framing JKS and JCEKS share: header, entries and the SHA-1 integrity trailer
 * (docs/keystores.md, Format notes: "JKS layout" / "JKS integrity" / "JCEKS"; OpenJDK `sun.security.provider.JavaKeyStore`
 * and `com.sun.crypto.provider.JceKeyStore`).
 *
 * The trailer is `SHA1(UTF16BE(password) || "Mighty Aphrodite" || every byte before it)`. It is
 * checked before any entry is decoded and before anything is returned:
 *
 * 1. the usual case, a file that ends with its digest, is checked first over `[0, length - 20)`,
 *    so a correct file is verified before its entries are even framed;
 * 2. otherwise the entries are framed (lengths only, bounded by the remaining input) to find
 *    where the digest sits, as Java reads exactly 20 bytes after the last entry and ignores
 *    anything after them; a framing failure is `ERR_KEYSTORE_MALFORMED`, a digest mismatch is
 *    `ERR_KEYSTORE_INTEGRITY`.
 *
 * The SHA-1 digest is legacy cryptography kept for interoperability.
 *
 * @module
 */
import { KeystoreError } from '../errors.js';
import { abytes, astring, equalBytes } from '../bytes.js';
import { DataReader, DataWriter } from './java_io.js';
import { utf16be } from './key_protector.js';
import { resolveReadLimits, type ReadKeystoreOptions } from './model.js';
import { digest } from '../hashes.js';

/** `FE ED FE ED`, the JKS magic. */
export const JKS_MAGIC = 0xfeedfeed;
/** `CE CE CE CE`, the JCEKS magic. */
export const JCEKS_MAGIC = 0xcececece;

const WHITENER = new TextEncoder().encode('Mighty Aphrodite');
const DIGEST_LEN = 20;
/** Smallest possible entry: tag, empty alias, date, and a zero length or count. */
const MIN_ENTRY = 4 + 2 + 8 + 4;

/** An entry as framed, before integrity is known: views into the input only. */
export type RawEntry =
  | {
      readonly tag: 1;
      readonly alias: Uint8Array;
      readonly aliasAt: number;
      readonly date: Date;
      readonly protectedKey: Uint8Array;
      readonly chain: readonly RawCert[];
    }
  | {
      readonly tag: 2;
      readonly alias: Uint8Array;
      readonly aliasAt: number;
      readonly date: Date;
      readonly cert: RawCert;
    }
  | {
      readonly tag: 3;
      readonly alias: Uint8Array;
      readonly aliasAt: number;
      readonly date: Date;
      readonly sealed: unknown;
    };

/** A framed certificate: its type string bytes (v2 only) and DER. */
export interface RawCert {
  readonly type: Uint8Array | undefined;
  readonly typeAt: number;
  readonly der: Uint8Array;
}

/** Options of the framing reader. */
export interface FrameOptions {
  readonly magic: number;
  readonly formatName: string;
  /** Frames a tag-3 (secret key) entry; absent for JKS, which has none. */
  readonly tag3?: (r: DataReader) => unknown;
}

/** Validated reader options with their defaults applied. */
export interface ResolvedReadOptions {
  readonly keyPasswords: Readonly<Record<string, string>>;
  readonly maxIterations: number;
  readonly maxBytes: number;
}

/** Checks the caller's arguments (caller bugs -> `TypeError` / `RangeError`). */
export function resolveReadOptions(options: ReadKeystoreOptions | undefined): ResolvedReadOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('"options" expected an object');
  }
  const keyPasswords = options?.keyPasswords ?? {};
  if (typeof keyPasswords !== 'object' || keyPasswords === null) {
    throw new TypeError('"options.keyPasswords" expected an object of alias -> password');
  }
  for (const [alias, pw] of Object.entries(keyPasswords))
    astring(pw, `options.keyPasswords[${JSON.stringify(alias)}]`);
  const { maxIterations, maxBytes } = resolveReadLimits(options);
  return { keyPasswords, maxIterations, maxBytes };
}

/**
 * The key password for `alias`: an exact `keyPasswords` match, else one whose alias matches
 * ignoring case (Java treats JKS/JCEKS aliases case-insensitively), else the store password.
 */
export function keyPasswordFor(
  alias: string,
  storePassword: string,
  options: ResolvedReadOptions,
): string {
  const kp = options.keyPasswords;
  if (Object.hasOwn(kp, alias)) return kp[alias]!;
  const lower = alias.toLowerCase();
  for (const [name, pw] of Object.entries(kp)) if (name.toLowerCase() === lower) return pw;
  return storePassword;
}

function integrityDigest(password: string, body: Uint8Array): Uint8Array {
  return digest('SHA-1', utf16be(password), WHITENER, body);
}

function frameEntries(
  bytes: Uint8Array,
  version: number,
  count: number,
  opts: FrameOptions,
): { entries: RawEntry[]; end: number } {
  const r = new DataReader(bytes, 12);
  const entries: RawEntry[] = [];
  const cert = (): RawCert => {
    const typeAt = r.pos;
    const type = version === 2 ? r.utfBytes('certificate type') : undefined;
    const der = r.bytes(r.length('certificate length'), 'certificate');
    return { type, typeAt, der };
  };
  for (let i = 0; i < count; i++) {
    const tagAt = r.pos;
    const tag = r.u32('entry tag');
    const aliasAt = r.pos;
    const alias = r.utfBytes('alias');
    const date = r.date('entry date');
    if (tag === 1) {
      const protectedKey = r.bytes(r.length('protected key length'), 'protected key');
      // Each certificate takes at least its 4-byte length (plus a 2-byte type in version 2).
      const n = r.length('chain length', version === 2 ? 6 : 4);
      const chain: RawCert[] = [];
      for (let k = 0; k < n; k++) chain.push(cert());
      entries.push({ tag, alias, aliasAt, date, protectedKey, chain });
    } else if (tag === 2) {
      entries.push({ tag, alias, aliasAt, date, cert: cert() });
    } else if (tag === 3 && opts.tag3) {
      entries.push({ tag, alias, aliasAt, date, sealed: opts.tag3(r) });
    } else {
      throw new KeystoreError(
        'ERR_KEYSTORE_MALFORMED',
        `unrecognized ${opts.formatName} entry tag ${tag} at offset ${tagAt}`,
      );
    }
  }
  return { entries, end: r.pos };
}

/**
 * Checks the header and the integrity digest and frames the entries of a JKS or JCEKS file.
 *
 * @throws {@link KeystoreError} `ERR_KEYSTORE_LIMIT_EXCEEDED` over `maxBytes`,
 * `ERR_KEYSTORE_MALFORMED` for a bad header or framing, `ERR_KEYSTORE_INTEGRITY` (fixed message)
 * for a digest mismatch.
 */
export function readJavaKeystoreFile(
  bytes: Uint8Array,
  password: string,
  options: ResolvedReadOptions,
  opts: FrameOptions,
): { version: 1 | 2; entries: RawEntry[] } {
  abytes(bytes, 'bytes');
  astring(password, 'password');
  if (bytes.length > options.maxBytes) {
    throw new KeystoreError(
      'ERR_KEYSTORE_LIMIT_EXCEEDED',
      `${opts.formatName} file is ${bytes.length} bytes, above maxBytes ${options.maxBytes}`,
    );
  }
  const head = new DataReader(bytes);
  const magic = head.u32('magic');
  if (magic !== opts.magic) {
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      `not a ${opts.formatName} file (bad magic number)`,
    );
  }
  const version = head.u32('version');
  if (version !== 1 && version !== 2) {
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      `${opts.formatName} version ${version} is not supported`,
    );
  }
  const count = head.length('entry count', MIN_ENTRY);

  if (bytes.length >= 12 + DIGEST_LEN) {
    const end = bytes.length - DIGEST_LEN;
    if (equalBytes(integrityDigest(password, bytes.subarray(0, end)), bytes.subarray(end))) {
      const framed = frameEntries(bytes.subarray(0, end), version, count, opts);
      if (framed.end !== end) {
        throw new KeystoreError(
          'ERR_KEYSTORE_MALFORMED',
          `${end - framed.end} unexpected bytes after the last entry`,
        );
      }
      return { version, entries: framed.entries };
    }
  }
  const framed = frameEntries(bytes, version, count, opts);
  if (framed.end + DIGEST_LEN > bytes.length) {
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      `${opts.formatName} file is truncated: no integrity digest`,
    );
  }
  const digest = integrityDigest(password, bytes.subarray(0, framed.end));
  if (!equalBytes(digest, bytes.subarray(framed.end, framed.end + DIGEST_LEN))) {
    throw new KeystoreError('ERR_KEYSTORE_INTEGRITY');
  }
  return { version, entries: framed.entries };
}

/** Starts a JKS/JCEKS file: magic, version, count. */
export function startJavaKeystoreFile(magic: number, version: 1 | 2, count: number): DataWriter {
  return new DataWriter().u32(magic).u32(version).u32(count);
}

/** Appends the integrity digest to a complete body. */
export function finishJavaKeystoreFile(body: Uint8Array, password: string): Uint8Array {
  const out = new Uint8Array(body.length + DIGEST_LEN);
  out.set(body, 0);
  out.set(integrityDigest(password, body), body.length);
  return out;
}
