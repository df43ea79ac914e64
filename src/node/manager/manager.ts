/**
 * `createManager`: the five roles of a SEPM manager (Broadcom KB 158445 port table) over one
 * site: the distribution protocol on the client ports, replication and console on 8443,
 * reporting on 8445, web services on 8446; each role bound to its port, skipped (`false`), or
 * mounted on the host's own server (`Manager.handler(role)`); state kept across restarts.
 *
 * This module only composes: the pieces are `policy_store.ts`, `clients.ts`, `activity.ts`,
 * `state/`, `services.ts` (roles), `roles/client.ts`, `sylink.ts`, `servers.ts`,
 * `request_chain.ts`.
 *
 * @module
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { X509Certificate } from '../../cert/x509.js';
import { ManagerError } from '../../errors.js';
import { encodeEndorsements, isPolicyName } from '../../protocol/index.js';
import type { Sylink } from '../../sylink/model.js';
import { sha256Hex } from '../digest.js';
import { cachedBody, etagOf } from '../http/response.js';
import { tlsCredentials, type TlsCredentials } from '../http/tls_credentials.js';
import { ActivityRecorder } from './activity.js';
import { ClientRegistry } from './clients.js';
import { checkOptions, resolvedLimits, type ManagerOptions } from './options.js';
import { PolicyStore, type PublishedPolicy, type RegisteredClient } from './policy_store.js';
import { PORT_NAMES, resolvePorts, type PortName } from './ports.js';
import type { ReplicationReport } from './replication/replicator.js';
import { requestChain } from './request_chain.js';
import { distributionHandler, notFound } from './roles/client.js';
import { closeServers, startServer } from './servers.js';
import { createManagerServices, peerSet, type PortRole } from './services.js';
import { StatePersistence } from './state/persistence.js';
import { ReplicationMarks } from './replication/marks.js';
import { PeerListings } from './replication/withdrawals.js';
import { WithdrawnCopies } from './state/withdrawn_copies.js';
import { memoryStore, siteStore } from './state/store.js';
import { managerSylink } from './sylink.js';
import { updateSiteSylink } from './site_sylink.js';
import {
  isSepmPolicyType,
  SEPM_POLICY_TYPES,
  type SepmPolicyType,
} from '../sepm-rest/policy_types.js';
import { isSepmPolicyName } from '../sepm-rest/policies.js';
import { trustedCertificates } from './trust.js';

/** Where a port listens. */
export interface ManagerAddress {
  readonly host: string;
  readonly port: number;
  /** `'https'` or `'http'`. */
  readonly protocol: 'https' | 'http';
}

/** Options of {@link Manager.publishPolicy}: what SEPM's REST API shows of the policy. */
export interface PublishPolicyOptions {
  /** SEPM policy type (default `av` for a new name; a republished name keeps its type). */
  readonly type?: SepmPolicyType;
  /** Description (at most 1024 characters). */
  readonly desc?: string;
  /** Default `true`. */
  readonly enabled?: boolean;
}

/** A running (or ready) manager. */
export interface Manager {
  /**
   * Restores the saved state, then starts the servers of every role not set to `false`;
   * rejects (with nothing left listening) if one cannot start. Resolves the bound addresses
   * (roles set to `false` are absent). Call it also when every role is mounted elsewhere.
   */
  listen(): Promise<Readonly<Record<PortName, ManagerAddress>>>;
  /**
   * Stops accepting, lets in-flight responses finish, closes idle keep-alive connections, saves
   * pending state, and resolves when every server is closed.
   */
  close(): Promise<void>;
  /** Bound addresses by port (empty before `listen()`). */
  readonly addresses: Readonly<Partial<Record<PortName, ManagerAddress>>>;
  /**
   * The request listener of `role` (user handler, then the role's default), to mount on a server
   * of your own: `https.createServer(tlsOptions, manager.handler('webServices'))`.
   */
  handler(role: PortName): (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Seals `data` once and serves it under `name` on the client ports; re-signs the index. The
   * REST API lists it with a SEPM policy type (`options.type`, default `av`; docs/rest-api.md
   * "Policy types"), a description and `enabled`.
   *
   * Refuses, with `ERR_MANAGER_POLICY_REFUSED` and no change, what clients would refuse: a name
   * outside the rules (docs/protocol.md §2.3, e.g. a lone surrogate), a 1001st policy, an index
   * over 1 MiB.
   *
   * @throws TypeError when `name` is not a SEPM policy name (1..128 characters, no control
   *   characters, none of `/ \ * ? < > | : "`) or `options.type` is not a SEPM policy type.
   */
  publishPolicy(
    name: string,
    data: Uint8Array,
    options?: PublishPolicyOptions,
  ): Promise<PublishedPolicy>;
  /** Withdraws a published policy; resolves to whether it existed. */
  unpublishPolicy(name: string): Promise<boolean>;
  /** Published policies, sorted by name. */
  policies(): PublishedPolicy[];
  /**
   * The sylink clients of this manager need (the same rules as the site's `sylink.xml`):
   * domain id, Kcs, the site's and the replicating peers' certificates, and a server list with
   * this manager (priority 1, its bound client ports) then the peers. With `protocol: 'http'`
   * the entries carry only `HttpPort` (an HTTP 8014 list, KB 187099).
   *
   * @throws Error before `listen()` when a client port is 0 (the real port is not known yet),
   *   or when the `client` role is not bound by this manager.
   */
  sylink(options?: { protocol?: 'https' | 'http' }): Sylink;
  /** Registered clients (kept across restarts). */
  readonly clients: ReadonlyMap<string, RegisteredClient>;
  /** Pulls from every peer with a certificate now (replication, docs/rest-api.md). */
  replicate(): Promise<ReplicationReport[]>;
  /** The domain id. */
  readonly domainId: string;
}

// The pieces of one manager, built once.
function pieces(options: ManagerOptions) {
  const { site } = options;
  const limits = resolvedLimits(options.limits);
  const now = options.services?.now ?? Date.now;
  const withdrawn = new WithdrawnCopies();
  const store = new PolicyStore(site, options.indexSignature ?? 'raw', now, withdrawn);
  const clients = new ClientRegistry({
    max: limits.maxClients,
    maxPerNetwork: limits.maxClientsPerNetwork,
    idleMs: limits.clientIdleMs,
    now,
  });
  const activity = new ActivityRecorder(clients, now);
  const marks = new ReplicationMarks();
  const listings = new PeerListings();
  const onError = (e: unknown) => options.onError?.(e, 'manager');
  const backend = options.store ?? (site.dir !== undefined ? siteStore(site.dir) : memoryStore());
  const peers = peerSet(options.peers ?? site.peers ?? []);
  const trusted = (): X509Certificate[] => trustedCertificates(site, peers.certificates());
  // Policies kept in sealed-policy version 1 (before protocol version 2) are sealed again once.
  const upgrade = async () =>
    (
      await store.upgradeSealed(trusted(), (name, e) =>
        onError(
          new ManagerError(
            'ERR_MANAGER_SITE_INVALID',
            `policy "${name}" kept in sealed-policy version 1 does not verify or open: dropped`,
            { cause: e },
          ),
        ),
      )
    ).length > 0;
  const persistence = new StatePersistence(
    backend,
    { policies: store, clients, activity, marks, listings, withdrawn },
    onError,
    upgrade,
  );
  let credentials: Promise<TlsCredentials> | undefined;
  const ownCredentials = () => (credentials ??= tlsCredentials(site.identity));
  return {
    limits,
    store,
    clients,
    activity,
    marks,
    listings,
    withdrawn,
    persistence,
    peers,
    trusted,
    ownCredentials,
    onError,
  };
}

function endorsementsBody(options: ManagerOptions) {
  const bytes = encodeEndorsements(options.site.endorsements ?? []);
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return cachedBody(body, etagOf(sha256Hex(body)), 'application/json');
}

// `Manager.sylink`: this manager's bound (or configured) client ports, its peers, the trust list.
function sylinkOf(
  options: ManagerOptions,
  host: string,
  ports: Record<PortName, number | false>,
  addresses: Partial<Record<PortName, ManagerAddress>>,
  trusted: () => X509Certificate[],
) {
  const portOf = (name: PortName): number => {
    const n = addresses[name]?.port ?? ports[name];
    if (n === false) throw new Error(`manager.sylink(): the ${name} role is not bound here`);
    if (n === 0) throw new Error('manager.sylink(): ports are not known before listen()');
    return n;
  };
  return (o: { protocol?: 'https' | 'http' } = {}): Sylink =>
    managerSylink({
      domainId: options.site.domainId,
      kcs: options.site.kcs,
      address: options.publicAddress ?? host,
      httpsPort: portOf('client'),
      httpPort: ports.clientHttp === false ? 8014 : portOf('clientHttp'),
      peers: options.peers ?? options.site.peers ?? [],
      certificates: trusted(),
      protocol: o.protocol ?? 'https',
    });
}

// `publishPolicy`'s argument checks. A name outside the protocol's rules is left to the store
// (ERR_MANAGER_POLICY_REFUSED, as clients would refuse it); SEPM's stricter characters, an
// unknown type or a long description are argument errors.
function checkPublishArguments(name: unknown, data: unknown, opts: PublishPolicyOptions): void {
  if (typeof name !== 'string') throw new TypeError('"name" expected a string');
  if (isPolicyName(name) && !isSepmPolicyName(name)) {
    throw new TypeError(
      '"name" expected 1..128 characters without control characters or / \\ * ? < > | : "',
    );
  }
  if (opts.type !== undefined && !isSepmPolicyType(opts.type)) {
    throw new TypeError(`"options.type" expected one of ${SEPM_POLICY_TYPES.join(', ')}`);
  }
  if (opts.desc !== undefined && (typeof opts.desc !== 'string' || opts.desc.length > 1024)) {
    throw new TypeError('"options.desc" expected a string of at most 1024 characters');
  }
  if (!(data instanceof Uint8Array)) throw new TypeError('"data" expected Uint8Array');
}

/**
 * Creates a manager for `site`. Nothing listens until {@link Manager.listen}.
 *
 * Every HTTPS port uses the site's one certificate and Mozilla's "intermediate" TLS profile
 * (TLS 1.2/1.3, ECDHE + AEAD suites, X25519/P-256/P-384; see `http/tls_profile.ts`). The
 * `client` and `clientHttp` ports answer this library's distribution protocol (docs/protocol.md).
 *
 * @example
 * ```ts
 * const site = await loadSite('/var/lib/sepm', { password });
 * const manager = createManager({ site, ports: { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 } });
 * await manager.listen();
 * await manager.publishPolicy('Firewall', policyBytes);
 * ```
 */
export function createManager(options: ManagerOptions): Manager {
  checkOptions(options);
  const ports = resolvePorts(options.ports);
  const host = options.host ?? '127.0.0.1';
  const p = pieces(options);
  const addresses: Partial<Record<PortName, ManagerAddress>> = {};
  const sylink = sylinkOf(options, host, ports, addresses, p.trusted);
  const services = createManagerServices({
    site: options.site,
    store: p.store,
    clients: p.clients,
    activity: p.activity,
    marks: p.marks,
    listings: p.listings,
    withdrawn: p.withdrawn,
    sylink,
    peers: p.peers,
    trusted: p.trusted,
    credentials: p.ownCredentials,
    maxBodyBytes: p.limits.maxBodyBytes,
    maxGroups: p.limits.maxGroups,
    ...(options.services !== undefined ? { options: options.services } : {}),
    onError: p.onError,
  });
  const distribution = p.activity.tap(
    distributionHandler({
      store: p.store,
      domainId: options.site.domainId,
      clients: p.clients,
      maxBodyBytes: p.limits.maxBodyBytes,
      endorsements: endorsementsBody(options),
    }),
  ) as PortRole['handler'];
  const roles: Record<PortName, PortRole> = {
    client: { handler: distribution },
    clientHttp: { handler: distribution },
    manager: services.manager,
    reporting: services.reporting,
    webServices: services.webServices,
  };
  const life = lifecycle(options, host, ports, roles, p, addresses);
  return {
    listen: async () => {
      // Before anything binds: a site file that cannot be written fails listen() cleanly.
      await updateSiteSylink(options.site, options.peers ?? options.site.peers ?? [], p.trusted());
      const bound = await life.listen();
      services.replicator.start();
      return bound;
    },
    close: () => life.close(() => services.replicator.stop()),
    get addresses() {
      return { ...addresses };
    },
    handler: (role) => life.listenerFor(role),
    async publishPolicy(name, data, opts = {}) {
      checkPublishArguments(name, data, opts);
      await p.persistence.restore();
      // Fields not given keep their value; a new name gets type `av`, enabled, no description.
      return p.store.publish(name, data, {
        ...(opts.type !== undefined ? { policytype: opts.type } : {}),
        ...(opts.desc !== undefined ? { desc: opts.desc } : {}),
        ...(opts.enabled !== undefined ? { enabled: opts.enabled === true } : {}),
      });
    },
    async unpublishPolicy(name) {
      await p.persistence.restore();
      return p.store.unpublish(name);
    },
    policies: () => p.store.list(),
    sylink,
    clients: p.clients.map,
    async replicate() {
      // The saved replication marks first: a pull before listen() must not run without them.
      await p.persistence.restore();
      return services.replicator.replicateAll();
    },
    domainId: options.site.domainId,
  };
}

type Pieces = ReturnType<typeof pieces>;
type State = 'idle' | 'starting' | 'listening' | 'closing' | 'closed';

// Starts the server of every bound role, in order; on a failure closes those already started.
async function bindServers(
  host: string,
  ports: Record<PortName, number | false>,
  roles: Record<PortName, PortRole>,
  p: Pieces,
  listenerFor: (name: PortName) => (req: IncomingMessage, res: ServerResponse) => void,
  addresses: Partial<Record<PortName, ManagerAddress>>,
): Promise<HttpServer[]> {
  const creds = await p.ownCredentials();
  const started: HttpServer[] = [];
  try {
    for (const name of PORT_NAMES) {
      const port = ports[name];
      if (port === false) continue;
      const role = roles[name];
      const server = await startServer({
        host,
        port,
        listener: listenerFor(name),
        ...(name === 'clientHttp' ? {} : { credentials: creds }),
        ...(role.tls !== undefined ? { tls: role.tls } : {}),
        ...(role.attach !== undefined ? { attach: role.attach } : {}),
        limits: p.limits,
      }).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
        throw new ManagerError(
          'ERR_MANAGER_PORT_IN_USE',
          `port ${port} (${name}) on ${host} is already in use`,
          { cause: e, problems: [`${name}: ${host}:${port} in use`] },
        );
      });
      started.push(server);
      const a = server.address() as AddressInfo;
      addresses[name] = { host, port: a.port, protocol: name === 'clientHttp' ? 'http' : 'https' };
    }
  } catch (e) {
    await closeServers(started, 0);
    throw e;
  }
  return started;
}

// Listening and closing: the servers of the bound roles, the in-flight responses, the state.
function lifecycle(
  options: ManagerOptions,
  host: string,
  ports: Record<PortName, number | false>,
  roles: Record<PortName, PortRole>,
  p: Pieces,
  addresses: Partial<Record<PortName, ManagerAddress>>,
) {
  let servers: HttpServer[] = [];
  let state: State = 'idle';
  let closing: Promise<void> | undefined;
  const inFlight = new Set<ServerResponse>();
  const listenerFor = (name: PortName) => {
    if (!PORT_NAMES.includes(name)) throw new TypeError(`"${String(name)}" is not a manager port`);
    return requestChain(roles[name].handler, options.handlers?.[name], {
      maxBodyBytes: p.limits.maxBodyBytes,
      closing: () => state === 'closing',
      inFlight,
      onError: (e) => options.onError?.(e, name),
      notFound,
      ...(roles[name].errorAnswer !== undefined ? { errorAnswer: roles[name].errorAnswer } : {}),
    });
  };
  const bindAll = () =>
    bindServers(host, ports, roles, p, listenerFor, addresses).then((list) => {
      servers = list;
    });
  return {
    listenerFor,
    async listen(): Promise<Record<PortName, ManagerAddress>> {
      if (state !== 'idle') throw new Error('manager.listen() may be called once');
      state = 'starting';
      try {
        await p.persistence.restore();
        await bindAll();
      } catch (e) {
        for (const k of PORT_NAMES) delete addresses[k];
        state = 'closed';
        throw e;
      }
      state = 'listening';
      // Sign the index now, so the first heartbeat does not pay for it. A failure here
      // resurfaces (as a 500 and onError) on the first index request, which retries.
      p.store.index().catch((e: unknown) => options.onError?.(e, 'client'));
      return { ...addresses } as Record<PortName, ManagerAddress>;
    },
    close(stopServices: () => Promise<void>): Promise<void> {
      if (closing !== undefined) return closing;
      if (state === 'idle') {
        state = 'closed';
        return (closing = Promise.resolve());
      }
      state = 'closing';
      const stopped = stopServices();
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      closing = closeServers(servers, p.limits.closeTimeoutMs)
        .then(() => stopped)
        .then(() => p.persistence.flush())
        .then(() => {
          state = 'closed';
        });
      return closing;
    },
  };
}
