/**
 * The sylink a manager's clients need, built with `createSylink` (the same rules as the site's
 * `sylink.xml`: SEPM's communication defaults, blocks `Priority1`, `Priority2`, …): this manager
 * at priority 1 on its bound client ports, then the peers, and the certificate list of
 * `trust.ts` (the site's and the peers'), so that a client trusts whatever a peer replicated.
 *
 * @module
 */
import type { X509Certificate } from '../../cert/x509.js';
import type { Kcs } from '../../kcs.js';
import { createSylink, withCertificate, type CreateSylinkServer } from '../../sylink/create.js';
import type { Sylink } from '../../sylink/model.js';

/** Another manager as the sylink lists it. */
export interface SylinkPeer {
  readonly address: string;
  readonly httpsPort?: number;
  readonly httpPort?: number;
  /** Priority block, 1 = first tried (default 2). */
  readonly priority?: number;
}

/** Inputs of {@link managerSylink}. */
export interface ManagerSylinkInput {
  readonly domainId: string;
  readonly kcs: Kcs;
  /** The address clients use to reach this manager. */
  readonly address: string;
  /** This manager's client ports (bound, or configured). */
  readonly httpsPort: number;
  readonly httpPort: number;
  readonly peers: readonly SylinkPeer[];
  /** The certificate list: the site's then the peers' (`trustedCertificates`). */
  readonly certificates: readonly X509Certificate[];
  /** `'http'`: entries carry only `HttpPort` (an HTTP 8014 list, KB 187099). */
  readonly protocol: 'https' | 'http';
}

/** The sylink of {@link ManagerSylinkInput}. */
export function managerSylink(input: ManagerSylinkInput): Sylink {
  const http = input.protocol === 'http';
  const servers: CreateSylinkServer[] = [
    { address: input.address, httpsPort: input.httpsPort, httpPort: input.httpPort, priority: 1 },
  ];
  for (const p of input.peers) {
    if (http && p.httpPort === undefined) continue;
    servers.push({
      address: p.address,
      ...(p.httpsPort !== undefined ? { httpsPort: p.httpsPort } : {}),
      ...(p.httpPort !== undefined ? { httpPort: p.httpPort } : {}),
      priority: p.priority ?? 2,
    });
  }
  let sylink = createSylink({ domainId: input.domainId, kcs: input.kcs, servers });
  input.certificates.forEach((certificate, i) => {
    const name = i === 0 ? input.address : `${input.address} (${i + 1})`;
    sylink = withCertificate(sylink, name, certificate);
  });
  if (!http) return sylink;
  // An HTTP list: clients of it never try HTTPS.
  const list = sylink.serverLists[0]!;
  const blocks = list.blocks.map((b) => ({
    ...b,
    servers: b.servers.map(({ httpsPort: _drop, ...s }) => s),
  }));
  return { ...sylink, serverLists: [{ ...list, blocks }] };
}
