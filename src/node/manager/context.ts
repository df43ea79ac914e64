/**
 * What the web services, reporting, console and replication handlers share inside one manager:
 * the site, the policy store, registered clients, accounts, tokens, the login throttle, policy
 * metadata and activity counters. Built once per manager by `createManagerServices`.
 *
 * @module
 */
import { sepmStyleId } from '../digest.js';
import type { X509Certificate } from '../../cert/x509.js';
import type { ServerIdentity } from '../../cert/types.js';
import type { Kcs } from '../../kcs.js';
import type { Sylink } from '../../sylink/model.js';
import type { PolicyStore, RegisteredClient } from './policy_store.js';
export type { PolicyMeta } from './policy_store.js';
import type {
  Authenticator,
  LoginThrottle,
  Role,
  ScryptCredential,
  ThrottleOptions,
  TokenStore,
} from './auth.js';
import type { ActivityRecorder } from './activity.js';
import type { Replicator } from './replication/replicator.js';
import type { PeerSet } from './replication/peers.js';

/** The `GET /sepm/api/v1/version` answer (SEPM: a map of strings). */
export interface ApiVersion {
  readonly API_SEQUENCE: string;
  readonly API_VERSION: string;
  readonly version: string;
}

/**
 * The values SEPM 14.3 RU9 answers (PSSEPM live capture, `API_SEQUENCE` 240604011): scripts that
 * check the API level before calling see a 14.3 RU9 server. Override with
 * {@link ManagerServicesOptions.apiVersion}.
 */
export const DEFAULT_API_VERSION: ApiVersion = Object.freeze({
  API_SEQUENCE: '240604011',
  API_VERSION: '14.3.9000',
  version: '14.3.25029.9000',
});

/** Options of the manager's web services, reporting, console and replication (`createManager({ services })`). */
export interface ManagerServicesOptions {
  /** Clock in ms since the epoch for tokens, sessions and throttling (default `Date.now`). */
  readonly now?: () => number;
  /** Life of a REST bearer token, ms (default 3,600,000: one hour). */
  readonly tokenTtlMs?: number;
  /** Life of a console session, ms (default 1,800,000: 30 minutes). */
  readonly sessionTtlMs?: number;
  /**
   * More accounts beside the site admin (whose credential comes from the site), each a scrypt
   * credential (`hashPassword`) and a role; `'reader'` accounts get 403 on writes.
   */
  readonly accounts?: readonly { readonly credential: ScryptCredential; readonly role: Role }[];
  /** Failed-login throttling per source address and per source network (IPv4 /24, IPv6 /64). */
  readonly throttle?: ThrottleOptions;
  /**
   * scrypt verifications allowed at once (default 4); more logins wait, the source networks
   * taking turns (2 waiting per network, 64 in all), and beyond that get 503 + `Retry-After`.
   */
  readonly maxConcurrentLogins?: number;
  /** Answer of `GET /sepm/api/v1/version` (default {@link DEFAULT_API_VERSION}). */
  readonly apiVersion?: ApiVersion;
  /** Manager-to-manager replication. */
  readonly replication?: {
    /** Pull from every peer this often, ms (default 60,000; 0 = only on notify or `replicate()`). */
    readonly intervalMs?: number;
    /** Deadline of one request to a peer, ms (default 10,000). */
    readonly timeoutMs?: number;
  };
}

/** The site fields the services use (`Site` from `loadSite` fits). */
export interface ServicesSite {
  readonly identity: ServerIdentity;
  readonly kcs: Kcs;
  readonly domainId: string;
  readonly certificates?: readonly X509Certificate[];
  /** The admin user name (`Site.adminUsername`). */
  readonly adminUsername?: string;
  /** The admin password check (`Site.verifyAdminPassword`: scrypt + `timingSafeEqual`). */
  verifyAdminPassword?(password: string): Promise<boolean>;
}

/**
 * The pieces of one manager the port roles draw on (internal). Each role takes only the fields
 * it uses (`WebServicesDeps`, `ReportingDeps`, `ConsoleDeps`, `ReplicationDeps`), so a role can
 * be replaced or mounted elsewhere without the rest.
 */
export interface ServicesContext {
  readonly site: ServicesSite;
  readonly store: PolicyStore;
  readonly clients: ReadonlyMap<string, RegisteredClient>;
  /** Changes whenever a registration comes or goes (`ClientRegistry.version`). */
  clientsVersion(): number;
  /** Most groups the REST lists show (`ManagerLimits.maxGroups`). */
  readonly maxGroups: number;
  /** The manager's sylink (`Manager.sylink()`). */
  sylink(): Sylink;
  readonly peers: PeerSet;
  readonly maxBodyBytes: number;
  readonly now: () => number;
  readonly tokens: TokenStore;
  readonly throttle: LoginThrottle;
  /** `undefined` when the site has no admin credential and no account is configured. */
  readonly auth: Authenticator | undefined;
  readonly tokenTtlMs: number;
  readonly sessionTtlMs: number;
  readonly apiVersion: ApiVersion;
  readonly activity: ActivityRecorder;
  readonly replicator: Replicator;
  /** Certificates that may sign policies and indexes served here: the site's and the peers'. */
  trusted(): X509Certificate[];
}

/**
 * A policy's REST id: 32 upper-case hex digits (SEPM ids look so), derived from the name so that
 * every manager of the site gives a replicated policy the same id.
 */
export function policyId(name: string): string {
  return sepmStyleId('sepm-crypto policy id', name);
}

/**
 * What the web services role (8446) uses: site facts, policies, registrations and their
 * activity, peers and replication, tokens and accounts.
 */
export type WebServicesDeps = Pick<
  ServicesContext,
  | 'activity'
  | 'apiVersion'
  | 'auth'
  | 'clients'
  | 'clientsVersion'
  | 'maxBodyBytes'
  | 'maxGroups'
  | 'now'
  | 'peers'
  | 'replicator'
  | 'site'
  | 'store'
  | 'throttle'
  | 'tokenTtlMs'
  | 'tokens'
  | 'trusted'
>;

/** What the reporting role (8445) uses. */
export type ReportingDeps = Pick<ServicesContext, 'activity' | 'now' | 'site' | 'tokens'>;

/** What the console (8443) uses. */
export type ConsoleDeps = Pick<
  ServicesContext,
  | 'activity'
  | 'replicator'
  | 'sessionTtlMs'
  | 'site'
  | 'store'
  | 'sylink'
  | 'tokens'
  | 'trusted'
  | 'auth'
  | 'throttle'
  | 'tokenTtlMs'
  | 'maxBodyBytes'
  | 'now'
>;

/** What the replication role (8443) uses. */
export type ReplicationDeps = Pick<ServicesContext, 'peers' | 'replicator' | 'store'>;

/** What a login uses (REST and console). */
export type LoginDeps = Pick<
  ServicesContext,
  'auth' | 'throttle' | 'tokens' | 'sessionTtlMs' | 'tokenTtlMs'
>;
