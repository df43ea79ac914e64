/**
 * Certificate change, as SEPM's Manage Server Certificate wizard does it (Broadcom KB 158445,
 * KB 187099): import a new identity from a keystore, keep the Kcs, and keep the old certificate
 * in the sylink certificate list until it is dropped, so clients holding the old sylink keep
 * verifying while the new one reaches them.
 *
 * @module
 */
import { assertServerIdentity } from '../../cert/index.js';
import type { X509Certificate } from '../../cert/x509.js';
import { identityFromKeystore, readKeystore } from '../../keystore/index.js';
import type { ReadKeystoreOptions } from '../../keystore/model.js';
import type { Sylink, SylinkCertificate } from '../../sylink/index.js';
import { certificateFingerprint } from '../../cert/index.js';
import { identityFiles, loadSiteAndConfig, makeSite, sylinkFile, type Site } from './site.js';
import { commitFiles } from './atomic_file.js';
import {
  createEndorsement,
  verifyEndorsement,
  MAX_ENDORSEMENTS,
  type SignedEndorsement,
} from '../../protocol/index.js';
import { endorsementsFile } from './endorsements.js';

/** Options of {@link importCertificate}. */
export interface ImportCertificateOptions {
  /** Keystore password (JKS, JCEKS, PKCS#12), or the password of an encrypted PEM key. */
  readonly password?: string;
  /** Which private-key entry to import (default: the first). */
  readonly alias?: string;
  /** Per-alias key passwords (JKS, JCEKS) and reader limits. */
  readonly keystore?: ReadKeystoreOptions;
  /**
   * Drop the old certificate from the sylink at once, and make no endorsement (default false:
   * keep it, and its endorsement of the new one, until {@link dropCertificate}). Use it when the
   * old key may be compromised: clients holding the old sylink then need the new sylink.
   */
  readonly dropPrevious?: boolean;
  /**
   * How long the old key's endorsement of the new certificate is valid, ms (default 90 days, at
   * most 365 days; docs/protocol.md §2.5). A client that has not followed the change by then
   * needs the new sylink.
   */
  readonly endorsementValidityMs?: number;
  /** Clock for the validity rule and the endorsement's window (default now). */
  readonly now?: Date;
}

/** What {@link importCertificate} returns. */
export interface ImportedCertificate {
  /** The site reloaded from disk after the change. */
  readonly site: Site;
  /** The certificate that was replaced. */
  readonly previous: X509Certificate;
}

function fingerprintName(address: string, cert: X509Certificate): string {
  const fp = Buffer.from(certificateFingerprint(cert)).toString('hex').slice(0, 16).toUpperCase();
  return `${address} ${fp}`;
}

/**
 * Imports a new server identity into the site in `dir`. `material` may be JKS, JCEKS, PKCS#12 or
 * PEM (key + certificate), recognised from its bytes. The identity must pass every import rule
 * (`checkServerIdentity`: key matches certificate, RSA >= 2048 bits, RSA signature, within
 * validity). Then `keystore.jks` (same password), `server.crt` and `server.key` are replaced,
 * in one all-or-nothing commit with `sylink.xml` and `endorsements.json`; the Kcs and domain id
 * stay; the new certificate heads the sylink list and the old one stays listed (unless
 * `dropPrevious`). While it stays, the old key's endorsement of the new certificate is kept in
 * `endorsements.json` and served to clients (docs/protocol.md §2.5, §5.4), so a client holding
 * only the old sylink learns to trust the new certificate; the old key itself is not kept.
 *
 * @throws {@link CertificateError} `ERR_CERT_IMPORT_RULES` listing every violation;
 *   KeystoreError / PemError for unreadable material; ManagerError `ERR_MANAGER_SITE_INVALID`
 *   when the site itself does not load.
 */
export async function importCertificate(
  dir: string,
  material: Uint8Array,
  options: ImportCertificateOptions = {},
): Promise<ImportedCertificate> {
  if (!(material instanceof Uint8Array)) throw new TypeError('"material" expected Uint8Array');
  // The folder is read once; the returned site is built from what was committed.
  const { site, config } = await loadSiteAndConfig(dir);
  const ks = readKeystore(material, options.password ?? '', options.keystore);
  const identity = await identityFromKeystore(
    ks,
    options.alias === undefined ? {} : { alias: options.alias },
  );
  await assertServerIdentity(identity, options.now === undefined ? {} : { now: options.now });
  const previous = site.identity.certificate;
  // New certificate first, under the address; the others keep their place under unique names.
  const others: SylinkCertificate[] = site.sylink.certificates
    .filter((c) => !c.certificate.equal(identity.certificate))
    .filter(() => options.dropPrevious !== true)
    .map((c) =>
      c.name === site.address ? { ...c, name: fingerprintName(site.address, c.certificate) } : c,
    );
  const sylink: Sylink = {
    ...site.sylink,
    certificates: [{ name: site.address, certificate: identity.certificate }, ...others],
  };
  // The previous key vouches for the new certificate; earlier endorsements stay while their
  // signer is still listed (a client two changes behind follows the chain).
  const listed = sylink.certificates.map((c) => c.certificate);
  // One endorsement per (signer, endorsed) pair, the newest, and at most MAX_ENDORSEMENTS of
  // them: a site whose certificate goes back and forth must not outgrow what loadSite accepts.
  const byPair = new Map<string, SignedEndorsement>();
  const pair = (by: X509Certificate, of: X509Certificate) =>
    `${Buffer.from(certificateFingerprint(by)).toString('hex')}:${Buffer.from(certificateFingerprint(of)).toString('hex')}`;
  if (options.dropPrevious !== true) {
    for (const e of site.endorsements) {
      const v = await verifyEndorsement(e, listed, site.domainId).catch(() => undefined);
      if (v !== undefined && listed.some((c) => c.equal(v.certificate))) {
        const k = pair(v.endorsedBy, v.certificate);
        byPair.delete(k);
        byPair.set(k, e);
      }
    }
    // Re-importing the current certificate needs no new endorsement.
    if (!previous.equal(identity.certificate)) {
      const k = pair(previous, identity.certificate);
      byPair.delete(k);
      byPair.set(
        k,
        await createEndorsement(
          identity.certificate,
          site.identity,
          site.domainId,
          options.now,
          options.endorsementValidityMs,
        ),
      );
    }
  }
  const endorsements = [...byPair.values()].slice(-MAX_ENDORSEMENTS);
  // One commit for the five files: an interruption leaves the old site or the new one whole.
  await commitFiles(dir, [
    ...(await identityFiles(identity, config.keystore.password)),
    sylinkFile(sylink),
    endorsementsFile(endorsements),
  ]);
  return { site: makeSite(dir, identity, site.kcs, config, sylink, endorsements), previous };
}

/**
 * Removes certificates other than the current one from the site's sylink list: `which` names one
 * (by certificate), or, when omitted, every non-current certificate goes. The current certificate
 * is never removed. Endorsements signed by a removed certificate go with it (after a full drop,
 * `endorsements.json` lists none), in the same commit as `sylink.xml`.
 *
 * @returns the site as committed.
 */
export async function dropCertificate(dir: string, which?: X509Certificate): Promise<Site> {
  const { site, config } = await loadSiteAndConfig(dir);
  const current = site.identity.certificate;
  if (which !== undefined && which.equal(current)) {
    throw new TypeError('"which" is the current server certificate, which cannot be dropped');
  }
  const certificates = site.sylink.certificates.filter(
    (c) => c.certificate.equal(current) || (which !== undefined && !c.certificate.equal(which)),
  );
  const listed = certificates.map((c) => c.certificate);
  const endorsements = [];
  for (const e of site.endorsements) {
    const v = await verifyEndorsement(e, listed, site.domainId).catch(() => undefined);
    if (v !== undefined && listed.some((c) => c.equal(v.certificate))) endorsements.push(e);
  }
  const sylink = { ...site.sylink, certificates };
  await commitFiles(dir, [sylinkFile(sylink), endorsementsFile(endorsements)]);
  return makeSite(dir, site.identity, site.kcs, config, sylink, endorsements);
}
