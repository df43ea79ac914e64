/**
 * `createManager`: the five servers of a SEPM manager (Broadcom KB 158445 port table), with the
 * hardened TLS profile, request limits, graceful close, user handlers, and the distribution
 * protocol on the client ports.
 *
 * @module
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { X509Certificate } from '../cert/x509.js';
import type { ServerIdentity } from '../cert/types.js';
import type { Kcs } from '../kcs.js';
import { ManagerError } from '../errors.js';
import { TLS_SERVER_PROFILE } from './tls_profile.js';
import { tlsCredentials } from './tls_credentials.js';
import {
  PolicyStore,
  cachedBody,
  distributionHandler,
  notFound,
  type PublishedPolicy,
  type RegisteredClient,
} from './distribution.js';
import { isPolicyName, sha256Hex, etagOf } from './protocol.js';
import { encodeEndorsements, type SignedEndorsement } from './endorsement.js';
import type { Sylink, SylinkServer, ServerPriorityBlock } from '../sylink/model.js';
import type { Server as HttpsServer } from 'node:https';
import { createManagerServices } from './webservices/services.js';
import type { ManagerServicesOptions } from './webservices/context.js';
import type { ReplicationReport } from './replication/replicator.js';

/** The five manager ports, by role. */
export type PortName = 'client' | 'clientHttp' | 'manager' | 'reporting' | 'webServices';

/** Every port name, in the order servers are started. */
export const PORT_NAMES: readonly PortName[] = Object.freeze([
  'client',
  'clientHttp',
  'manager',
  'reporting',
  'webServices',
]);

/**
 * SEPM's default ports (Broadcom KB 158445): client-manager HTTPS 443 and HTTP 8014, manager and
 * console 8443, reporting 8445, web services (REST) 8446.
 */
export const DEFAULT_PORTS: Readonly<Record<PortName, number>> = Object.freeze({
  client: 443,
  clientHttp: 8014,
  manager: 8443,
  reporting: 8445,
  webServices: 8446,
});

/** The ports that speak TLS (all but `clientHttp`). */
export const HTTPS_PORTS: readonly PortName[] = Object.freeze([
  'client',
  'manager',
  'reporting',
  'webServices',
]);

/** What a manager needs from a site ({@link Site} from `createSite`/`loadSite` fits). */
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
}

/**
 * A request listener for one port. Call `next()` to fall through to the port's default handler
 * (a handler *beside* the defaults); answer the request yourself and never call `next()` to
 * replace them. A plain `(req, res)` listener therefore replaces the defaults.
 */
export type ManagerHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
) => void | Promise<void>;

/** Another manager of the same site, listed in {@link Manager.sylink} after this one. */
export interface ManagerPeer {
  /** Host name or IP address clients use. */
  readonly address: string;
  /** HTTPS client port (default 443). */
  readonly httpsPort?: number;
  /** HTTP client port; omit to keep clients on HTTPS for this peer. */
  readonly httpPort?: number;
  /** Priority block, 1 = first tried (default 2). */
  readonly priority?: number;
  /** Its manager port for replication (default 8443). */
  readonly managerPort?: number;
  /**
   * Its certificate (X509Certificate, DER or PEM): pinned for mutual TLS on 8443, trusted for
   * its signatures, and listed in {@link Manager.sylink}. Without it the peer is not replicated.
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
  /** Most registered clients kept in memory (default 100,000); more gives 503. */
  readonly maxClients?: number;
  /** Deadline of a graceful `close()`, ms, after which open connections are cut (default 10 s). */
  readonly closeTimeoutMs?: number;
}

/** Options of {@link createManager}. */
export interface ManagerOptions {
  /** The site this manager serves. */
  readonly site: ManagerSite;
  /** Address to bind every port to (default `'127.0.0.1'`). */
  readonly host?: string;
  /** Address clients use to reach this manager, for {@link Manager.sylink} (default `host`). */
  readonly publicAddress?: string;
  /** Port numbers by role; 0 picks a free port. Defaults: {@link DEFAULT_PORTS}. */
  readonly ports?: Partial<Record<PortName, number>>;
  /** User request listeners by port; see {@link ManagerHandler}. */
  readonly handlers?: Partial<Record<PortName, ManagerHandler>>;
  /** Other managers of the site, for {@link Manager.sylink}. */
  readonly peers?: readonly ManagerPeer[];
  /** Request limits. */
  readonly limits?: ManagerLimits;
  /** Signature format of the policy index: `'raw'` (default) or `'cms'`. */
  readonly indexSignature?: 'raw' | 'cms';
  /** Called with errors thrown by handlers (they also turn into a 500). */
  readonly onError?: (error: unknown, port: PortName) => void;
  /** Web services (8446), reporting (8445), console and replication (8443); docs/rest-api.md. */
  readonly services?: ManagerServicesOptions;
}

/** Where a port listens. */
export interface ManagerAddress {
  readonly host: string;
  readonly port: number;
  /** `'https'` or `'http'`. */
  readonly protocol: 'https' | 'http';
}

/** A running (or ready) manager. */
export interface Manager {
  /** Starts all five servers; rejects (with nothing left listening) if one cannot start. */
  listen(): Promise<Readonly<Record<PortName, ManagerAddress>>>;
  /**
   * Stops accepting, lets in-flight responses finish, closes idle keep-alive connections, and
   * resolves when all five servers are closed.
   */
  close(): Promise<void>;
  /** Bound addresses by port (empty before `listen()`). */
  readonly addresses: Readonly<Partial<Record<PortName, ManagerAddress>>>;
  /** Seals `data` once and serves it under `name` on the client ports; re-signs the index. */
  publishPolicy(name: string, data: Uint8Array): Promise<PublishedPolicy>;
  /** Withdraws a published policy; resolves to whether it existed. */
  unpublishPolicy(name: string): Promise<boolean>;
  /** Published policies, sorted by name. */
  policies(): PublishedPolicy[];
  /**
   * The sylink clients of this manager need: domain id, Kcs, the site's certificate list, and a
   * server list with this manager (priority 1, its bound ports) then the peers. With
   * `protocol: 'http'` the entries carry only `HttpPort` (an HTTP 8014 list, KB 187099); by
   * default they carry `HttpsPort` and `HttpPort`, and clients use HTTPS.
   *
   * @throws Error before `listen()` when a configured port is 0 (the real port is not known yet).
   */
  sylink(options?: { protocol?: 'https' | 'http' }): Sylink;
  /** Clients registered since start. */
  readonly clients: ReadonlyMap<string, RegisteredClient>;
  /** Pulls from every peer with a certificate now (replication, docs/rest-api.md). */
  replicate(): Promise<ReplicationReport[]>;
  /** The domain id. */
  readonly domainId: string;
}

const DEFAULT_LIMITS: Required<ManagerLimits> = {
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  handshakeTimeoutMs: 10_000,
  maxBodyBytes: 64 * 1024,
  maxClients: 100_000,
  closeTimeoutMs: 10_000,
};

function endorsementsBody(list: readonly SignedEndorsement[]) {
  const bytes = encodeEndorsements(list);
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return cachedBody(body, etagOf(sha256Hex(body)), 'application/json');
}

function checkPort(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
    throw new RangeError(`"ports.${name}" expected an integer in [0, 65535], got ${String(v)}`);
  }
  return v;
}

/**
 * Creates a manager for `site`. Nothing listens until {@link Manager.listen}.
 *
 * Every HTTPS port uses the site's one certificate and Mozilla's "intermediate" TLS profile
 * (TLS 1.2/1.3, ECDHE + AEAD suites, X25519/P-256/P-384; see `tls_profile.ts`). The `client` and
 * `clientHttp` ports answer this library's distribution protocol (docs/protocol.md).
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
  const host = options.host ?? '127.0.0.1';
  const ports: Record<PortName, number> = { ...DEFAULT_PORTS };
  for (const name of PORT_NAMES) {
    const v = options.ports?.[name];
    if (v !== undefined) ports[name] = checkPort(name, v);
  }
  for (const key of Object.keys(options.ports ?? {})) {
    if (!PORT_NAMES.includes(key as PortName))
      throw new TypeError(`"ports.${key}" is not a manager port`);
  }
  for (const key of Object.keys(options.handlers ?? {})) {
    if (!PORT_NAMES.includes(key as PortName))
      throw new TypeError(`"handlers.${key}" is not a manager port`);
    if (typeof options.handlers?.[key as PortName] !== 'function') {
      throw new TypeError(`"handlers.${key}" expected a function`);
    }
  }
  const limits: Required<ManagerLimits> = { ...DEFAULT_LIMITS, ...options.limits };
  const store = new PolicyStore(site, options.indexSignature ?? 'raw');
  const clients = new Map<string, RegisteredClient>();
  const distribution = distributionHandler({
    store,
    domainId: site.domainId,
    clients,
    maxBodyBytes: limits.maxBodyBytes,
    maxClients: limits.maxClients,
    endorsements: endorsementsBody(site.endorsements ?? []),
  });
  const services = createManagerServices({
    site,
    store,
    clients,
    sylink: () => manager.sylink(),
    peers: options.peers ?? site.peers ?? [],
    maxBodyBytes: limits.maxBodyBytes,
    ...(options.services !== undefined ? { options: options.services } : {}),
    onError: (e) => options.onError?.(e, 'manager'),
  });

  const defaults: Record<PortName, ManagerHandler> = {
    client: services.tap(distribution),
    clientHttp: services.tap(distribution),
    manager: services.manager,
    reporting: services.reporting,
    webServices: services.webServices,
  };

  let servers: Partial<Record<PortName, HttpServer>> = {};
  const addresses: Partial<Record<PortName, ManagerAddress>> = {};
  let state: 'idle' | 'starting' | 'listening' | 'closing' | 'closed' = 'idle';
  let closing: Promise<void> | undefined;
  const inFlight = new Set<ServerResponse>();

  function listenerFor(name: PortName) {
    const user = options.handlers?.[name];
    const fallback = defaults[name];
    const fail = (err: unknown, res: ServerResponse) => {
      options.onError?.(err, name);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json', Connection: 'close' });
        res.end('{"error":"internal error"}');
      } else {
        res.destroy();
      }
    };
    const run = (
      h: ManagerHandler,
      req: IncomingMessage,
      res: ServerResponse,
      next: () => void,
    ) => {
      try {
        const r = h(req, res, next);
        if (r !== undefined && typeof (r as Promise<void>).then === 'function') {
          (r as Promise<void>).then(undefined, (e: unknown) => fail(e, res));
        }
      } catch (e) {
        fail(e, res);
      }
    };
    const forget = (res: ServerResponse) => () => inFlight.delete(res);
    return (req: IncomingMessage, res: ServerResponse): void => {
      if (state === 'closing') res.setHeader('Connection', 'close');
      // A body larger than the limit is refused before any handler sees it.
      const cl = req.headers['content-length'];
      if (cl !== undefined && Number(cl) > limits.maxBodyBytes) {
        res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' });
        res.end('{"error":"request body too large"}');
        return;
      }
      const toDefault = () => run(fallback, req, res, () => notFound(req, res));
      if (user === undefined) toDefault();
      else run(user, req, res, toDefault);
      // Responses answered at once (the protocol's hot paths) need no tracking; the others are
      // remembered so that close() can still mark them `Connection: close`.
      if (!res.headersSent) {
        inFlight.add(res);
        res.once('close', forget(res));
      }
    };
  }

  async function startOne(
    name: PortName,
    creds: { key: string; cert: string } | undefined,
  ): Promise<HttpServer> {
    const listener = listenerFor(name);
    const common = {
      maxHeaderSize: limits.maxHeaderSize,
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    };
    const server =
      creds === undefined
        ? createHttpServer(common, listener)
        : (createHttpsServer(
            {
              ...TLS_SERVER_PROFILE,
              ...(name === 'manager' ? services.managerTls : {}),
              ...common,
              key: creds.key,
              cert: creds.cert,
              handshakeTimeout: limits.handshakeTimeoutMs,
            },
            listener,
          ) as unknown as HttpServer);
    if (name === 'manager') services.attachManagerServer(server as unknown as HttpsServer);
    server.maxHeadersCount = limits.maxHeadersCount;
    server.timeout = limits.idleTimeoutMs;
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    // Failed handshakes and garbage on the wire: drop the socket, never crash.
    // The status says which limit was hit (RFC 6585 §5: 431 for an oversized head; 408 for a
    // head or request that took too long), then the connection closes.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const status =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    server.on('tlsClientError', (_err, socket) => socket.destroy());
    const s = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        s.off('listening', onListening);
        reject(e);
      };
      const onListening = () => {
        s.off('error', onError);
        resolve();
      };
      s.once('error', onError);
      s.once('listening', onListening);
      s.listen({ host, port: ports[name], exclusive: true });
    });
    return server;
  }

  async function closeServers(list: HttpServer[], deadlineMs: number): Promise<void> {
    const timer = setTimeout(() => {
      for (const s of list) s.closeAllConnections();
    }, deadlineMs);
    timer.unref();
    // A keep-alive connection becomes idle when its last response is written; close those as
    // they appear instead of waiting for the keep-alive timeout.
    const sweep = setInterval(() => {
      for (const s of list) s.closeIdleConnections();
    }, 20);
    sweep.unref();
    try {
      await Promise.all(
        list.map(
          (s) =>
            new Promise<void>((resolve) => {
              if (!s.listening) {
                // A server that never bound has nothing to close.
                s.close(() => resolve());
                return;
              }
              s.close(() => resolve());
              s.closeIdleConnections();
            }),
        ),
      );
    } finally {
      clearTimeout(timer);
      clearInterval(sweep);
    }
  }

  const manager: Manager = {
    async listen() {
      if (state !== 'idle') throw new Error('manager.listen() may be called once');
      state = 'starting';
      const creds = await tlsCredentials(site.identity);
      const started: HttpServer[] = [];
      try {
        for (const name of PORT_NAMES) {
          try {
            const server = await startOne(name, name === 'clientHttp' ? undefined : creds);
            started.push(server);
            servers[name] = server;
            const a = server.address() as AddressInfo;
            addresses[name] = {
              host,
              port: a.port,
              protocol: name === 'clientHttp' ? 'http' : 'https',
            };
          } catch (e) {
            const err = e as NodeJS.ErrnoException;
            if (err.code === 'EADDRINUSE') {
              throw new ManagerError(
                'ERR_MANAGER_PORT_IN_USE',
                `port ${ports[name]} (${name}) on ${host} is already in use`,
                { cause: e, problems: [`${name}: ${host}:${ports[name]} in use`] },
              );
            }
            throw e;
          }
        }
      } catch (e) {
        await closeServers(started, 0);
        servers = {};
        for (const k of PORT_NAMES) delete addresses[k];
        state = 'closed';
        throw e;
      }
      state = 'listening';
      services.start();
      // Sign the (empty) index now, so the first heartbeat does not pay for it. A failure here
      // resurfaces (as a 500 and onError) on the first index request, which retries.
      store.index().catch((e: unknown) => options.onError?.(e, 'client'));
      return { ...addresses } as Record<PortName, ManagerAddress>;
    },
    close() {
      if (closing !== undefined) return closing;
      if (state === 'idle') {
        state = 'closed';
        return (closing = Promise.resolve());
      }
      state = 'closing';
      void services.stop();
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      closing = closeServers(Object.values(servers), limits.closeTimeoutMs).then(() => {
        state = 'closed';
      });
      return closing;
    },
    get addresses() {
      return { ...addresses };
    },
    async publishPolicy(name, data) {
      if (!isPolicyName(name)) {
        throw new TypeError(
          '"name" expected 1..128 characters without control characters, "/" or "\\"',
        );
      }
      if (!(data instanceof Uint8Array)) throw new TypeError('"data" expected Uint8Array');
      const published = await store.publish(name, data);
      services.published(name);
      return published;
    },
    async unpublishPolicy(name) {
      const had = await store.unpublish(name);
      if (had) services.published(name);
      return had;
    },
    policies() {
      return store.list();
    },
    sylink(opts = {}) {
      const protocol = opts.protocol ?? 'https';
      const portOf = (name: PortName): number => {
        const p = addresses[name]?.port ?? ports[name];
        if (p === 0) throw new Error('manager.sylink(): ports are not known before listen()');
        return p;
      };
      const address = options.publicAddress ?? host;
      const entry = (
        addr: string,
        https: number | undefined,
        http: number | undefined,
      ): SylinkServer =>
        protocol === 'http'
          ? { address: addr, httpPort: http ?? 8014, verifySignatures: true }
          : {
              address: addr,
              httpsPort: https ?? 443,
              ...(http !== undefined ? { httpPort: http } : {}),
              verifySignatures: true,
            };
      const byPriority = new Map<number, SylinkServer[]>();
      byPriority.set(1, [entry(address, portOf('client'), portOf('clientHttp'))]);
      for (const peer of options.peers ?? site.peers ?? []) {
        if (protocol === 'http' && peer.httpPort === undefined) continue;
        const pr = peer.priority ?? 2;
        byPriority.set(pr, [
          ...(byPriority.get(pr) ?? []),
          entry(peer.address, peer.httpsPort, peer.httpPort),
        ]);
      }
      const blocks: ServerPriorityBlock[] = [...byPriority.keys()]
        .sort((a, b) => a - b)
        .map((pr) => ({ name: `Priority${pr}`, servers: byPriority.get(pr)! }));
      // The site's certificates and the peers': clients verify what either signed.
      const certs = services.trusted();
      return {
        domainId: site.domainId,
        nameSpace: 'rpc',
        kcs: site.kcs,
        communication: {
          alwaysConnect: true,
          mode: 'PULL',
          pullHeartbeatSeconds: 300,
          pushHeartbeatSeconds: 300,
          randomizationEnabled: true,
          randomizationRange: 300,
        },
        serverLists: [{ name: 'Default Management Server List', blocks }],
        certificates: certs.map((certificate, i) => ({
          name: i === 0 ? address : `${address} (${i + 1})`,
          certificate,
        })),
      };
    },
    clients,
    replicate: () => services.replicate(),
    domainId: site.domainId,
  };
  return manager;
}
