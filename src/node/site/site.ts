/**
 * Sites: what SEPM's Management Server Configuration Wizard writes on a first install
 * (Broadcom KB 158445): the server identity in `keystore.jks` and as PEM `server.crt` +
 * `server.key`, the site key (Kcs), the domain id, the admin credential, and the clients'
 * `sylink.xml`. This library adds `site.json` to tie them together.
 *
 * @module
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { chmod, lstat, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPassword, isCredential, passwordVerifier, type AdminCredential } from './password.js';
import type { ServerIdentity } from '../../cert/types.js';
import { X509Certificate } from '../../cert/x509.js';
import {
  assertServerIdentity,
  generateServerIdentity,
  type SubjectAltName,
} from '../../cert/index.js';
import {
  identityFromKeystore,
  keystoreFromIdentity,
  readJks,
  readPem,
  serverFilesFromKeystore,
  writeJks,
} from '../../keystore/index.js';
import type { PrivateKeyEntry } from '../../keystore/model.js';
import {
  buildSylink,
  createSylink,
  parseSylink,
  trustedCertificates,
  type Sylink,
} from '../../sylink/index.js';
import { Kcs } from '../../kcs.js';
import { ManagerError, isSepmError } from '../../errors.js';
import { commitFiles, committedPath, recoverCommit, type CommitFile } from './atomic_file.js';
import { endorsementsFile } from './endorsements.js';
import { type SignedEndorsement } from '../../protocol/index.js';
import { readSiteEndorsements } from './endorsements.js';
import { ownerProblem, privacyProblem } from './private.js';

/** The file names of a site directory. */
export const SITE_FILES = Object.freeze({
  keystore: 'keystore.jks',
  certificate: 'server.crt',
  privateKey: 'server.key',
  sylink: 'sylink.xml',
  site: 'site.json',
});

/** Mode of files holding secrets: the key, the keystore, the Kcs (sylink.xml) and site.json. */
export const SECRET_FILE_MODE = 0o600;

/** Alias of the server key entry in `keystore.jks`. */
export const KEYSTORE_ALIAS = 'sepm';

const SITE_FORMAT = 'sepm-crypto.site';
export type { AdminCredential } from './password.js';

/** Contents of `site.json` (format `sepm-crypto.site`, version 1). */
export interface SiteConfig {
  readonly format: typeof SITE_FORMAT;
  readonly version: 1;
  readonly domainId: string;
  /** The Kcs as 32 upper-case hex digits (the file is mode 0600). */
  readonly kcs: string;
  /** The address clients use; also the sylink certificate name of the current certificate. */
  readonly address: string;
  readonly keystore: { readonly file: string; readonly alias: string; readonly password: string };
  readonly admin: AdminCredential;
  readonly createdAt: string;
}

/** A loaded site: everything a manager needs, checked to agree. */
export interface Site {
  /** The site directory. */
  readonly dir: string;
  readonly identity: ServerIdentity;
  readonly kcs: Kcs;
  readonly domainId: string;
  /** The address clients use. */
  readonly address: string;
  /** `sylink.xml` as on disk. */
  readonly sylink: Sylink;
  /** The certificates clients trust (the sylink list; old and new during a change). */
  readonly certificates: readonly X509Certificate[];
  /**
   * Endorsements of the current certificate by the previous one (`endorsements.json`), kept
   * while the previous certificate is listed, served to clients (docs/protocol.md §2.5).
   */
  readonly endorsements: readonly SignedEndorsement[];
  /** The admin user name (the password is never stored). */
  readonly adminUsername: string;
  /** Checks an admin password against the stored scrypt hash (constant-time compare). */
  verifyAdminPassword(password: string): Promise<boolean>;
}

/** Options of {@link createSite}. */
export interface CreateSiteOptions {
  /** Certificate common name (default `os.hostname()`). */
  readonly commonName?: string;
  /** Subject alternative names (default: the address and `localhost`). */
  readonly subjectAltNames?: readonly SubjectAltName[];
  /** The address clients use (default `'127.0.0.1'`). */
  readonly address?: string;
  /** HTTPS client port written to `sylink.xml` (default 443). */
  readonly httpsPort?: number;
  /** HTTP client port written to `sylink.xml` (default 8014). */
  readonly httpPort?: number;
  /** RSA key size (default 2048, SEPM's). */
  readonly keySize?: number;
  /** Certificate validity in days. */
  readonly validityDays?: number;
  /** Admin user name (default `'admin'`). */
  readonly adminUsername?: string;
  /** Use this site key instead of a new random one (e.g. to rebuild a site). */
  readonly kcs?: Kcs;
  /** Use this domain id (32 upper-case hex) instead of a new random one. */
  readonly domainId?: string;
  /** Use this identity instead of generating one (it must pass `checkServerIdentity`). */
  readonly identity?: ServerIdentity;
  /** Replace an existing site in `dir` (default: refuse). */
  readonly overwrite?: boolean;
}

/** What {@link createSite} returns: the site, and the admin password, shown this once. */
export interface CreatedSite {
  readonly site: Site;
  /** The generated admin password. Only its scrypt hash is stored: show it once, then drop it. */
  readonly adminPassword: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

function pkcs8Of(ks: { entries: readonly { kind: string }[] }): Uint8Array {
  const e = ks.entries.find((x): x is PrivateKeyEntry => x.kind === 'privateKey');
  if (e === undefined) throw new Error('no private key');
  return e.pkcs8;
}

/** The identity files (keystore.jks, server.key, server.crt), for {@link commitFiles}. */
export async function identityFiles(
  identity: ServerIdentity,
  keystorePassword: string,
): Promise<CommitFile[]> {
  const ks = await keystoreFromIdentity(identity, { alias: KEYSTORE_ALIAS });
  // SEPM's server.key (unencrypted PKCS#8) and server.crt (leaf first), without the
  // `Bag Attributes` text: Apache reads them as they are.
  const files = serverFilesFromKeystore(ks, { alias: KEYSTORE_ALIAS, friendlyNames: false });
  return [
    { name: SITE_FILES.keystore, data: writeJks(ks, keystorePassword), mode: SECRET_FILE_MODE },
    { name: SITE_FILES.privateKey, data: files.key, mode: SECRET_FILE_MODE },
    { name: SITE_FILES.certificate, data: files.cert, mode: 0o644 },
  ];
}

/** `sylink.xml` (mode 0600: it holds the Kcs), for {@link commitFiles}. */
export function sylinkFile(sylink: Sylink): CommitFile {
  return { name: SITE_FILES.sylink, data: buildSylink(sylink), mode: SECRET_FILE_MODE };
}

/**
 * Writes the identity files (keystore.jks, server.crt, server.key) as one step
 * ({@link commitFiles}): an interruption leaves the old three or the new three, never a mix.
 */
export async function writeIdentityFiles(
  dir: string,
  identity: ServerIdentity,
  keystorePassword: string,
): Promise<void> {
  await commitFiles(dir, await identityFiles(identity, keystorePassword));
}

/** Writes `sylink.xml` (mode 0600: it holds the Kcs), after finishing any interrupted commit. */
export async function writeSylinkFile(dir: string, sylink: Sylink): Promise<void> {
  await commitFiles(dir, [sylinkFile(sylink)]);
}

/**
 * Creates a site in `dir`, as the Management Server Configuration Wizard does on a first
 * install: a self-signed 2048-bit SHA256withRSA identity, a random Kcs, a random domain id
 * (32 upper-case hex), and an admin credential whose random password is returned once and
 * stored only as a scrypt hash (RFC 7914). Writes `keystore.jks` (its password in `site.json`),
 * `server.crt`, `server.key`, `sylink.xml` and `site.json`, each atomically; secrets with mode
 * 0600.
 *
 * @throws {@link ManagerError} `ERR_MANAGER_SITE_EXISTS` when `dir` already holds a site file
 *   and `overwrite` is not set.
 *
 * @example
 * ```ts
 * const { site, adminPassword } = await createSite('/var/lib/sepm');
 * console.log('admin password (shown once):', adminPassword);
 * ```
 */
export async function createSite(
  dir: string,
  options: CreateSiteOptions = {},
): Promise<CreatedSite> {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new TypeError('"dir" expected a non-empty string');
  if (options.domainId !== undefined && !/^[0-9A-F]{32}$/.test(options.domainId)) {
    throw new TypeError('"options.domainId" expected 32 upper-case hex digits');
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a directory it creates: an existing one is made private too,
  // unless another user owns it (that user could still swap the files).
  const owner = ownerProblem(dir, await stat(dir));
  if (owner !== undefined) {
    throw new ManagerError('ERR_MANAGER_SITE_INVALID', owner, { problems: [owner] });
  }
  await chmod(dir, 0o700);
  // Finish (or discard) an interrupted earlier run first, so the check sees the real state.
  await recoverCommit(dir);
  if (options.overwrite !== true) {
    const present: string[] = [];
    for (const f of Object.values(SITE_FILES)) if (await exists(join(dir, f))) present.push(f);
    if (present.length > 0) {
      throw new ManagerError(
        'ERR_MANAGER_SITE_EXISTS',
        `${dir} already holds a site (${present.join(', ')})`,
        {
          problems: present.map((f) => `${f} exists`),
        },
      );
    }
  }
  const address = options.address ?? '127.0.0.1';
  const identity =
    options.identity ??
    (await generateServerIdentity({
      commonName: options.commonName ?? osHostname(),
      subjectAltNames: options.subjectAltNames ?? [address, 'localhost'],
      ...(options.keySize !== undefined ? { keySize: options.keySize } : {}),
      ...(options.validityDays !== undefined ? { validityDays: options.validityDays } : {}),
    }));
  // A supplied identity must meet the same import rules as an imported one.
  if (options.identity !== undefined) await assertServerIdentity(options.identity);
  const kcs = options.kcs ?? Kcs.generate();
  const domainId = options.domainId ?? randomBytes(16).toString('hex').toUpperCase();
  const adminPassword = randomBytes(18).toString('base64url');
  const keystorePassword = randomBytes(24).toString('base64url');
  const admin = await hashPassword(options.adminUsername ?? 'admin', adminPassword);
  const sylink = createSylink({
    domainId,
    kcs,
    servers: [
      {
        address,
        httpsPort: options.httpsPort ?? 443,
        httpPort: options.httpPort ?? 8014,
        certificate: identity.certificate,
        certificateName: address,
      },
    ],
  });
  const config: SiteConfig = {
    format: SITE_FORMAT,
    version: 1,
    domainId,
    kcs: kcs.toHex(),
    address,
    keystore: { file: SITE_FILES.keystore, alias: KEYSTORE_ALIAS, password: keystorePassword },
    admin,
    createdAt: new Date().toISOString(),
  };
  // All five files in one commit: an interrupted run leaves no site (or the previous one, with
  // `overwrite`) or the whole new one, never a mix; site.json marks a complete site.
  await commitFiles(dir, [
    ...(await identityFiles(identity, keystorePassword)),
    sylinkFile(sylink),
    // No endorsements: also clears those of a site this one overwrites.
    endorsementsFile([]),
    { name: SITE_FILES.site, data: JSON.stringify(config, null, 2) + '\n', mode: SECRET_FILE_MODE },
  ]);
  return { site: makeSite(dir, identity, kcs, config, sylink, []), adminPassword };
}

export function makeSite(
  dir: string,
  identity: ServerIdentity,
  kcs: Kcs,
  config: SiteConfig,
  sylink: Sylink,
  endorsements: readonly SignedEndorsement[],
): Site {
  return {
    dir,
    identity,
    kcs,
    domainId: config.domainId,
    address: config.address,
    sylink,
    certificates: trustedCertificates(sylink),
    endorsements,
    adminUsername: config.admin.username,
    verifyAdminPassword: passwordVerifier(config.admin),
  };
}

function parseConfig(text: string): SiteConfig | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'site.json is not JSON';
  }
  const d = doc as Partial<SiteConfig> | null;
  if (typeof d !== 'object' || d === null || d.format !== SITE_FORMAT || d.version !== 1) {
    return 'site.json is not a version 1 sepm-crypto site';
  }
  if (typeof d.domainId !== 'string' || !/^[0-9A-F]{32}$/.test(d.domainId))
    return 'site.json: bad domainId';
  if (typeof d.kcs !== 'string' || !/^[0-9A-F]{32}$/i.test(d.kcs)) return 'site.json: bad kcs';
  if (typeof d.address !== 'string' || d.address.length === 0) return 'site.json: bad address';
  const k = d.keystore;
  if (
    typeof k !== 'object' ||
    k === null ||
    typeof k.password !== 'string' ||
    typeof k.alias !== 'string'
  ) {
    return 'site.json: bad keystore entry';
  }
  if (!isCredential(d.admin)) return 'site.json: bad admin credential';
  return d as SiteConfig;
}

function spkiOfPrivate(pkcs8: Uint8Array): Buffer {
  return createPublicKey(
    createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }),
  ).export({
    type: 'spki',
    format: 'der',
  }) as Buffer;
}

function spkiOfCert(cert: X509Certificate): Buffer {
  return Buffer.from(cert.publicKey.rawData);
}

function describe(e: unknown): string {
  if (isSepmError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** Options of {@link loadSite}. */
export interface LoadSiteOptions {
  /** Largest file read, bytes (default 1 MiB). */
  readonly maxFileBytes?: number;
}

/**
 * Loads the site in `dir` and checks that its pieces agree: the keystore key, the PEM key and the
 * certificate key are one key; `keystore.jks` and `server.crt` hold the same certificate; the Kcs
 * and domain id of `sylink.xml` are the site's; the sylink lists the current certificate.
 *
 * @throws {@link ManagerError} `ERR_MANAGER_SITE_INVALID` whose `problems` names every missing,
 *   malformed or disagreeing piece.
 */
export async function loadSite(dir: string, options: LoadSiteOptions = {}): Promise<Site> {
  return (await loadSiteAndConfig(dir, options)).site;
}

/**
 * {@link loadSite}, also returning the parsed `site.json`, for the site operations that rewrite
 * files (they need the keystore password) without reading the folder a second time.
 */
export async function loadSiteAndConfig(
  dir: string,
  options: LoadSiteOptions = {},
): Promise<{ readonly site: Site; readonly config: SiteConfig }> {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new TypeError('"dir" expected a non-empty string');
  const max = options.maxFileBytes ?? 1024 * 1024;
  const problems: string[] = [];
  // A missing directory is reported below, file by file, like any missing site.
  const dirStat = await stat(dir).catch(() => undefined);
  const where = dirStat && privacyProblem(dir, dirStat, 'directory');
  if (where !== undefined) {
    throw new ManagerError('ERR_MANAGER_SITE_INVALID', `site in ${dir} is not private: ${where}`, {
      problems: [where],
    });
  }
  const read = (name: string) => readSiteFile(dir, name, max, problems);
  const [siteBytes, jksBytes, crtBytes, keyBytes, sylinkBytes] = await Promise.all([
    read(SITE_FILES.site),
    read(SITE_FILES.keystore),
    read(SITE_FILES.certificate),
    read(SITE_FILES.privateKey),
    read(SITE_FILES.sylink),
  ]);
  let config: SiteConfig | undefined;
  if (siteBytes !== undefined) {
    const c = parseConfig(siteBytes.toString('utf8'));
    if (typeof c === 'string') problems.push(c);
    else config = c;
  }
  const kcs = config !== undefined ? Kcs.parse(config.kcs) : undefined;
  const parsed: ParsedSite = {
    config,
    kcs,
    ...(await readKeystoreFile(jksBytes, config, problems)),
    crt: attempt('server.crt', problems, () => crtBytes && certificateOfPem(crtBytes)),
    keySpki: attempt(
      'server.key',
      problems,
      () => keyBytes && spkiOfPrivate(pkcs8Of(readPem(keyBytes))),
    ),
    sylink: attempt(
      'sylink.xml',
      problems,
      () => sylinkBytes && parseSylink(new Uint8Array(sylinkBytes)),
    ),
  };
  crossCheck(parsed, problems);
  const { identity, sylink } = parsed;
  const endorsements = await readSiteEndorsements(dir, sylink, config?.domainId, problems);
  if (
    problems.length > 0 ||
    config === undefined ||
    identity === undefined ||
    sylink === undefined ||
    kcs === undefined
  ) {
    if (problems.length === 0) problems.push('site is incomplete');
    throw new ManagerError(
      'ERR_MANAGER_SITE_INVALID',
      `site in ${dir} is invalid: ${problems.join('; ')}`,
      { problems },
    );
  }
  return { site: makeSite(dir, identity, kcs, config, sylink, endorsements), config };
}

// Reads one site file through an interrupted commit (the new set, whole), bounded; a problem
// is recorded (naming the file) instead of thrown, so that loadSite reports every one.
async function readSiteFile(
  dir: string,
  name: string,
  max: number,
  problems: string[],
): Promise<Buffer | undefined> {
  try {
    const path = await committedPath(dir, name);
    const st = await lstat(path);
    if (!st.isFile()) {
      problems.push(`${name} is not a regular file`);
      return undefined;
    }
    const unsafe = privacyProblem(path, st, 'file');
    if (unsafe !== undefined) {
      problems.push(unsafe);
      return undefined;
    }
    if (st.size > max) {
      problems.push(`${name} is larger than ${max} bytes`);
      return undefined;
    }
    return await readFile(path);
  } catch (e) {
    problems.push(`${name} cannot be read: ${(e as NodeJS.ErrnoException).code ?? describe(e)}`);
    return undefined;
  }
}

// Runs `parse`; a failure becomes a problem naming `file`.
function attempt<T>(file: string, problems: string[], parse: () => T | undefined): T | undefined {
  try {
    return parse();
  } catch (e) {
    problems.push(`${file}: ${describe(e)}`);
    return undefined;
  }
}

function certificateOfPem(bytes: Buffer): X509Certificate {
  const first = readPem(bytes).entries.find((e) => e.kind === 'trustedCertificate');
  if (first === undefined || first.kind !== 'trustedCertificate') throw new Error('no certificate');
  return new X509Certificate(new Uint8Array(first.certificate));
}

// keystore.jks -> identity (its own key/certificate agreement is checked on the way).
async function readKeystoreFile(
  jksBytes: Buffer | undefined,
  config: SiteConfig | undefined,
  problems: string[],
): Promise<{ identity?: ServerIdentity; jksPkcs8?: Uint8Array }> {
  if (jksBytes === undefined || config === undefined) return {};
  try {
    const ks = readJks(jksBytes, config.keystore.password);
    const jksPkcs8 = pkcs8Of(ks);
    return { jksPkcs8, identity: await identityFromKeystore(ks, { alias: config.keystore.alias }) };
  } catch (e) {
    problems.push(`keystore.jks: ${describe(e)}`);
    return {};
  }
}

/** The site files, each parsed (undefined when missing or bad). */
interface ParsedSite {
  readonly config: SiteConfig | undefined;
  readonly kcs: Kcs | undefined;
  readonly identity?: ServerIdentity | undefined;
  readonly jksPkcs8?: Uint8Array | undefined;
  readonly crt: X509Certificate | undefined;
  readonly keySpki: Buffer | undefined;
  readonly sylink: Sylink | undefined;
}

// Cross-checks: each names the two pieces that disagree.
function crossCheck(f: ParsedSite, problems: string[]): void {
  const { config, kcs, identity, jksPkcs8, crt, keySpki, sylink } = f;
  if (crt !== undefined && keySpki !== undefined && !spkiOfCert(crt).equals(keySpki)) {
    problems.push('server.key does not match server.crt (different public keys)');
  }
  if (identity !== undefined && crt !== undefined && !identity.certificate.equal(crt)) {
    problems.push('keystore.jks and server.crt hold different certificates');
  }
  if (jksPkcs8 !== undefined && keySpki !== undefined && !spkiOfPrivate(jksPkcs8).equals(keySpki)) {
    problems.push('keystore.jks and server.key hold different private keys');
  }
  if (sylink !== undefined && config !== undefined) {
    if (kcs !== undefined && !sylink.kcs.equals(kcs))
      problems.push('the Kcs in sylink.xml is not the site Kcs (site.json)');
    if (sylink.domainId !== config.domainId)
      problems.push('the DomainId in sylink.xml is not the site domain id (site.json)');
  }
  if (sylink !== undefined && identity !== undefined) {
    if (!sylink.certificates.some((c) => c.certificate.equal(identity.certificate))) {
      problems.push('sylink.xml does not list the current server certificate');
    }
  }
}
