/**
 * The published-policy store of one manager: each publication is sealed once, the signed index
 * over the set is re-signed on every change, and downloads are answered from cached buffers, so
 * a download costs no cryptography (docs/protocol.md §3, §4). Every change is announced to the
 * listeners (state persistence, replication) and resolves only once they have taken it.
 *
 * @module
 */
import type { Kcs } from '../../kcs.js';
import type { ServerIdentity } from '../../cert/types.js';
import { sealPolicy } from '../../policy/index.js';
import { resealVersion1 } from '../../policy/seal.js';
import { SEALED_VERSION_1 } from '../../policy/sealed_format.js';
import type { X509Certificate } from '../../cert/x509.js';
import { ManagerError } from '../../errors.js';
import {
  INDEX_FORMAT,
  MAX_INDEX_BYTES,
  MAX_INDEX_ENTRIES,
  PROTOCOL_VERSION,
  encodeIndex,
  isPolicyName,
  signIndex,
  signReplicationIndex,
  encodeSignedIndexEnvelope,
  type IndexEntry,
} from '../../protocol/index.js';
import { sha256Hex } from '../digest.js';
import { cachedBody, etagOf, type CachedBody } from '../http/response.js';
import type { SavedPolicy } from './state/store.js';
import type { WithdrawnCopies } from './state/withdrawn_copies.js';
import { DEFAULT_SEPM_POLICY_TYPE } from '../sepm-rest/policy_types.js';

/** A policy as published by {@link PolicyStore.publish}. */
export interface PublishedPolicy {
  /** The policy name. */
  readonly name: string;
  /** Per-name serial: 1 on first publication, then +1 each time (continues across restarts). */
  readonly serial: number;
  /** SHA-256 of the sealed bytes (lower-case hex). */
  readonly sha256: string;
  /** Length of the sealed bytes. */
  readonly size: number;
  /** The sealed bytes exactly as served. */
  readonly sealed: Uint8Array;
  /** JSON form: the bytes are summarised (`sealed` is left out; `size` and `sha256` name them). */
  toJSON(): { name: string; serial: number; sha256: string; size: number };
}

/** What SEPM's policy summary says about a policy beside the distribution data. */
export interface PolicyMeta {
  /** SEPM policy type (`SEPM_POLICY_TYPES`; docs/rest-api.md "Policy types"). */
  readonly policytype: string;
  readonly desc: string;
  readonly enabled: boolean;
  /** Last change, ms since the epoch. */
  readonly lastmodifiedtime: number;
}

interface StoredPolicy extends PublishedPolicy {
  readonly cached: CachedBody;
  readonly meta: PolicyMeta;
}

/** A registered client, as the manager remembers it. */
export interface RegisteredClient {
  readonly clientId: string;
  readonly hostname: string | undefined;
  readonly registeredAt: Date;
  /** `RegisterClient/@PreferredGroup` of the client's sylink, when it sent one. */
  readonly preferredGroup?: string;
  /** The address it registered from. */
  readonly address?: string;
}

/** What the store needs from the site. */
export interface StoreSite {
  readonly identity: ServerIdentity;
  readonly kcs: Kcs;
  readonly domainId: string;
}

/** A change of the published set: the names, and whether it was made here or replicated. */
export interface PolicyChange {
  readonly names: readonly string[];
  readonly origin: 'local' | 'replicated';
}

/** Called on every change; the change completes once the returned promise settles. */
export type PolicyChangeListener = (change: PolicyChange) => void | Promise<void>;

function refused(why: string): ManagerError {
  return new ManagerError('ERR_MANAGER_POLICY_REFUSED', `policy refused: ${why}`);
}

// A policy published or replicated without a type is SEPM's default type (docs/rest-api.md
// "Policy types").
const DEFAULT_META = { policytype: DEFAULT_SEPM_POLICY_TYPE, desc: '', enabled: true } as const;

function publishedOf(p: {
  name: string;
  serial: number;
  sha256: string;
  size: number;
  sealed: Uint8Array;
}): PublishedPolicy {
  const { name, serial, sha256, size, sealed } = p;
  return { name, serial, sha256, size, sealed, toJSON: () => ({ name, serial, sha256, size }) };
}

function stored(name: string, serial: number, sealed: Uint8Array, meta: PolicyMeta): StoredPolicy {
  const body = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const sha256 = sha256Hex(body);
  const own = new Uint8Array(body);
  return {
    ...publishedOf({ name, serial, sha256, size: body.length, sealed: own }),
    cached: cachedBody(Buffer.from(own.buffer), etagOf(sha256), 'application/octet-stream'),
    meta,
  };
}

/**
 * Published policies and the signed index over them. Each publication seals once; requests are
 * answered from cached buffers, so a download costs no cryptography.
 */
export class PolicyStore {
  readonly #site: StoreSite;
  readonly #signatureFormat: 'raw' | 'cms';
  readonly #now: () => number;
  readonly #withdrawn: WithdrawnCopies | undefined;
  readonly #policies = new Map<string, StoredPolicy>();
  readonly #listeners: PolicyChangeListener[] = [];
  #serial = 0;
  #index: CachedBody | undefined;
  // Changes run one at a time so that index serials follow publication order.
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * @param withdrawn - where the copies withdrawn here are remembered, so that replication never
   *   takes one back (docs/protocol.md §5.6); none: nothing is remembered.
   */
  constructor(
    site: StoreSite,
    signatureFormat: 'raw' | 'cms',
    now: () => number = Date.now,
    withdrawn?: WithdrawnCopies,
  ) {
    this.#site = site;
    this.#signatureFormat = signatureFormat;
    this.#now = now;
    this.#withdrawn = withdrawn;
  }

  /** Adds a change listener (see {@link PolicyChangeListener}). */
  onChange(listener: PolicyChangeListener): void {
    this.#listeners.push(listener);
  }

  /** The current signed index response body and its ETag (built on first use). */
  async index(): Promise<CachedBody> {
    if (this.#index === undefined) {
      await this.#enqueue(async () => {
        if (this.#index === undefined) await this.#resign();
      });
    }
    return this.#index!;
  }

  /** The cached index, if built. */
  get cachedIndex(): CachedBody | undefined {
    return this.#index;
  }

  /** The last index serial issued. */
  get indexSerial(): number {
    return this.#serial;
  }

  /** A stored policy by name. */
  get(name: string): StoredPolicy | undefined {
    return this.#policies.get(name);
  }

  /** The metadata of a published policy. */
  meta(name: string): PolicyMeta | undefined {
    return this.#policies.get(name)?.meta;
  }

  /** Every published policy, sorted by name. */
  list(): PublishedPolicy[] {
    return [...this.#policies.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(publishedOf);
  }

  /**
   * Seals `data` under `name` (once), then re-signs the index. `meta` fields not given keep
   * their previous value (defaults: type `av`, enabled, no description).
   *
   * Refuses what every client would refuse (docs/protocol.md §2.3), so that one bad publication
   * cannot stop every heartbeat: a name outside the name rules, a 1001st policy, an index over
   * 1 MiB. Nothing changes then.
   *
   * @throws {@link ManagerError} `ERR_MANAGER_POLICY_REFUSED`.
   */
  publish(
    name: string,
    data: Uint8Array,
    meta: Partial<Omit<PolicyMeta, 'lastmodifiedtime'>> = {},
  ): Promise<PublishedPolicy> {
    if (!isPolicyName(name)) {
      return Promise.reject(
        refused(
          'a policy name must be 1..128 characters of well-formed Unicode, without control characters, "/" or "\\"',
        ),
      );
    }
    return this.#enqueue(async () => {
      const cur = this.#policies.get(name);
      if (cur === undefined && this.#policies.size >= MAX_INDEX_ENTRIES) {
        throw refused(`an index lists at most ${MAX_INDEX_ENTRIES} policies`);
      }
      const sealed = await sealPolicy(data, this.#site.identity, this.#site.kcs);
      const m = { ...DEFAULT_META, ...cur?.meta, ...meta, lastmodifiedtime: this.#now() };
      const p = stored(name, (cur?.serial ?? 0) + 1, sealed, m);
      this.#policies.set(name, p);
      try {
        await this.#resign();
      } catch (e) {
        // Put back what was held: the refused publication leaves no trace.
        if (cur === undefined) this.#policies.delete(name);
        else this.#policies.set(name, cur);
        throw e;
      }
      // A new copy of the name: its withdrawn copies no longer need keeping out.
      this.#withdrawn?.forget(name);
      await this.#announce({ names: [name], origin: 'local' });
      return publishedOf(p);
    });
  }

  /**
   * Withdraws a policy; resolves to whether it existed. The withdrawn copy is remembered, so that
   * replication does not take it back from a peer that still lists it (docs/protocol.md §5.6).
   */
  unpublish(name: string): Promise<boolean> {
    return this.#enqueue(async () => {
      const cur = this.#policies.get(name);
      if (cur === undefined) return false;
      this.#policies.delete(name);
      // Remembered in the same step, so no pull can choose the copy in between.
      this.#withdrawn?.remember(cur);
      await this.#resign();
      await this.#announce({ names: [name], origin: 'local' });
      return true;
    });
  }

  /**
   * Replication hook (`replication/`): takes a peer's already-sealed policies as they are
   * (no re-sealing) where newer than held (higher serial; equal serial: higher SHA-256, so every
   * manager settles on the same bytes), and withdraws each of `withdraw` that is still held
   * exactly as given (same serial and SHA-256: a copy published or taken since is kept;
   * docs/protocol.md §5.6); a copy withdrawn here before is never taken, and each one withdrawn
   * now is remembered. Then serves the peer's signed index verbatim if it lists exactly
   * what is now held and its serial is above ours (clients refuse a lower one), else re-signs.
   * The change is announced as a local one is (saved, peers notified). Resolves the names taken
   * and withdrawn.
   */
  adopt(
    entries: readonly { name: string; serial: number; sealed: Uint8Array }[],
    signedIndex: { body: Buffer; serial: number; policies: readonly IndexEntry[] },
    withdraw: readonly { name: string; serial: number; sha256: string }[] = [],
  ): Promise<{ taken: string[]; withdrawn: string[] }> {
    return this.#enqueue(async () => {
      const withdrawn = this.#dropUnchanged(withdraw);
      const taken = this.#takeNewer(entries);
      if (taken.length === 0 && withdrawn.length === 0) return { taken, withdrawn };
      if (!this.#adoptIndex(signedIndex)) await this.#resign();
      await this.#announce({ names: [...taken, ...withdrawn], origin: 'replicated' });
      return { taken, withdrawn };
    });
  }

  /** What {@link ManagerState} keeps of the store. */
  snapshot(): { indexSerial: number; policies: SavedPolicy[] } {
    const policies = [...this.#policies.values()].map((p) => ({
      name: p.name,
      serial: p.serial,
      sealed: p.sealed,
      ...p.meta,
    }));
    return { indexSerial: this.#serial, policies };
  }

  /** Takes back a {@link snapshot} (before serving); the index is re-signed on first use. */
  restore(state: { indexSerial: number; policies: readonly SavedPolicy[] }): void {
    this.#policies.clear();
    for (const p of state.policies) {
      const { policytype, desc, enabled, lastmodifiedtime } = p;
      this.#policies.set(
        p.name,
        stored(p.name, p.serial, p.sealed, { policytype, desc, enabled, lastmodifiedtime }),
      );
    }
    this.#serial = Math.max(this.#serial, state.indexSerial);
    this.#index = undefined;
  }

  /**
   * Upgrades the sealed policies a {@link restore} brought back in version 1 (kept before
   * protocol version 2; clients now refuse them): each is checked against `trusted`, opened and
   * sealed again with this site's identity under the next serial, so that a client's
   * high-water marks take it. One that does not verify or open is dropped and reported through
   * `onDrop` (a client would refuse it). Resolves the names upgraded or dropped (none once done).
   */
  upgradeSealed(
    trusted: readonly X509Certificate[],
    onDrop: (name: string, e: unknown) => void,
  ): Promise<string[]> {
    return this.#enqueue(async () => {
      const upgraded: string[] = [];
      for (const p of [...this.#policies.values()]) {
        if (p.sealed[4] !== SEALED_VERSION_1) continue;
        try {
          const sealed = await resealVersion1(p.sealed, {
            identity: this.#site.identity,
            kcs: this.#site.kcs,
            trusted,
          });
          this.#policies.set(p.name, stored(p.name, p.serial + 1, sealed, p.meta));
          upgraded.push(p.name);
        } catch (e) {
          this.#policies.delete(p.name);
          upgraded.push(p.name);
          onDrop(p.name, e);
        }
      }
      if (upgraded.length > 0) this.#index = undefined;
      return upgraded;
    });
  }

  #dropUnchanged(withdraw: readonly { name: string; serial: number; sha256: string }[]): string[] {
    const withdrawn: string[] = [];
    for (const w of withdraw) {
      const cur = this.#policies.get(w.name);
      if (cur === undefined || cur.serial !== w.serial || cur.sha256 !== w.sha256) continue;
      this.#policies.delete(w.name);
      this.#withdrawn?.remember(cur);
      withdrawn.push(w.name);
    }
    return withdrawn;
  }

  #takeNewer(entries: readonly { name: string; serial: number; sealed: Uint8Array }[]): string[] {
    const taken: string[] = [];
    for (const e of entries) {
      const sha256 = sha256Hex(e.sealed);
      const cur = this.#policies.get(e.name);
      if (
        (cur !== undefined &&
          (e.serial < cur.serial || (e.serial === cur.serial && sha256 <= cur.sha256))) ||
        // Checked again here: a withdrawal may have landed since the pull chose what it wanted.
        this.#withdrawn?.has({ name: e.name, serial: e.serial, sha256 }) === true
      )
        continue;
      const meta = { ...DEFAULT_META, ...cur?.meta, lastmodifiedtime: this.#now() };
      this.#policies.set(e.name, stored(e.name, e.serial, e.sealed, meta));
      taken.push(e.name);
    }
    return taken;
  }

  // Serves the peer's index bytes when they describe exactly what is held now.
  #adoptIndex(signedIndex: {
    body: Buffer;
    serial: number;
    policies: readonly IndexEntry[];
  }): boolean {
    const held = this.list();
    const listed = new Map(signedIndex.policies.map((p) => [p.name, p]));
    const same =
      signedIndex.serial > this.#serial &&
      held.length === listed.size &&
      held.every(
        (p) => listed.get(p.name)?.serial === p.serial && listed.get(p.name)?.sha256 === p.sha256,
      );
    if (!same) return false;
    this.#serial = signedIndex.serial;
    const body = signedIndex.body;
    this.#index = cachedBody(body, etagOf(sha256Hex(body)), 'application/json');
    return true;
  }

  async #announce(change: PolicyChange): Promise<void> {
    for (const l of this.#listeners) await l(change);
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #resign(): Promise<void> {
    const policies: IndexEntry[] = this.list().map(({ name, serial, sha256, size }) => ({
      name,
      serial,
      sha256,
      size,
    }));
    // Milliseconds since the epoch, or one more than the last serial: it grows across restarts
    // of the manager too, so a client's rollback check survives them.
    this.#serial = Math.max(this.#serial + 1, Date.now());
    const bytes = encodeIndex({
      format: INDEX_FORMAT,
      version: PROTOCOL_VERSION,
      domainId: this.#site.domainId,
      serial: this.#serial,
      issuedAt: new Date().toISOString(),
      policies,
    });
    // Two signatures over the same bytes, one per purpose: clients check the first, replicating
    // managers the second (docs/formats.md "Signature purposes").
    const signature = await signIndex(bytes, this.#site.identity, this.#signatureFormat);
    const replication = await signReplicationIndex(bytes, this.#site.identity);
    const signer = sha256Hex(new Uint8Array(this.#site.identity.certificate.rawData));
    const env = encodeSignedIndexEnvelope(
      bytes,
      signature,
      this.#signatureFormat,
      signer,
      replication,
    );
    if (env.length > MAX_INDEX_BYTES) {
      throw refused(`the signed index would exceed ${MAX_INDEX_BYTES} bytes, which clients refuse`);
    }
    const body = Buffer.from(env.buffer, env.byteOffset, env.byteLength);
    this.#index = cachedBody(body, etagOf(sha256Hex(body)), 'application/json');
  }
}
