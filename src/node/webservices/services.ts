/**
 * `createManagerServices`: builds, for one manager, the default handlers of the web services
 * (8446), reporting (8445) and manager (8443: replication + console) ports, the activity tap of
 * the client ports, and the replication timer. `createManager` wires these in.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { X509Certificate } from '../../cert/x509.js';
import type { Sylink } from '../../sylink/model.js';
import type { PolicyStore, RegisteredClient } from '../distribution.js';
import { tlsCredentials } from '../tls_credentials.js';
import { ActivityRecorder } from '../reporting/activity.js';
import { reportingHandler } from '../reporting/handler.js';
import { consoleHandler } from '../console/handler.js';
import { replicationHandler } from '../replication/handler.js';
import {
  PeerSet,
  MANAGER_PORT_TLS,
  derFingerprint,
  guardManagerServer,
  type PeerConfig,
} from '../replication/peers.js';
import { Replicator, type ReplicationReport } from '../replication/replicator.js';
import type { OwnCredentials } from '../replication/peer_client.js';
import {
  Authenticator,
  LoginThrottle,
  TokenStore,
  accountFromCredential,
  type Account,
} from './auth.js';
import {
  DEFAULT_API_VERSION,
  type ManagerServicesOptions,
  type PolicyMeta,
  type ServicesContext,
  type ServicesSite,
} from './context.js';
import { webServicesHandler } from './handler.js';

/** A port's request listener, as `createManager` mounts it. */
export type ServiceHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
) => void | Promise<void>;

/** Inputs of {@link createManagerServices} (from `createManager`). */
export interface ManagerServicesInput {
  readonly site: ServicesSite;
  readonly store: PolicyStore;
  readonly clients: ReadonlyMap<string, RegisteredClient>;
  readonly sylink: () => Sylink;
  /** Peers; those with a `certificate` are replicated with. */
  readonly peers: readonly PeerConfig[];
  readonly maxBodyBytes: number;
  readonly options?: ManagerServicesOptions;
  readonly onError?: (error: unknown) => void;
}

/** What `createManager` mounts and drives. */
export interface ManagerServices {
  /** Default handler of the `webServices` port (8446). */
  readonly webServices: ServiceHandler;
  /** Default handler of the `reporting` port (8445). */
  readonly reporting: ServiceHandler;
  /** Default handler of the `manager` port (8443): replication, then the console. */
  readonly manager: ServiceHandler;
  /** Wraps a client-port handler so that reporting counts what it serves. */
  tap(handler: ServiceHandler): ServiceHandler;
  /** TLS options of the manager port (ask for client certificates; peers are pinned). */
  readonly managerTls: typeof MANAGER_PORT_TLS;
  /** Installs the TLS-level refusal of unknown client certificates on the manager port. */
  attachManagerServer(server: HttpsServer): void;
  /** Starts the replication timer (after `listen()`). */
  start(): void;
  /** Stops it (before `close()` completes). */
  stop(): Promise<void>;
  /** To call after a local publication or withdrawal of `name`. */
  published(name: string): void;
  /** Pulls from every peer now. */
  replicate(): Promise<ReplicationReport[]>;
  /** The site's and the peers' certificates. */
  trusted(): X509Certificate[];
  /** Client activity counters. */
  readonly activity: ActivityRecorder;
}

function positive(v: number | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`"services.${name}" expected a positive number`);
  }
  return v;
}

/** Builds the services of one manager. */
export function createManagerServices(input: ManagerServicesInput): ManagerServices {
  const o = input.options ?? {};
  const now = o.now ?? Date.now;
  const { site, store } = input;
  const peers = new PeerSet(input.peers);

  const accounts: Account[] = [];
  if (typeof site.adminUsername === 'string' && typeof site.verifyAdminPassword === 'function') {
    const verify = site.verifyAdminPassword.bind(site);
    accounts.push({ username: site.adminUsername, role: 'administrator', verifyPassword: verify });
  }
  for (const a of o.accounts ?? []) accounts.push(accountFromCredential(a.credential, a.role));

  let credentials: Promise<OwnCredentials> | undefined;
  const ownCredentials = () => (credentials ??= tlsCredentials(site.identity));

  const trusted = (): X509Certificate[] => {
    const all = [...(site.certificates ?? [site.identity.certificate]), ...peers.certificates()];
    const seen = new Set<string>();
    return all.filter((c) => {
      const fp = derFingerprint(new Uint8Array(c.rawData));
      if (seen.has(fp)) return false;
      seen.add(fp);
      return true;
    });
  };

  const meta = new Map<string, PolicyMeta>();
  const touch = (name: string) => {
    if (store.get(name) === undefined) {
      meta.delete(name);
      return;
    }
    const m = meta.get(name);
    meta.set(name, {
      policytype: m?.policytype ?? 'generic',
      desc: m?.desc ?? '',
      enabled: m?.enabled ?? true,
      lastmodifiedtime: now(),
    });
  };

  const replicator: Replicator = new Replicator({
    store,
    kcs: site.kcs,
    domainId: site.domainId,
    peers,
    credentials: ownCredentials,
    trusted,
    intervalMs: o.replication?.intervalMs ?? 60_000,
    timeoutMs: positive(o.replication?.timeoutMs, 'replication.timeoutMs', 10_000),
    now,
    onChange(taken) {
      for (const n of taken) touch(n);
      // Pass it on: a peer of ours may not be a peer of the source.
      replicator.notifyPeers();
    },
    ...(input.onError !== undefined ? { onError: input.onError } : {}),
  });

  const activity = new ActivityRecorder(input.clients, now);
  const ctx: ServicesContext = {
    site,
    store,
    clients: input.clients,
    sylink: input.sylink,
    peers,
    maxBodyBytes: input.maxBodyBytes,
    now,
    tokens: new TokenStore(now),
    throttle: new LoginThrottle(now, o.throttle),
    auth: accounts.length > 0 ? new Authenticator(accounts, o.maxConcurrentLogins ?? 4) : undefined,
    tokenTtlMs: positive(o.tokenTtlSeconds, 'tokenTtlSeconds', 3600) * 1000,
    sessionTtlMs: positive(o.sessionTtlSeconds, 'sessionTtlSeconds', 1800) * 1000,
    apiVersion: o.apiVersion ?? DEFAULT_API_VERSION,
    meta,
    activity,
    replicator,
    trusted,
    published(name) {
      touch(name);
      replicator.notifyPeers();
    },
  };

  const replication = replicationHandler(ctx);
  const console_ = consoleHandler(ctx);
  return {
    webServices: webServicesHandler(ctx),
    reporting: reportingHandler(ctx),
    // The console's promise is awaited too, so that its failures reach the manager's 500 path.
    manager: async (req, res, next) => {
      let inner: void | Promise<void> = undefined;
      await replication(req, res, () => {
        inner = console_(req, res, next);
      });
      await inner;
    },
    tap: (handler) => activity.tap(handler) as ServiceHandler,
    managerTls: MANAGER_PORT_TLS,
    attachManagerServer: (server) => guardManagerServer(server, peers),
    start: () => replicator.start(),
    stop: () => replicator.stop(),
    published: ctx.published,
    replicate: () => replicator.replicateAll(),
    trusted,
    activity,
  };
}
