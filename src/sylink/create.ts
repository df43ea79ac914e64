/**
 * Making new `sylink.xml` models with SEPM's defaults, and the small immutable helpers the Node
 * facade needs: the trusted certificates, adding or removing one, the servers in priority order.
 *
 * Defaults come from the public SEP 12.1 sample (Symantec Connect "Sylink.xml and It's
 * Contents"; docs/sylink.md, "Making new files") and KB 156653 (5-minute heartbeat): PUSH mode, every
 * heartbeat 300 s, randomization on over 300 s, `AlwaysConnect="1"`,
 * `RememberCurrentPolicyMode="1"`, `HttpsVerifyCA="0"`, `VerifySignatures="1"`, HTTP port 8014.
 *
 * @module
 */
import { aint, astring } from '../bytes.js';
import { X509Certificate } from '../cert/x509.js';
import { Kcs } from '../kcs.js';
import type {
  CommunicationSettings,
  ServerPriorityBlock,
  Sylink,
  SylinkCertificate,
  SylinkServer,
} from './model.js';

/** The communication settings {@link createSylink} writes unless told otherwise. */
export const SYLINK_DEFAULT_COMMUNICATION = {
  alwaysConnect: true,
  mode: 'PUSH',
  disableDownloadProfile: false,
  pushHeartbeatSeconds: 300,
  pullHeartbeatSeconds: 300,
  randomizationEnabled: true,
  randomizationRange: 300,
  rememberCurrentGroup: false,
  rememberCurrentPolicyMode: true,
  uploadCmdStateHeartbeatSeconds: 300,
  uploadLearnedApp: false,
  uploadLogHeartbeatSeconds: 300,
  uploadOpStateHeartbeatSeconds: 300,
} as const satisfies CommunicationSettings;

/** SEPM's client ports: 8014 (HTTP) and 443 (HTTPS), KB 158445. */
export const SYLINK_DEFAULT_PORTS = { http: 8014, https: 443 } as const;

/** One manager for {@link createSylink}. */
export interface CreateSylinkServer {
  /** IP address or host name. */
  readonly address: string;
  /** Default 8014. */
  readonly httpPort?: number;
  /** Default 443. */
  readonly httpsPort?: number;
  /** The manager's server certificate; added to the certificate list (once per distinct DER). */
  readonly certificate?: X509Certificate;
  /** The certificate's `Name`; default the address. */
  readonly certificateName?: string;
  /** 1 (default) is tried first; equal priorities are load-balanced by clients (KB 151377). */
  readonly priority?: number;
  /** Default false, as in SEPM's sample. */
  readonly httpsVerifyCA?: boolean;
  /** Default true, as in SEPM's sample. */
  readonly verifySignatures?: boolean;
}

/** Input of {@link createSylink}. */
export interface CreateSylinkOptions {
  /** The domain id, 32 upper-case hex digits in SEPM (any string is accepted). */
  readonly domainId: string;
  /** The site key. */
  readonly kcs: Kcs;
  /** The managers, in any order (sorted by `priority`, stable). */
  readonly servers: readonly CreateSylinkServer[];
  /** The server list's `Name`; default `Default Management Server List`. */
  readonly serverListName?: string;
  /** Overrides of {@link SYLINK_DEFAULT_COMMUNICATION}. */
  readonly communication?: CommunicationSettings;
  /** `RegisterClient/@PreferredGroup`; default `My Company\Default Group`; `null` for none. */
  readonly preferredGroup?: string | null;
}

/**
 * A new sylink with SEPM's defaults: one server list whose priority blocks are named
 * `Priority1`, `Priority2`, …, and one certificate per distinct server certificate.
 *
 * @throws TypeError / RangeError naming the field for a bad argument.
 *
 * @example A sylink for one manager
 * ```ts
 * const sylink = createSylink({
 *   domainId: '1E814550AC1E00027245A393F26DBE37', kcs: Kcs.generate(),
 *   servers: [{ address: 'sepm.example', httpsPort: 443, certificate: identity.certificate }],
 * });
 * const xml = buildSylink(sylink);
 * ```
 */
export function createSylink(options: CreateSylinkOptions): Sylink {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('"options" expected an object');
  astring(options.domainId, 'domainId');
  if (!(options.kcs instanceof Kcs)) throw new TypeError('"kcs" expected a Kcs');
  if (!Array.isArray(options.servers)) throw new TypeError('"servers" expected an array');
  const byPriority = new Map<number, SylinkServer[]>();
  const certificates: SylinkCertificate[] = [];
  options.servers.forEach((s, i) => {
    const label = `servers[${i}]`;
    astring(s?.address, `${label}.address`);
    const priority = aint(s.priority ?? 1, `${label}.priority`, 1, 1000);
    const server: SylinkServer = {
      address: s.address,
      httpPort: aint(s.httpPort ?? SYLINK_DEFAULT_PORTS.http, `${label}.httpPort`, 1, 65535),
      httpsPort: aint(s.httpsPort ?? SYLINK_DEFAULT_PORTS.https, `${label}.httpsPort`, 1, 65535),
      httpsVerifyCA: s.httpsVerifyCA ?? false,
      verifySignatures: s.verifySignatures ?? true,
    };
    let list = byPriority.get(priority);
    if (list === undefined) byPriority.set(priority, (list = []));
    list.push(server);
    if (s.certificate !== undefined) {
      if (!(s.certificate instanceof X509Certificate)) {
        throw new TypeError(`"${label}.certificate" expected an X509Certificate`);
      }
      const name = s.certificateName ?? s.address;
      astring(name, `${label}.certificateName`);
      if (!certificates.some((c) => c.certificate.equal(s.certificate!))) {
        certificates.push({ name, certificate: s.certificate });
      }
    }
  });
  const blocks: ServerPriorityBlock[] = [...byPriority.keys()]
    .sort((a, b) => a - b)
    .map((p, i) => ({ name: `Priority${i + 1}`, servers: byPriority.get(p)! }));
  const group =
    options.preferredGroup === undefined ? 'My Company\\Default Group' : options.preferredGroup;
  if (group !== null) astring(group, 'preferredGroup');
  return {
    domainId: options.domainId,
    nameSpace: 'rpc',
    kcs: options.kcs,
    communication: { ...SYLINK_DEFAULT_COMMUNICATION, ...options.communication },
    serverLists: [{ name: options.serverListName ?? 'Default Management Server List', blocks }],
    certificates,
    ...(group !== null ? { registerClient: { preferredGroup: group } } : {}),
  };
}

/**
 * The certificates a client of this sylink trusts for policy signatures (pass them to
 * `verifyPolicy`/`openPolicy`) and for pinning HTTPS: those of the certificate list, without
 * duplicates, in document order.
 */
export function trustedCertificates(sylink: Sylink): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const { certificate } of sylink.certificates) {
    if (!out.some((c) => c.equal(certificate))) out.push(certificate);
  }
  return out;
}

/**
 * A copy of `sylink` with `certificate` added under `name` (after the others), or replacing the
 * entry of the same name. The input is not modified.
 */
export function withCertificate(
  sylink: Sylink,
  name: string,
  certificate: X509Certificate,
): Sylink {
  astring(name, 'name');
  if (!(certificate instanceof X509Certificate))
    throw new TypeError('"certificate" expected an X509Certificate');
  const at = sylink.certificates.findIndex((c) => c.name === name);
  const entry: SylinkCertificate = { name, certificate };
  const certificates =
    at < 0
      ? [...sylink.certificates, entry]
      : sylink.certificates.map((c, i) => (i === at ? { ...c, certificate } : c));
  return { ...sylink, certificates };
}

/**
 * A copy of `sylink` without the certificates of the given name, or equal to the given
 * certificate. The input is not modified.
 */
export function withoutCertificate(sylink: Sylink, which: string | X509Certificate): Sylink {
  const keep = (c: SylinkCertificate): boolean =>
    typeof which === 'string' ? c.name !== which : !c.certificate.equal(which);
  return { ...sylink, certificates: sylink.certificates.filter(keep) };
}

/** One server with where it stands. */
export interface PrioritizedServer {
  /** 1 for the first priority block of the list, 2 for the next, … */
  readonly priority: number;
  /** The block's `Name`. */
  readonly block: string | undefined;
  readonly server: SylinkServer;
}

/**
 * The servers of one list in the order a client tries them: block by block, as in the file
 * (KB 156653: "the first available SEPM by priority"); within a block clients load-balance, so
 * document order there is only a convention.
 *
 * @param options.list - the list's `Name`; default the first list.
 * @returns an empty array when the sylink has no such list.
 */
export function serversInPriorityOrder(
  sylink: Sylink,
  options: { list?: string } = {},
): PrioritizedServer[] {
  const list =
    options.list === undefined
      ? sylink.serverLists[0]
      : sylink.serverLists.find((l) => l.name === options.list);
  if (list === undefined) return [];
  return list.blocks.flatMap((block, i) =>
    block.servers.map((server) => ({ priority: i + 1, block: block.name, server })),
  );
}
