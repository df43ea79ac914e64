/**
 * What the SEPM REST layer needs from a manager: a narrow, read-mostly view of the site's domain,
 * its published policies, its registered clients, its servers and its replication, plus an
 * authentication service. The handler (`createSepmRestHandler`) turns these into SEPM's JSON
 * shapes (docs/rest-api.md); it keeps no state of its own.
 *
 * @module
 */
import type { SepmPolicyType } from './policy_types.js';

/** The site's one domain (SEPM `Domain` / `DomainSummary`). */
export interface SepmDomainRecord {
  /** 32 upper-case hex digits (the site's domain id, `sylink.xml` `DomainId`). */
  readonly id: string;
  /** SEPM's default domain is named `Default`. */
  readonly name: string;
  readonly description?: string;
  readonly companyName?: string;
  /** ms since the epoch, when known. */
  readonly createdTime?: number;
  /** Accounts that may log in to it. */
  readonly administratorCount?: number;
}

/** A published policy (SEPM `PolicySummary`). */
export interface SepmPolicyRecord {
  /** 32 upper-case hex digits, stable for the policy's name across the site's managers. */
  readonly id: string;
  readonly name: string;
  readonly type: SepmPolicyType;
  readonly desc?: string;
  readonly enabled: boolean;
  /** Last publication, ms since the epoch. */
  readonly lastModified: number;
  /** This library's per-policy serial (the signed index's). */
  readonly serial: number;
}

/** A client registration (SEPM `Computer`). */
export interface SepmRegistrationRecord {
  /** The id the manager issued at registration: SEPM's `agentId`. */
  readonly agentId: string;
  /** The client's hardware key, when it sent one; else the agent id stands in. */
  readonly hardwareKey?: string;
  readonly computerName?: string;
  /** Addresses the client registered or was last seen from (most recent first). */
  readonly ipAddresses?: readonly string[];
  readonly macAddresses?: readonly string[];
  /** `sylink.xml` `RegisterClient/@PreferredGroup`, e.g. `My Company\Default Group`. */
  readonly preferredGroup?: string;
  /** SEPM's OS name (`Win10`, `Ubuntu`, …), when known. */
  readonly operatingSystem?: string;
  /** ms since the epoch. */
  readonly registeredAt: number;
  /** Last heartbeat (index fetch), ms since the epoch. */
  readonly lastHeartbeat?: number;
}

/** A manager of the site (SEPM `Server`). */
export interface SepmServerRecord {
  /** 32 upper-case hex digits. */
  readonly id: string;
  /** Host name or address. */
  readonly name: string;
  /** Whether this is the manager answering. */
  readonly self: boolean;
}

/** SEPM's replication status codes (`ReplicationPartnerStatus.status_code`). */
export type SepmReplicationStatusCode =
  | 'SUCCEEDED'
  | 'CONNECTING'
  | 'AUTHENTICATING'
  | 'SUBMITTING'
  | 'PROCESSING'
  | 'CANCELED'
  | 'NEVER_REPLICATED'
  | 'FAILED_CONNECT';

/** A replication partner (SEPM `ReplicationPartnerStatus`): here, a peer manager. */
export interface SepmReplicationPartner {
  readonly id: string;
  /** What `POST /replication/replicatenow?partnerSiteName=` names it by. */
  readonly name: string;
  /** ms since the epoch; 0 when never. */
  readonly lastRunTime: number;
  readonly lastSuccessfulRunTime: number;
  readonly nextRunTime: number;
  readonly status: SepmReplicationStatusCode;
}

/** The local site's replication (SEPM `ReplicationStatus`). */
export interface SepmReplicationRecord {
  readonly siteId: string;
  readonly siteName: string;
  readonly partners: readonly SepmReplicationPartner[];
}

/** What {@link SepmRestModel.publish} takes (this library's call, not SEPM's). */
export interface SepmPublishInput {
  readonly name: string;
  readonly type: SepmPolicyType;
  readonly content: Uint8Array;
  readonly desc?: string;
  readonly enabled?: boolean;
}

/** Why {@link SepmRestModel.publish} refused. */
export type SepmPublishRefusal = { readonly refused: 'type_conflict' };

/** The manager's state as the SEPM REST layer sees it. */
export interface SepmRestModel {
  /** Clock, ms since the epoch. */
  now(): number;
  /** `GET /version` (a map of strings). */
  apiVersion(): Readonly<Record<string, string>>;
  domain(): SepmDomainRecord;
  policies(): readonly SepmPolicyRecord[];
  /** The policy's content as published (opened from its seal). */
  policyContent(policy: SepmPolicyRecord): Promise<Uint8Array>;
  registrations(): readonly SepmRegistrationRecord[];
  /** This manager first, then its peers. */
  servers(): readonly SepmServerRecord[];
  replication(): SepmReplicationRecord;
  /** Pulls from one partner now; resolves whether it succeeded. */
  replicateNow(partnerId: string): Promise<boolean>;
  /** Publishes (this library's `POST /policies/raw/{type}`); absent: publishing answers 404. */
  publish?(input: SepmPublishInput): Promise<SepmPolicyRecord | SepmPublishRefusal>;
  /** Withdraws (this library's `DELETE /policies/raw/{type}/{id}`). */
  withdraw?(policy: SepmPolicyRecord): Promise<void>;
}

/** Who a token belongs to. */
export interface SepmSession {
  readonly username: string;
  /** `administrator` maps to SEPM's system administrator, `reader` to a limited administrator. */
  readonly role: 'administrator' | 'reader';
  /** ms since the epoch. */
  readonly expiresAt: number;
}

/** What {@link SepmRestAuth.authenticate} resolves. */
export type SepmAuthOutcome =
  | { readonly ok: true; readonly token: string; readonly session: SepmSession }
  | { readonly ok: false; readonly reason: 'invalid' }
  | {
      readonly ok: false;
      readonly reason: 'throttled' | 'busy';
      /** Seconds the caller should wait. */
      readonly retryAfterSeconds: number;
    };

/** Logins and bearer tokens. */
export interface SepmRestAuth {
  /**
   * Checks a login. `domainMatches` false (another domain was named) must fail like a wrong
   * password, in the same time, so that a domain name cannot be probed.
   */
  authenticate(
    credentials: { readonly username: string; readonly password: string },
    context: { readonly from: string; readonly domainMatches: boolean },
  ): Promise<SepmAuthOutcome>;
  /** The live session of `token`, `undefined` if unknown, malformed or expired. */
  session(token: string): SepmSession | undefined;
  /** Revokes `token`. */
  logout(token: string): void;
}
