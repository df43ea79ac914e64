/**
 * `sepmRestModel`: the {@link SepmRestModel} of a manager, from a plain view of its state (the
 * policy store and its metadata, registered clients and their activity, replication peers).
 * The manager's web services role builds the view from its parts; the mapping onto SEPM's
 * records lives here (docs/rest-api.md "The SEPM contract").
 *
 * @module
 */
import type {
  SepmPolicyRecord,
  SepmRegistrationRecord,
  SepmReplicationPartner,
  SepmRestModel,
  SepmServerRecord,
} from './model.js';
import { DEFAULT_SEPM_POLICY_TYPE, isSepmPolicyType, type SepmPolicyType } from './policy_types.js';

/** A policy's SEPM metadata as the manager keeps it. */
export interface PolicyMetaView {
  readonly policytype: string;
  readonly desc: string;
  readonly enabled: boolean;
  /** ms since the epoch. */
  readonly lastmodifiedtime: number;
}

/** A registered client as the manager keeps it. */
export interface ClientView {
  readonly clientId: string;
  readonly hostname: string | undefined;
  readonly registeredAt: Date;
  readonly preferredGroup?: string | undefined;
  /** The address it registered from. */
  readonly address?: string | undefined;
}

/** What the client ports saw of a client since start. */
export interface ActivityView {
  /** Last request (ms since the epoch, or a Date); 0 when none. */
  readonly lastSeen: number | Date;
  readonly lastAddress: string | undefined;
}

/** A replication peer and its last pulls (the replicator's status). */
export interface PeerView {
  /** How REST names it (`address:managerPort`, unique among the peers). */
  readonly name: string;
  /** SHA-256 of its certificate's DER, hex. */
  readonly fingerprint: string;
  readonly lastAttempt: Date | undefined;
  readonly lastSuccess: Date | undefined;
  readonly lastError: string | undefined;
}

/** A manager's state, as plain reads and the few writes REST makes. */
export interface ManagerView {
  now(): number;
  readonly apiVersion: Readonly<Record<string, string>>;
  /** The site's domain id (32 upper-case hex). */
  readonly domainId: string;
  /** The site's name: its certificate's common name. */
  readonly siteName: string;
  /** How clients reach this manager, and the SHA-256 (hex) of its certificate. */
  readonly self: { readonly address: string; readonly fingerprint: string };
  /** Published policies. */
  policies(): readonly { readonly name: string; readonly serial: number }[];
  meta(name: string): PolicyMetaView | undefined;
  /** The REST id of a policy name. */
  policyId(name: string): string;
  /** The content of a published policy (opened from its seal). */
  content(name: string): Promise<Uint8Array>;
  clients(): Iterable<ClientView>;
  /**
   * Changes whenever a client registers or is dropped; absent: `clients()` is read again on
   * every call.
   */
  clientsVersion?(): number;
  /** What the client ports saw of one registered client. */
  activityOf(clientId: string): ActivityView | undefined;
  peers(): readonly PeerView[];
  /** Pull interval, ms (0: pulls only on notice or on demand). */
  readonly replicationIntervalMs: number;
  /** Pulls from the peer with this certificate fingerprint now; resolves whether it succeeded. */
  pullFrom(fingerprint: string): Promise<boolean>;
  /** Publishes with SEPM metadata; `false` when the name is published with another type. */
  publish(
    name: string,
    data: Uint8Array,
    meta: { type: SepmPolicyType; desc?: string; enabled?: boolean },
  ): Promise<{ readonly name: string; readonly serial: number } | false>;
  unpublish(name: string): Promise<boolean>;
}

/** 32 upper-case hex digits from a SHA-256 hex fingerprint (SEPM ids look so). */
function idOf(fingerprint: string): string {
  return fingerprint.slice(0, 32).toUpperCase();
}

function ms(v: number | Date | undefined): number {
  return v === undefined ? 0 : typeof v === 'number' ? v : v.getTime();
}

/** SEPM's `status_code` for a peer: never tried, last pull failed, or succeeded. */
function statusOf(p: PeerView): SepmReplicationPartner['status'] {
  if (p.lastAttempt === undefined) return 'NEVER_REPLICATED';
  return p.lastError !== undefined ? 'FAILED_CONNECT' : 'SUCCEEDED';
}

/**
 * A registration as REST lists it. What it was registered with is fixed; when it was last seen
 * and from where is read when asked, so that the list of records is kept while only heartbeats
 * come (docs/rest-api.md "Computers").
 */
class LiveRegistration implements SepmRegistrationRecord {
  readonly agentId: string;
  declare readonly computerName?: string;
  declare readonly preferredGroup?: string;
  readonly registeredAt: number;
  readonly #address: string | undefined;
  readonly #view: ManagerView;

  constructor(c: ClientView, view: ManagerView) {
    this.agentId = c.clientId;
    if (c.hostname !== undefined) this.computerName = c.hostname;
    if (c.preferredGroup !== undefined) this.preferredGroup = c.preferredGroup;
    this.registeredAt = c.registeredAt.getTime();
    this.#address = c.address;
    this.#view = view;
  }

  get lastHeartbeat(): number | undefined {
    const last = ms(this.#view.activityOf(this.agentId)?.lastSeen);
    return last > 0 ? last : undefined;
  }

  /** The last address seen, then the one it registered from, each once. */
  get ipAddresses(): string[] {
    const last = this.#view.activityOf(this.agentId)?.lastAddress;
    const first = this.#address;
    if (last === undefined) return first === undefined ? [] : [first];
    return first === undefined || first === last ? [last] : [last, first];
  }
}

// The records of the registered clients: one array per `clientsVersion` (see `directoryCache`,
// which rebuilds the group tree only for a new array).
function registrationsOf(view: ManagerView): () => readonly SepmRegistrationRecord[] {
  let cached: { version: number; list: readonly SepmRegistrationRecord[] } | undefined;
  return () => {
    const version = view.clientsVersion?.();
    if (cached !== undefined && cached.version === version) return cached.list;
    const list: SepmRegistrationRecord[] = [];
    for (const c of view.clients()) list.push(new LiveRegistration(c, view));
    if (version !== undefined) cached = { version, list };
    return list;
  };
}

/** The SEPM REST model of a manager. */
export function sepmRestModel(view: ManagerView): SepmRestModel {
  const record = (p: { name: string; serial: number }): SepmPolicyRecord => {
    const m = view.meta(p.name);
    // A type that is not SEPM's (state written before types were checked) reads as the default.
    const type =
      m !== undefined && isSepmPolicyType(m.policytype) ? m.policytype : DEFAULT_SEPM_POLICY_TYPE;
    return {
      id: view.policyId(p.name),
      name: p.name,
      type,
      enabled: m?.enabled ?? true,
      lastModified: m?.lastmodifiedtime ?? 0,
      serial: p.serial,
      ...(m !== undefined && m.desc !== '' ? { desc: m.desc } : {}),
    };
  };
  return {
    now: () => view.now(),
    apiVersion: () => view.apiVersion,
    domain: () => ({ id: view.domainId, name: 'Default' }),
    policies: () => view.policies().map(record),
    policyContent: (p) => view.content(p.name),
    registrations: registrationsOf(view),
    servers(): SepmServerRecord[] {
      return [
        { id: idOf(view.self.fingerprint), name: view.self.address, self: true },
        ...view.peers().map((p) => ({ id: idOf(p.fingerprint), name: p.name, self: false })),
      ];
    },
    replication: () => ({
      siteId: view.domainId,
      siteName: view.siteName,
      partners: view.peers().map((p) => ({
        id: idOf(p.fingerprint),
        name: p.name,
        lastRunTime: ms(p.lastAttempt),
        lastSuccessfulRunTime: ms(p.lastSuccess),
        nextRunTime:
          view.replicationIntervalMs > 0 && p.lastAttempt !== undefined
            ? ms(p.lastAttempt) + view.replicationIntervalMs
            : 0,
        status: statusOf(p),
      })),
    }),
    replicateNow(partnerId) {
      const peer = view.peers().find((p) => idOf(p.fingerprint) === partnerId);
      return peer === undefined ? Promise.resolve(false) : view.pullFrom(peer.fingerprint);
    },
    async publish(input) {
      const done = await view.publish(input.name, input.content, {
        type: input.type,
        ...(input.desc !== undefined ? { desc: input.desc } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      });
      return done === false ? { refused: 'type_conflict' } : record(done);
    },
    async withdraw(p) {
      await view.unpublish(p.name);
    },
  };
}
