/**
 * The roles of the manager, web services, reporting and console ports, built over the pieces
 * they share (policy store, registrations, activity, accounts and tokens, peers, replication).
 * Each role is a {@link PortRole}: its handler and, for 8443, its TLS options. Dependencies point
 * one way: roles read the pieces; the pieces announce their changes (`PolicyStore.onChange`).
 *
 * @module
 */
import type { Server as HttpsServer } from 'node:https';
import type { X509Certificate } from '../../cert/x509.js';
import type { Sylink } from '../../sylink/model.js';
import type { Handler } from '../http/handler.js';
import type { ChainErrorAnswer } from './request_chain.js';
import type { PolicyStore } from './policy_store.js';
import type { ClientRegistry } from './clients.js';
import type { ActivityRecorder } from './activity.js';
import { reportingHandler } from './roles/reporting.js';
import { consoleHandler } from './console/handler.js';
import { replicationHandler } from './replication/handler.js';
import {
  PeerSet,
  MANAGER_PORT_TLS,
  guardManagerServer,
  type PeerConfig,
} from './replication/peers.js';
import { Replicator } from './replication/replicator.js';
import type { ReplicationMarks } from './replication/marks.js';
import type { PeerListings } from './replication/withdrawals.js';
import type { WithdrawnCopies } from './state/withdrawn_copies.js';
import type { OwnCredentials } from './replication/peer_client.js';
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
  type ServicesContext,
  type ServicesSite,
} from './context.js';
import { webServicesHandler } from './roles/webservices.js';
import { sepmChainAnswer } from '../sepm-rest/listener.js';

/** One port's default handler and what its server needs beside it. */
export interface PortRole {
  readonly handler: Handler;
  /** Extra TLS server options. */
  readonly tls?: object;
  /** Called with the server before it listens. */
  readonly attach?: (server: HttpsServer) => void;
  /** The request chain's 413 and 500 answers in the role's error shape (default `{"error"}`). */
  readonly errorAnswer?: ChainErrorAnswer;
}

/** Inputs of {@link createManagerServices} (from `createManager`). */
export interface ManagerServicesInput {
  readonly site: ServicesSite;
  readonly store: PolicyStore;
  readonly clients: ClientRegistry;
  readonly activity: ActivityRecorder;
  /** The replication high-water marks (kept in the manager's state). */
  readonly marks: ReplicationMarks;
  /** What each peer listed last (kept in the manager's state). */
  readonly listings: PeerListings;
  /** The copies withdrawn here, never taken back (kept in the manager's state). */
  readonly withdrawn: WithdrawnCopies;
  /** The manager's sylink (for the console's download). */
  readonly sylink: () => Sylink;
  /** Peers, already checked; those with a certificate are replicated with. */
  readonly peers: PeerSet;
  /** The site's and the peers' certificates. */
  readonly trusted: () => X509Certificate[];
  /** This manager's TLS credentials, for mutual TLS to peers. */
  readonly credentials: () => Promise<OwnCredentials>;
  readonly maxBodyBytes: number;
  /** Most groups the REST lists show (`ManagerLimits.maxGroups`). */
  readonly maxGroups: number;
  readonly options?: ManagerServicesOptions;
  readonly onError?: (error: unknown) => void;
}

/** The roles and the replicator of one manager. */
export interface ManagerServices {
  readonly webServices: PortRole;
  readonly reporting: PortRole;
  /** 8443: replication, then the console. */
  readonly manager: PortRole;
  readonly replicator: Replicator;
}

function positive(v: number | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`"services.${name}" expected a positive number`);
  }
  return v;
}

function accountsOf(site: ServicesSite, o: ManagerServicesOptions): Account[] {
  const accounts: Account[] = [];
  if (typeof site.adminUsername === 'string' && typeof site.verifyAdminPassword === 'function') {
    const verify = site.verifyAdminPassword.bind(site);
    accounts.push({ username: site.adminUsername, role: 'administrator', verifyPassword: verify });
  }
  for (const a of o.accounts ?? []) accounts.push(accountFromCredential(a.credential, a.role));
  return accounts;
}

/** Checks `peers` (TypeError/RangeError for a malformed entry). */
export function peerSet(peers: readonly PeerConfig[]): PeerSet {
  return new PeerSet(peers);
}

/** Builds the services of one manager. */
export function createManagerServices(input: ManagerServicesInput): ManagerServices {
  const o = input.options ?? {};
  const now = o.now ?? Date.now;
  const { site, store, peers } = input;
  const accounts = accountsOf(site, o);
  const replicator = new Replicator({
    store,
    marks: input.marks,
    listings: input.listings,
    withdrawn: input.withdrawn,
    kcs: site.kcs,
    domainId: site.domainId,
    peers,
    credentials: input.credentials,
    trusted: input.trusted,
    intervalMs: o.replication?.intervalMs ?? 60_000,
    timeoutMs: positive(o.replication?.timeoutMs, 'replication.timeoutMs', 10_000),
    now,
    ...(input.onError !== undefined ? { onError: input.onError } : {}),
  });
  // Every change, made here or replicated, is passed on: a peer of ours may not be the source's.
  store.onChange(() => replicator.notifyPeers());
  const ctx: ServicesContext = {
    site,
    store,
    clients: input.clients.map,
    clientsVersion: () => input.clients.version,
    maxGroups: input.maxGroups,
    sylink: input.sylink,
    peers,
    maxBodyBytes: input.maxBodyBytes,
    now,
    tokens: new TokenStore(now),
    throttle: new LoginThrottle(now, o.throttle),
    auth: accounts.length > 0 ? new Authenticator(accounts, o.maxConcurrentLogins ?? 4) : undefined,
    tokenTtlMs: positive(o.tokenTtlMs, 'tokenTtlMs', 3_600_000),
    sessionTtlMs: positive(o.sessionTtlMs, 'sessionTtlMs', 1_800_000),
    apiVersion: o.apiVersion ?? DEFAULT_API_VERSION,
    activity: input.activity,
    replicator,
    trusted: input.trusted,
  };
  const replication = replicationHandler(ctx);
  const console_ = consoleHandler(ctx);
  // The console's promise is awaited too, so that its failures reach the manager's 500 path.
  const manager: Handler = async (req, res, next) => {
    let inner: void | Promise<void> = undefined;
    await replication(req, res, () => {
      inner = console_(req, res, next);
    });
    await inner;
  };
  return {
    webServices: { handler: webServicesHandler(ctx), errorAnswer: sepmChainAnswer },
    reporting: { handler: reportingHandler(ctx) },
    manager: {
      handler: manager,
      tls: MANAGER_PORT_TLS,
      attach: (server) => guardManagerServer(server, peers),
    },
    replicator,
  };
}
