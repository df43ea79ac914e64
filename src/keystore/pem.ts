/**
 * PEM keystores (RFC 7468): a bundle of keys and certificates read into the keystore model, and
 * the model written back as PEM.
 *
 * Read: `CERTIFICATE` (and the old `X509 CERTIFICATE`), `TRUSTED CERTIFICATE` (OpenSSL's
 * `X509_AUX`: the certificate is kept, the trust settings after it dropped), `PRIVATE KEY`
 * (PKCS#8, RFC 5208 §5), `ENCRYPTED PRIVATE KEY` (RFC 5208 §6: PBES2 or PKCS#12 PBE),
 * `RSA PRIVATE KEY` (PKCS#1, RFC 8017 appendix A.1.2) and `EC PRIVATE KEY` (SEC1, RFC 5915),
 * both optionally with OpenSSL's legacy `Proc-Type`/`DEK-Info` encryption; parameter, public-key,
 * CRL and request blocks are skipped. Every key becomes a `privateKey` entry whose chain is the
 * certificate with the same public key followed by its issuers found in the bundle; the other
 * certificates become `trustedCertificate` entries.
 *
 * Write: each private key as PKCS#8 `PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` (PBES2,
 * PBKDF2-HMAC-SHA256, AES-256-CBC) when a password is given, followed by its chain; then each
 * trusted certificate.
 *
 * @module
 */
import { KeystoreError, PemError, isSepmError } from '../errors.js';
import { astring, copyBytes, type Bytes } from '../bytes.js';
import { resolveReadLimits, type Keystore, type KeystoreEntry } from './model.js';
import { TAG, expectTlv, expectWhole } from './der.js';
import { assertKeystore } from './jks.js';
import {
  BudgetExceeded,
  buildChain,
  pairKeysWithCerts,
  parseCert,
  pkcs8KeyObject,
  type ParsedCert,
  type VerifyBudget,
} from './key_match.js';
import { bagAttributesText } from './pem_bag_attributes.js';
import { traditionalToPkcs8 } from './x509_view.js';
import { pemBlocks, pemText, toPem, type PemBlock } from './pem_codec.js';
import { decryptLegacyPem } from './pem_legacy.js';
import { decryptPkcs8With, encryptPkcs8 } from './pbe/encrypted_pkcs8.js';
import type { KdfLimits } from './pbe/pbe.js';

/** Options of {@link readPem}. */
export interface ReadPemOptions {
  /** Password of encrypted keys (`ENCRYPTED PRIVATE KEY`, or legacy `DEK-Info` blocks). */
  readonly password?: string;
  /** Highest KDF iteration count accepted, checked before any KDF (default 200,000; at most 5,000,000). */
  readonly maxIterations?: number;
  /** Largest input accepted, in bytes or characters (default 16 MiB). */
  readonly maxBytes?: number;
}

/** Options of {@link writePem}. */
export interface WritePemOptions {
  /** Encrypt each private key with this password (PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC). */
  readonly password?: string;
  /** PBKDF2 iteration count when encrypting (default 10,000, keytool's PKCS#12 count). */
  readonly iterations?: number;
  /**
   * Precede each key, its leaf certificate and each trusted certificate with
   * `Bag Attributes` / `friendlyName: <alias>` text, as `openssl pkcs12` output does (RFC 7468 §2
   * explanatory text, which PEM readers skip), so that {@link readPem} restores the aliases
   * (default false: bare RFC 7468 blocks; `writeKeystore` turns it on).
   */
  readonly friendlyNames?: boolean;
}

/** Most blocks one PEM input may hold (each is parsed; a bundle of CA certificates has ~150). */
export const MAX_PEM_BLOCKS = 10_000;
/** Total KDF iterations one PEM input may spend, in units of `maxIterations` (as PKCS#12). */
const KDF_BUDGET_FACTOR = 32;
/** Most issuer signature checks spent ordering the chains of one PEM input. */
const MAX_SIGNATURE_CHECKS = 1_000;

/** Blocks that carry nothing the keystore model holds; skipped rather than refused. */
const SKIPPED = new Set([
  'EC PARAMETERS',
  'PARAMETERS',
  'DH PARAMETERS',
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'X509 CRL',
  'CERTIFICATE REQUEST',
  'NEW CERTIFICATE REQUEST',
]);

/** Maps a `KeystoreError` of the PKCS#8 decryptor onto the PEM family, keeping it as `cause`. */
function toPemError(e: unknown): never {
  if (e instanceof KeystoreError || (isSepmError(e) && e.code.startsWith('ERR_KEYSTORE_'))) {
    const code = (e as KeystoreError).code;
    if (code === 'ERR_KEYSTORE_KEY_UNRECOVERABLE')
      throw new PemError('ERR_PEM_DECRYPT_FAILED', undefined, { cause: e });
    if (code === 'ERR_KEYSTORE_UNSUPPORTED')
      throw new PemError('ERR_PEM_UNSUPPORTED', (e as Error).message, { cause: e });
    if (code === 'ERR_KEYSTORE_LIMIT_EXCEEDED')
      throw new PemError('ERR_PEM_LIMIT_EXCEEDED', (e as Error).message, { cause: e });
    throw new PemError('ERR_PEM_MALFORMED', (e as Error).message, { cause: e });
  }
  // Anything else from the decoder still means this input could not be decoded.
  throw new PemError('ERR_PEM_MALFORMED', 'PEM "ENCRYPTED PRIVATE KEY" could not be decoded', {
    cause: e,
  });
}

function isPkcs8(der: Uint8Array): boolean {
  try {
    pkcs8KeyObject(der);
    return true;
  } catch {
    return false;
  }
}

/** Decodes one key block to PKCS#8. */
function blockKey(b: PemBlock, password: string | undefined, limits: KdfLimits): Bytes {
  if (b.label === 'PRIVATE KEY' || b.label === 'ENCRYPTED PRIVATE KEY') {
    if (b.headers.length > 0)
      throw new PemError('ERR_PEM_MALFORMED', `PEM "${b.label}" block must not have headers`);
    if (b.label === 'PRIVATE KEY') {
      if (!isPkcs8(b.der))
        throw new PemError(
          'ERR_PEM_MALFORMED',
          'PEM "PRIVATE KEY" is not a PKCS#8 key Node can parse',
        );
      return copyBytes(b.der);
    }
    if (password === undefined) {
      throw new PemError(
        'ERR_PEM_DECRYPT_FAILED',
        'PEM "ENCRYPTED PRIVATE KEY" is encrypted and no password was given',
      );
    }
    let pkcs8: Uint8Array;
    try {
      pkcs8 = decryptPkcs8With(b.der, password, limits);
    } catch (e) {
      toPemError(e);
    }
    if (!isPkcs8(pkcs8))
      throw new PemError('ERR_PEM_UNSUPPORTED', 'decrypted key is not a PKCS#8 key Node can parse');
    return copyBytes(pkcs8);
  }
  const type = b.label === 'RSA PRIVATE KEY' ? 'pkcs1' : 'sec1';
  if (b.headers.length > 0) {
    let converted: Bytes | undefined;
    const plain = decryptLegacyPem(
      b.label,
      b.headers,
      b.der,
      password,
      (p) => (converted = traditionalToPkcs8(p, type)) !== undefined,
    );
    plain.fill(0);
    return converted!;
  }
  const pkcs8 = traditionalToPkcs8(b.der, type);
  if (pkcs8 === undefined)
    throw new PemError(
      'ERR_PEM_MALFORMED',
      `PEM "${b.label}" is not a valid ${type === 'pkcs1' ? 'PKCS#1' : 'SEC1'} key`,
    );
  return pkcs8;
}

/** The certificate of a block: the whole DER, or the leading certificate of `TRUSTED CERTIFICATE`. */
function blockCert(b: PemBlock): ParsedCert {
  if (b.headers.length > 0)
    throw new PemError('ERR_PEM_MALFORMED', `PEM "${b.label}" block must not have headers`);
  let der: Uint8Array = b.der;
  try {
    if (b.label === 'TRUSTED CERTIFICATE') {
      // X509_AUX: Certificate || X509_CERT_AUX (trust settings, alias); keep the certificate.
      const cert = expectTlv(der, 0, TAG.SEQUENCE);
      der = der.subarray(0, cert.end);
    } else {
      expectWhole(der, TAG.SEQUENCE);
    }
    return parseCert(copyBytes(der));
  } catch (e) {
    throw new PemError('ERR_PEM_MALFORMED', `PEM "${b.label}" is not a valid X.509 certificate`, {
      cause: e,
    });
  }
}

/** Validated read options. */
function resolveOptions(options: ReadPemOptions | undefined): {
  password: string | undefined;
  maxIterations: number;
  maxBytes: number;
} {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw new TypeError('"options" expected an object');
  const password =
    options?.password === undefined ? undefined : astring(options.password, 'options.password');
  const { maxIterations, maxBytes } = resolveReadLimits(options);
  return { password, maxIterations, maxBytes };
}

/**
 * Reads a PEM file or bundle into a keystore (`format: 'pem'`). Keys are paired with the
 * certificate whose public key matches and that certificate's issuers in the bundle; the other
 * certificates become trusted-certificate entries. Aliases come from `friendlyName:` text before
 * a block (as `openssl pkcs12` prints) or are generated: `key`, `key-2`, … and `cert-1`, ….
 *
 * @param text - PEM text (string or UTF-8 bytes); CRLF and text between blocks are fine.
 * @param options - the password of encrypted keys, limits.
 * @returns the keystore; PEM has no dates, so entries have none.
 * @throws {@link PemError} `ERR_PEM_MALFORMED` (framing, base64, structure),
 * `ERR_PEM_UNSUPPORTED` (a block type or cipher not handled), `ERR_PEM_DECRYPT_FAILED` (no or
 * wrong password), `ERR_PEM_LIMIT_EXCEEDED` (size, iteration count).
 *
 * @example Read SEPM's server.crt and server.key
 * ```ts
 * const ks = readPem(readFileSync('server.key', 'utf8') + readFileSync('server.crt', 'utf8'));
 * ```
 */
export function readPem(text: string | Uint8Array, options?: ReadPemOptions): Keystore {
  const { password, maxIterations, maxBytes } = resolveOptions(options);
  const size =
    typeof text === 'string' ? text.length : text instanceof Uint8Array ? text.length : 0;
  if (size > maxBytes)
    throw new PemError(
      'ERR_PEM_LIMIT_EXCEEDED',
      `PEM input is ${size} long, above maxBytes ${maxBytes}`,
    );
  const blocks = pemBlocks(pemText(text));
  if (blocks.length > MAX_PEM_BLOCKS) {
    throw new PemError(
      'ERR_PEM_LIMIT_EXCEEDED',
      `PEM input has ${blocks.length} blocks, above ${MAX_PEM_BLOCKS}`,
    );
  }
  // Every KDF of one input shares a budget, so many encrypted keys cannot multiply the cost.
  const limits: KdfLimits = {
    maxIterations,
    budget: { remaining: KDF_BUDGET_FACTOR * maxIterations },
  };
  const { keys, certs } = sortBlocks(blocks, password, limits);
  return { format: 'pem', entries: pemEntries(keys, certs) };
}

interface PemKey {
  readonly pkcs8: Bytes;
  readonly name: string | undefined;
}
interface PemCert {
  readonly cert: ParsedCert;
  readonly name: string | undefined;
}

// Keys (decrypted to PKCS#8) and certificates, in file order; other known blocks are skipped.
function sortBlocks(
  blocks: ReturnType<typeof pemBlocks>,
  password: string | undefined,
  limits: KdfLimits,
): { keys: PemKey[]; certs: PemCert[] } {
  const keys: PemKey[] = [];
  const certs: PemCert[] = [];
  for (const b of blocks) {
    switch (b.label) {
      case 'CERTIFICATE':
      case 'X509 CERTIFICATE':
      case 'TRUSTED CERTIFICATE':
        certs.push({ cert: blockCert(b), name: b.friendlyName });
        break;
      case 'PRIVATE KEY':
      case 'ENCRYPTED PRIVATE KEY':
      case 'RSA PRIVATE KEY':
      case 'EC PRIVATE KEY':
        keys.push({ pkcs8: blockKey(b, password, limits), name: b.friendlyName });
        break;
      default:
        if (!SKIPPED.has(b.label))
          throw new PemError('ERR_PEM_UNSUPPORTED', `PEM block "${b.label}" is not supported`);
    }
  }
  return { keys, certs };
}

/** Unique aliases: the wanted one when free, else `key`, `key-2`, … or `cert-1`, `cert-2`, …. */
function aliasAllocator(): (wanted: string | undefined, base: string) => string {
  const aliases = new Set<string>();
  return (wanted, base) => {
    if (wanted !== undefined && wanted !== '' && !aliases.has(wanted)) {
      aliases.add(wanted);
      return wanted;
    }
    for (let n = 1; ; n++) {
      const a = n === 1 && base === 'key' ? 'key' : `${base}-${n}`;
      if (!aliases.has(a)) {
        aliases.add(a);
        return a;
      }
    }
  };
}

// Each key with its certificate and that certificate's issuers; the certificates left over
// become trusted-certificate entries.
function pemEntries(keys: PemKey[], certs: PemCert[]): KeystoreEntry[] {
  const pool = certs.map((c) => c.cert);
  const used = new Set<ParsedCert>();
  const entries: KeystoreEntry[] = [];
  const unique = aliasAllocator();
  const leaves = pairKeysWithCerts(
    keys.map((k) => pkcs8KeyObject(k.pkcs8)),
    pool,
  );
  const budget: VerifyBudget = { remaining: MAX_SIGNATURE_CHECKS };
  keys.forEach((k, i) => {
    const leaf = leaves[i];
    let chain: ParsedCert[] = [];
    try {
      if (leaf) chain = buildChain(leaf, pool, budget);
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e;
      throw new PemError(
        'ERR_PEM_LIMIT_EXCEEDED',
        `PEM bundle needs more than ${MAX_SIGNATURE_CHECKS} signature checks to order its chains`,
        { cause: e },
      );
    }
    for (const c of chain) used.add(c);
    const leafName = leaf ? certs.find((c) => c.cert === leaf)?.name : undefined;
    entries.push({
      kind: 'privateKey',
      alias: unique(k.name ?? leafName, 'key'),
      pkcs8: k.pkcs8,
      chain: chain.map((c) => c.der),
    });
  });
  certs.forEach((c) => {
    if (used.has(c.cert)) return;
    entries.push({
      kind: 'trustedCertificate',
      alias: unique(c.name, 'cert'),
      certificate: c.cert.der,
    });
  });
  return entries;
}

/** `friendlyName` text for an alias when names are on. */
function nameLine(alias: string, on: boolean): string {
  return on ? bagAttributesText(alias) : '';
}

/**
 * Writes a keystore as PEM: for each private-key entry its key (PKCS#8, encrypted with PBES2 /
 * AES-256-CBC when `options.password` is given) then its chain, leaf first; then each trusted
 * certificate. Lines are 64 characters with LF ends (RFC 7468 §2).
 *
 * @param ks - the keystore.
 * @param options - password, PBKDF2 iterations, friendlyName lines.
 * @returns the PEM text.
 * @throws {@link PemError} `ERR_PEM_UNSUPPORTED` for a secret-key entry (PEM has no form for one).
 *
 * @example SEPM's server.key and server.crt from a keystore
 * ```ts
 * const [entry] = ks.entries;
 * writeFileSync('server.key', writePem({ format: 'pem', entries: [{ ...entry, chain: [] }] }));
 * ```
 */
export function writePem(ks: Keystore, options: WritePemOptions = {}): string {
  assertKeystore(ks);
  const password =
    options.password === undefined ? undefined : astring(options.password, 'options.password');
  const names = options.friendlyNames === true;
  let out = '';
  for (const e of ks.entries) {
    if (e.kind === 'secretKey') {
      throw new PemError(
        'ERR_PEM_UNSUPPORTED',
        `PEM cannot hold the secret key ${JSON.stringify(e.alias)}`,
      );
    }
    if (e.kind === 'trustedCertificate') {
      out += nameLine(e.alias, names) + toPem('CERTIFICATE', e.certificate);
      continue;
    }
    out += nameLine(e.alias, names);
    out +=
      password === undefined
        ? toPem('PRIVATE KEY', e.pkcs8)
        : toPem(
            'ENCRYPTED PRIVATE KEY',
            encryptPkcs8(
              e.pkcs8,
              password,
              options.iterations === undefined ? {} : { iterations: options.iterations },
            ),
          );
    // The leaf is named too, as OpenSSL prints a keytool PKCS#12: the alias then survives in a
    // certificate file split off from the key.
    e.chain.forEach(
      (c, i) => (out += (i === 0 ? nameLine(e.alias, names) : '') + toPem('CERTIFICATE', c)),
    );
  }
  return out;
}
