/**
 * What `createManager` takes: the site, ports, handlers, peers, limits, state store, services
 * options; their defaults and their checks.
 *
 * @module
 */
import type { X509Certificate } from '../../cert/x509.js';
import type { ServerIdentity } from '../../cert/types.js';
import type { Kcs } from '../../kcs.js';
import type { Sylink } from '../../sylink/model.js';
import type { SignedEndorsement } from '../../protocol/index.js';
import type { Handler } from '../http/handler.js';
import type { ManagerServicesOptions } from './context.js';
import { PORT_NAMES, type PortName, type PortOptions } from './ports.js';
import type { ManagerStore } from './state/store.js';

/** What a manager needs from a site (`Site` from `createSite`/`loadSite` fits). */
export interface ManagerSite {
  /** The server identity: one certificate on every HTTPS port; also signs policies and the index. */
  readonly identity: ServerIdentity;
  /** The site key that seals policies. */
  readonly kcs: Kcs;
  /** The domain id, 32 upper-case hex. */
  readonly domainId: string;
  /**
   * The certificates clients trust (the sylink certificate list). Defaults to the identity's
   * certificate; during a certificate change it also holds the old one.
   */
  readonly certificates?: readonly X509Certificate[];
  /**
   * Endorsements of the current certificate by the previous one (a loaded site's), served on the
   * client ports at `/secars/endorsements` (docs/protocol.md §2.5). Default none.
   */
  readonly endorsements?: readonly SignedEndorsement[];
  /** The site's other managers; `ManagerOptions.peers`, when given, takes their place. */
  readonly peers?: readonly ManagerPeer[];
  /**
   * The site directory (a loaded site's): the manager keeps its state in its `manager-state/`
   * folder unless `ManagerOptions.store` says otherwise.
   */
  readonly dir?: string;
  /** The address clients use (a loaded site's); with `dir` and `sylink`, see `peers`. */
  readonly address?: string;
  /**
   * The site's `sylink.xml` (a loaded site's). With `dir`, `address` and peers configured,
   * `listen()` rewrites the file so it lists the peers and their certificates as
   * `Manager.sylink()` does (one sylink truth; docs/node.md "The site's sylink.xml").
   */
  readonly sylink?: Sylink;
}

/**
 * A request listener for one port (see `Handler`): call `next()` to fall through to the role's
 * default handler.
 */
export type ManagerHandler = Handler;

/** Another manager of the same site, listed in `Manager.sylink` after this one. */
export interface ManagerPeer {
  /** Host name or IP address clients use. */
  readonly address: string;
  /** HTTPS client port (default 443). */
  readonly httpsPort?: number;
  /** HTTP client port; omit to keep clients of an HTTP list away from this peer. */
  readonly httpPort?: number;
  /** Priority block, 1 = first tried (default 2). */
  readonly priority?: number;
  /** Its manager port for replication (default 8443). */
  readonly managerPort?: number;
  /**
   * Its certificate (X509Certificate, DER or PEM): pinned for mutual TLS on 8443, trusted for
   * its signatures, and listed in `Manager.sylink`. Without it the peer is not replicated.
   */
  readonly certificate?: X509Certificate | Uint8Array | string;
}

/** Limits that bound what one client can make the manager hold. */
export interface ManagerLimits {
  /** Largest request head, bytes (default 16 KiB). */
  readonly maxHeaderSize?: number;
  /** Most header lines (default 64). */
  readonly maxHeadersCount?: number;
  /** Time to receive a complete request head, ms (default 10 s; slowloris bound). */
  readonly headersTimeoutMs?: number;
  /** Time to receive a complete request, ms (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Idle time of a keep-alive connection between requests, ms (default 5 s). */
  readonly keepAliveTimeoutMs?: number;
  /** Idle socket timeout, ms (default 60 s). */
  readonly idleTimeoutMs?: number;
  /** TLS handshake deadline, ms (default 10 s). */
  readonly handshakeTimeoutMs?: number;
  /** Largest request body, bytes (default 64 KiB); larger gives 413. */
  readonly maxBodyBytes?: number;
  /**
   * Most registered clients kept (default 100,000). Beyond it a registration is not refused:
   * the least recently seen registration of the network holding the most goes.
   */
  readonly maxClients?: number;
  /**
   * Most registered clients kept per source network, IPv4 /24 or IPv6 /64 (default 4,096).
   * Beyond it the network's least recently seen registration goes, so a flood from one network
   * churns only its own entries. Raise it when more clients reach the manager through one NAT.
   */
  readonly maxClientsPerNetwork?: number;
  /**
   * A registration not seen (no request carrying its `X-Sepm-Client-Id`) for this long, ms, is
   * dropped (default 30 days, SEPM's default for deleting clients that have not
   * connected).
   */
  readonly clientIdleMs?: number;
  /**
   * Most client groups the web services port lists, `My Company` and `Default Group` included
   * (default 20,000). Groups come from the `PreferredGroup` of anonymous registrations; a
   * registration whose group would make more is listed in `Default Group`, as SEPM lists a
   * client whose preferred group it does not have.
   */
  readonly maxGroups?: number;
  /** Deadline of a graceful `close()`, ms, after which open connections are cut (default 10 s). */
  readonly closeTimeoutMs?: number;
}

/** Options of `createManager`. */
export interface ManagerOptions {
  /** The site this manager serves. */
  readonly site: ManagerSite;
  /** Address to bind every port to (default `'127.0.0.1'`). */
  readonly host?: string;
  /** Address clients use to reach this manager, for `Manager.sylink` (default `host`). */
  readonly publicAddress?: string;
  /**
   * Port numbers by role; 0 picks a free port, `false` binds nothing for that role (mount
   * `Manager.handler(role)` on your own server instead). Omitted roles: `DEFAULT_PORTS`.
   */
  readonly ports?: PortOptions;
  /** User request listeners by port; see {@link ManagerHandler}. */
  readonly handlers?: Partial<Record<PortName, ManagerHandler>>;
  /** Other managers of the site, for `Manager.sylink` and replication. */
  readonly peers?: readonly ManagerPeer[];
  /** Request limits. */
  readonly limits?: ManagerLimits;
  /** Signature format of the policy index: `'raw'` (default) or `'cms'`. */
  readonly indexSignature?: 'raw' | 'cms';
  /**
   * Where published policies, registrations and activity are kept across restarts (see
   * `ManagerStore`). Default: `fileStore(<site.dir>/manager-state)` when the site has a
   * directory, else `memoryStore()`.
   */
  readonly store?: ManagerStore;
  /** Called with errors thrown by handlers (they also turn into a 500). */
  readonly onError?: (error: unknown, port: PortName) => void;
  /** Web services (8446), reporting (8445), console and replication (8443); docs/rest-api.md. */
  readonly services?: ManagerServicesOptions;
}

/** The defaults of {@link ManagerLimits}. */
export const DEFAULT_LIMITS: Required<ManagerLimits> = Object.freeze({
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  handshakeTimeoutMs: 10_000,
  maxBodyBytes: 64 * 1024,
  maxClients: 100_000,
  maxClientsPerNetwork: 4_096,
  clientIdleMs: 30 * 24 * 60 * 60 * 1000,
  maxGroups: 20_000,
  closeTimeoutMs: 10_000,
});

/**
 * Checks the parts of `options` that `createManager` reads at once.
 *
 * @throws TypeError naming the field for a bad site or handler.
 */
export function checkOptions(options: ManagerOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('"options" expected an object');
  const { site } = options;
  if (
    typeof site !== 'object' ||
    site === null ||
    site.identity === undefined ||
    site.kcs === undefined
  ) {
    throw new TypeError('"options.site" expected a site with identity and kcs');
  }
  if (typeof site.domainId !== 'string' || !/^[0-9A-F]{32}$/.test(site.domainId)) {
    throw new TypeError('"options.site.domainId" expected 32 upper-case hex digits');
  }
  checkLimits(options.limits);
  for (const key of Object.keys(options.handlers ?? {})) {
    if (!PORT_NAMES.includes(key as PortName))
      throw new TypeError(`"handlers.${key}" is not a manager port`);
    if (typeof options.handlers?.[key as PortName] !== 'function') {
      throw new TypeError(`"handlers.${key}" expected a function`);
    }
  }
}

// The smallest value of each limit: one of everything, except groups, where the two fixed ones
// (`My Company` and its `Default Group`) always exist.
const LIMIT_MINIMUM: Readonly<Record<keyof ManagerLimits, number>> = Object.freeze({
  ...(Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((k) => [k, 1])) as Record<
    keyof ManagerLimits,
    number
  >),
  maxGroups: 2,
});

/**
 * Checks `options.limits` before anything binds: a limit that is not a number would otherwise
 * switch its bound off without a word (a string `maxBodyBytes` compares false with every body
 * size), and Node refuses a head deadline longer than the request deadline only at `listen()`.
 *
 * @throws TypeError for a name that is not a limit; RangeError for a value that is not an
 *   integer at or above the limit's minimum, or a `headersTimeoutMs` above `requestTimeoutMs`.
 */
export function checkLimits(limits: ManagerLimits | undefined): void {
  if (limits === undefined) return;
  if (typeof limits !== 'object' || limits === null)
    throw new TypeError('"options.limits" expected an object');
  for (const [name, value] of Object.entries(limits) as [keyof ManagerLimits, unknown][]) {
    const min = LIMIT_MINIMUM[name];
    if (min === undefined) {
      const known = Object.keys(DEFAULT_LIMITS).join(', ');
      throw new TypeError(`"limits.${name}" is not a manager limit (known: ${known})`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      const got = typeof value === 'number' ? String(value) : typeof value;
      throw new RangeError(`"limits.${name}" expected an integer >= ${min}, got ${got}`);
    }
  }
  const resolved = resolvedLimits(limits);
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new RangeError(
      `"limits.headersTimeoutMs" (${resolved.headersTimeoutMs}) must not exceed "limits.requestTimeoutMs" (${resolved.requestTimeoutMs})`,
    );
  }
}

/** `limits` over {@link DEFAULT_LIMITS}; a limit given as `undefined` keeps its default. */
export function resolvedLimits(limits: ManagerLimits | undefined): Required<ManagerLimits> {
  const given = Object.entries(limits ?? {}).filter(([, v]) => v !== undefined);
  return { ...DEFAULT_LIMITS, ...(Object.fromEntries(given) as ManagerLimits) };
}
