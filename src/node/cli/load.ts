/**
 * Loading what commands work with, from the places a user has them: a server identity from a
 * keystore (`--keystore`, any format) or a site directory (`--site`); trusted manager
 * certificates from certificate files (`--cert`), a `sylink.xml` (`--sylink`) or a site; the
 * site key from `--kcs-file` / `--kcs-env`, a `sylink.xml` or a site.
 *
 * @module
 */
import type { ServerIdentity } from '../../cert/types.js';
import { X509Certificate } from '../../cert/x509.js';
import { CertificateError } from '../../errors.js';
import type { Kcs } from '../../kcs.js';
import { detectKeystoreFormat, identityFromKeystore, readKeystore } from '../../keystore/index.js';
import { parseSylink, trustedCertificates, type Sylink } from '../../sylink/index.js';
import { loadSite, type Site } from '../site/site.js';
import { str, strs, UsageError, type OptionSpec, type Values } from './args.js';
import { readInput, readPath, withProgress, type Io } from './io.js';
import { getSecret, hasSecret, kcsFromOptions, secretOptions, KCS_OPTIONS } from './secrets.js';

/** `--site DIR`. */
export const SITE_OPTION: Readonly<Record<string, OptionSpec>> = {
  site: { type: 'string', value: 'DIR', description: 'a site directory made by `init`' },
};

/** Options naming the signer identity. */
export const IDENTITY_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  keystore: {
    type: 'string',
    short: 'k',
    value: 'FILE',
    description: 'keystore with the signing key (JKS, JCEKS, PKCS#12, or PEM key + certificate)',
  },
  alias: {
    type: 'string',
    value: 'NAME',
    description: 'private-key entry to use (default: first)',
  },
  ...secretOptions('password', 'keystore password'),
  ...SITE_OPTION,
};

/** Options naming the trusted certificates. */
export const TRUST_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  cert: {
    type: 'string',
    multiple: true,
    value: 'FILE',
    description: 'trusted manager certificate(s), PEM or DER',
  },
  sylink: {
    type: 'string',
    value: 'FILE',
    description: 'trust the certificates of this sylink.xml (and take its Kcs)',
  },
  ...SITE_OPTION,
};

/** Options naming the site key. */
export const KEY_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  ...KCS_OPTIONS,
  sylink: TRUST_OPTIONS.sylink!,
  ...SITE_OPTION,
};

/** Loads a site, showing progress (the keystore and the consistency checks take a moment). */
export async function siteFrom(io: Io, dir: string): Promise<Site> {
  return withProgress(io, `Loading site ${dir}`, () => loadSite(dir));
}

/** Reads and parses a `sylink.xml` named on the command line. */
export async function sylinkFrom(path: string): Promise<Sylink> {
  return parseSylink(await readPath(path, '--sylink'));
}

/** Parses every certificate of a PEM or DER file. */
export function certificatesOf(bytes: Uint8Array, what: string): X509Certificate[] {
  const format = detectKeystoreFormat(bytes);
  if (format === 'pem') {
    const ks = readKeystore(bytes, '');
    const out: X509Certificate[] = [];
    for (const e of ks.entries) {
      if (e.kind === 'trustedCertificate') out.push(new X509Certificate(e.certificate.slice()));
      else if (e.kind === 'privateKey')
        for (const c of e.chain) out.push(new X509Certificate(c.slice()));
    }
    if (out.length === 0)
      throw new CertificateError('ERR_CERT_MALFORMED', `${what} holds no certificate`);
    return out;
  }
  try {
    return [new X509Certificate(bytes.slice())];
  } catch (e) {
    throw new CertificateError('ERR_CERT_MALFORMED', `${what} is not a PEM or DER certificate`, {
      cause: e,
    });
  }
}

/** The signer identity from `--keystore` (+ password, alias) or `--site`. */
export async function identityFrom(
  io: Io,
  values: Values,
  command: string,
  loaded?: Site,
): Promise<ServerIdentity> {
  const ks = str(values, 'keystore');
  const site = str(values, 'site');
  if ((ks === undefined) === (site === undefined)) {
    throw new UsageError('name the signing key with --keystore FILE or --site DIR', command);
  }
  if (site !== undefined) return (loaded ?? (await siteFrom(io, site))).identity;
  const bytes = await readPath(ks!, '--keystore');
  // An unencrypted PEM key needs no password; every other format has one.
  const pem = detectKeystoreFormat(bytes) === 'pem';
  const password =
    pem && !hasSecret(values, 'password')
      ? ''
      : await getSecret(io, values, { prefix: 'password', what: 'keystore password', command });
  const store = await withProgress(io, 'Reading keystore', () => readKeystore(bytes, password));
  const alias = str(values, 'alias');
  return identityFromKeystore(store, alias !== undefined ? { alias } : {});
}

/** Trusted certificates from `--cert`, `--sylink` and `--site` (at least one source). */
export async function trustedFrom(
  io: Io,
  values: Values,
  command: string,
  site?: Site,
): Promise<X509Certificate[]> {
  const out: X509Certificate[] = [];
  for (const path of strs(values, 'cert')) {
    out.push(...certificatesOf(await readPath(path, '--cert'), path));
  }
  const sylinkPath = str(values, 'sylink');
  if (sylinkPath !== undefined) out.push(...trustedCertificates(await sylinkFrom(sylinkPath)));
  const siteDir = str(values, 'site');
  if (siteDir !== undefined) out.push(...(site ?? (await siteFrom(io, siteDir))).certificates);
  if (out.length === 0) {
    throw new UsageError(
      'name the trusted certificates with --cert FILE, --sylink FILE or --site DIR',
      command,
    );
  }
  return out;
}

/** The site key from `--kcs-file`/`--kcs-env`, else `--sylink`, else `--site`. */
export async function kcsFrom(io: Io, values: Values, command: string, site?: Site): Promise<Kcs> {
  const direct = await kcsFromOptions(io, values, command);
  if (direct !== undefined) return direct;
  const sylinkPath = str(values, 'sylink');
  if (sylinkPath !== undefined) return (await sylinkFrom(sylinkPath)).kcs;
  const siteDir = str(values, 'site');
  if (siteDir !== undefined) return (site ?? (await siteFrom(io, siteDir))).kcs;
  throw new UsageError(
    'name the site key with --kcs-file FILE, --kcs-env NAME, --sylink FILE or --site DIR',
    command,
  );
}

/** The site of `--site`, loaded once for commands that take several things from it. */
export async function optionalSite(io: Io, values: Values): Promise<Site | undefined> {
  const dir = str(values, 'site');
  return dir === undefined ? undefined : siteFrom(io, dir);
}

/** Reads the main input of a command: the positional path, or stdin. */
export function mainInput(
  io: Io,
  positionals: readonly string[],
  what: string,
): Promise<Uint8Array> {
  return readInput(io, positionals[0], what);
}
