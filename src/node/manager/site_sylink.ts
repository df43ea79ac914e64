/**
 * One sylink truth: the `sylink.xml` in the site folder lists what `Manager.sylink()` lists. With
 * peers configured, a manager's clients must trust the peers' certificates too (this manager
 * serves the policies a peer replicated, signed by the peer); a client handed the site's file
 * would otherwise refuse them (`ERR_POLICY_UNTRUSTED_SIGNER`). So `listen()` rewrites the file
 * with the server list and certificate list that `managerSylink` builds for the site's own
 * address and configured client ports, keeping everything else of the file (communication
 * settings, names of the site's own certificates) as it is.
 *
 * @module
 */
import type { X509Certificate } from '../../cert/x509.js';
import type { Kcs } from '../../kcs.js';
import { buildSylink } from '../../sylink/build.js';
import { serversInPriorityOrder } from '../../sylink/create.js';
import type { Sylink } from '../../sylink/model.js';
import { writeSylinkFile } from '../site/site.js';
import { managerSylink, type SylinkPeer } from './sylink.js';

/** What a loaded site (`loadSite`) has and a hand-made `ManagerSite` may lack. */
export interface SiteFileView {
  readonly dir?: string;
  readonly domainId: string;
  readonly kcs: Kcs;
  readonly address?: string;
  readonly sylink?: Sylink;
}

/**
 * The site's sylink with the server and certificate lists of `Manager.sylink()` for the site's
 * address and configured ports, or `undefined` when the site has no file of its own (no `dir`,
 * `address` or `sylink`) or nothing would change.
 */
export function siteSylinkWithPeers(
  site: SiteFileView,
  peers: readonly SylinkPeer[],
  certificates: readonly X509Certificate[],
): Sylink | undefined {
  const { sylink, address } = site;
  if (site.dir === undefined || sylink === undefined || address === undefined) return undefined;
  if (peers.length === 0) return undefined;
  const own = serversInPriorityOrder(sylink).find((s) => s.server.address === address)?.server;
  const built = managerSylink({
    domainId: site.domainId,
    kcs: site.kcs,
    address,
    httpsPort: own?.httpsPort ?? 443,
    httpPort: own?.httpPort ?? 8014,
    peers,
    certificates,
    protocol: 'https',
  });
  // The site's certificates keep their names; the peers' come after under the built names.
  const extra = built.certificates.filter(
    (b) => !sylink.certificates.some((c) => c.certificate.equal(b.certificate)),
  );
  const next: Sylink = {
    ...sylink,
    serverLists: built.serverLists,
    certificates: [...sylink.certificates, ...extra],
  };
  return buildSylink(next) === buildSylink(sylink) ? undefined : next;
}

/**
 * Writes {@link siteSylinkWithPeers} to the site folder (one atomic commit, mode 0600) when it
 * differs from the file. @returns whether the file was written.
 */
export async function updateSiteSylink(
  site: SiteFileView,
  peers: readonly SylinkPeer[],
  certificates: readonly X509Certificate[],
): Promise<boolean> {
  const next = siteSylinkWithPeers(site, peers, certificates);
  if (next === undefined || site.dir === undefined) return false;
  await writeSylinkFile(site.dir, next);
  return true;
}
