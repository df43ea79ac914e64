/**
 * Manager-to-manager replication: pull a peer's signed index over pinned mutual TLS, verify it
 * (signature by a site manager, this site's domain, no rollback), download the sealed policies
 * that are newer than ours, check each against the index and open it, then serve them exactly as
 * they are (same sealed bytes; the peer's signed index too when it lists exactly what we hold).
 *
 * Newer means a higher per-name serial; equal serials are ordered by SHA-256, so every manager
 * settles on the same bytes. An index older than the highest taken from any peer is refused when
 * it offers anything (one high-water mark per domain, as clients keep, docs/protocol.md §5.5),
 * also after a restart: the marks are kept in the manager's state ({@link ReplicationMarks}).
 * A peer's withdrawal is followed without tombstones: a name that the peer's newer index no
 * longer lists is withdrawn here when held exactly as that peer listed it last time
 * (`withdrawals.ts`, docs/protocol.md §5.6), and a copy withdrawn here is never taken back
 * (`state/withdrawn_copies.ts`).
 *
 * @module
 */
import type { X509Certificate } from '../../../cert/x509.js';
import { ManagerError } from '../../../errors.js';
import type { Kcs } from '../../../kcs.js';
import { openPolicy } from '../../../policy/index.js';
import type { PolicyStore } from '../policy_store.js';
import {
  MAX_INDEX_BYTES,
  parseIndex,
  parseSignedIndexEnvelope,
  verifyIndexSignature,
  verifyReplicationSignature,
  type IndexEntry,
} from '../../../protocol/index.js';
import { sha256Hex } from '../../digest.js';
import type { ReplicationMarks } from './marks.js';
import { withdrawnBy, type PeerListings } from './withdrawals.js';
import type { WithdrawnCopies } from '../state/withdrawn_copies.js';
import type { OwnCredentials } from './peer_client.js';
import { peerRequest } from './peer_client.js';
import type { PeerSet, ReplicationPeer } from './peers.js';

/** Paths of the replication protocol on the manager port (docs/rest-api.md §Replication). */
export const REPLICATION_PATHS = Object.freeze({
  index: '/replication/v1/index',
  policyPrefix: '/replication/v1/policies/',
  notify: '/replication/v1/notify',
});

/** Outcome of one pull. */
export interface ReplicationReport {
  /** `address:port` of the peer. */
  readonly peer: string;
  readonly ok: boolean;
  /** Policies taken from the peer (new or newer). */
  readonly taken: readonly string[];
  /**
   * Policies withdrawn here because the peer withdrew them (its newer index no longer lists
   * what it listed before and this manager held unchanged; docs/protocol.md §5.6).
   */
  readonly withdrawn: readonly string[];
  /** Serial of the peer's verified index. */
  readonly indexSerial?: number;
  /** Why the pull failed (`code: message`). */
  readonly error?: string;
}

/** What the console shows about a peer. */
export interface PeerStatus {
  readonly address: string;
  readonly managerPort: number;
  /** SHA-256 of the pinned certificate, lower-case hex. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly lastAttempt: Date | undefined;
  readonly lastSuccess: Date | undefined;
  readonly lastError: string | undefined;
  readonly lastIndexSerial: number | undefined;
  /** Policies taken from this peer since start. */
  readonly taken: number;
  /** Policies withdrawn here since start because this peer withdrew them. */
  readonly withdrawn: number;
}

/** Options of {@link Replicator}. */
export interface ReplicatorOptions {
  readonly store: PolicyStore;
  /** The replication high-water marks, kept in the manager's state across restarts. */
  readonly marks: ReplicationMarks;
  /** What each peer listed last, kept in the manager's state (following withdrawals). */
  readonly listings: PeerListings;
  /** The copies withdrawn here (locally or following a peer): never taken back. */
  readonly withdrawn: WithdrawnCopies;
  readonly kcs: Kcs;
  readonly domainId: string;
  readonly peers: PeerSet;
  /** This manager's TLS client credentials (its own certificate). */
  readonly credentials: () => Promise<OwnCredentials>;
  /** Certificates whose signatures are accepted: the site's and the peers'. */
  readonly trusted: () => X509Certificate[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly onError?: (error: unknown) => void;
}

interface PeerState {
  running: Promise<ReplicationReport> | undefined;
  again: boolean;
  lastAttempt?: number;
  lastSuccess?: number;
  lastError?: string;
  lastIndexSerial?: number;
  taken: number;
  withdrawn: number;
}

function describe(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  const msg = e instanceof Error ? e.message : String(e);
  return typeof code === 'string' ? `${code}: ${msg}` : msg;
}

/** Pulls from the pinned peers, on a timer, on a peer's notice, or on demand. */
export class Replicator {
  readonly #o: ReplicatorOptions;
  readonly #state = new Map<string, PeerState>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ReplicatorOptions) {
    this.#o = options;
    for (const p of options.peers.list())
      this.#state.set(p.fingerprint, { running: undefined, again: false, taken: 0, withdrawn: 0 });
  }

  /**
   * Starts the periodic pull, with a first pull at once so that a (re)started manager catches up
   * (no-op without peers or with `intervalMs` 0).
   */
  start(): void {
    this.#stopped = false;
    if (this.#o.intervalMs <= 0 || this.#o.peers.list().length === 0) return;
    void this.replicateAll();
    this.#timer = setInterval(() => {
      void this.replicateAll();
    }, this.#o.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer; running pulls finish on their own, and no further pull starts. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all([...this.#state.values()].map((s) => s.running?.catch(() => undefined)));
  }

  /** Pulls from every peer now; one report per peer (failures are reported, not thrown). */
  replicateAll(): Promise<ReplicationReport[]> {
    return Promise.all(this.#o.peers.list().map((p) => this.pullFrom(p)));
  }

  /**
   * Pulls from `peer`. Pulls from one peer never overlap: a request while one runs makes one
   * more run after it (a notice may announce a change the running pull missed).
   */
  pullFrom(peer: ReplicationPeer): Promise<ReplicationReport> {
    const st = this.#state.get(peer.fingerprint)!;
    if (st.running !== undefined) {
      st.again = true;
      return st.running;
    }
    const run = async (): Promise<ReplicationReport> => {
      let report: ReplicationReport;
      do {
        st.again = false;
        report = await this.#pullOnce(peer, st);
      } while (st.again && !this.#stopped);
      return report;
    };
    st.running = run().finally(() => {
      st.running = undefined;
    });
    return st.running;
  }

  /** Tells every peer (best effort, in the background) that our published set changed. */
  notifyPeers(except?: ReplicationPeer): void {
    if (this.#stopped) return;
    for (const p of this.#o.peers.list()) {
      if (p === except) continue;
      void this.#o
        .credentials()
        .then((own) =>
          peerRequest(p, own, 'POST', REPLICATION_PATHS.notify, 4096, this.#o.timeoutMs),
        )
        .catch((e: unknown) => this.#o.onError?.(e));
    }
  }

  /** The pull interval, ms (0: pulls only on notice or on demand). */
  get intervalMs(): number {
    return this.#o.intervalMs;
  }

  /** Status of every peer. */
  status(): PeerStatus[] {
    return this.#o.peers.list().map((p) => {
      const st = this.#state.get(p.fingerprint)!;
      const d = (t: number | undefined) => (t === undefined ? undefined : new Date(t));
      return {
        address: p.address,
        managerPort: p.managerPort,
        fingerprint: p.fingerprint,
        subject: p.certificate.subject,
        lastAttempt: d(st.lastAttempt),
        lastSuccess: d(st.lastSuccess),
        lastError: st.lastError,
        lastIndexSerial: st.lastIndexSerial,
        taken: st.taken,
        withdrawn: st.withdrawn,
      };
    });
  }

  async #pullOnce(peer: ReplicationPeer, st: PeerState): Promise<ReplicationReport> {
    st.lastAttempt = this.#o.now();
    try {
      const { taken, withdrawn, serial } = await this.#pull(peer);
      st.lastSuccess = this.#o.now();
      st.lastError = undefined;
      st.lastIndexSerial = serial;
      st.taken += taken.length;
      st.withdrawn += withdrawn.length;
      return { peer: peer.label, ok: true, taken, withdrawn, indexSerial: serial };
    } catch (e) {
      st.lastError = describe(e);
      this.#o.onError?.(e);
      return { peer: peer.label, ok: false, taken: [], withdrawn: [], error: st.lastError };
    }
  }

  async #pull(
    peer: ReplicationPeer,
  ): Promise<{ taken: string[]; withdrawn: string[]; serial: number }> {
    const o = this.#o;
    const own = await o.credentials();
    const res = await peerRequest(
      peer,
      own,
      'GET',
      REPLICATION_PATHS.index,
      MAX_INDEX_BYTES,
      o.timeoutMs,
    );
    expectOk(peer, res.status);
    const trusted = o.trusted();
    const index = await verifiedPeerIndex(peer, res.body, trusted, o.domainId);
    const wanted = index.policies.filter((e) => {
      // A copy withdrawn here is listed by a peer that has not followed yet: taking it back would
      // undo the withdrawal everywhere (docs/protocol.md §5.6). Another copy of the name is taken.
      if (o.withdrawn.has(e)) return false;
      const cur = o.store.get(e.name);
      return (
        cur === undefined ||
        e.serial > cur.serial ||
        (e.serial === cur.serial && e.sha256 > cur.sha256)
      );
    });
    // Only from a newer index of this same peer, only copies held as it listed them last time.
    const withdraw = withdrawnBy(o.listings.get(peer.fingerprint), index, (n) => o.store.get(n));
    // The domain's high-water mark (docs/protocol.md §5.5), shared by every peer: an index older
    // than one already taken from any peer changes nothing (a peer may relay a recorded index of
    // another manager, e.g. one that still lists a withdrawn policy). Per policy, only newer
    // serials are ever taken (`wanted`), so an older index that offers and withdraws nothing is
    // harmless.
    const mark = o.marks.get(o.domainId);
    if (mark !== undefined && index.serial < mark && wanted.length + withdraw.length > 0) {
      throw new ManagerError(
        'ERR_MANAGER_ROLLBACK',
        `peer ${peer.label} served index serial ${index.serial}, older than ${mark} already taken for this domain (rollback refused)`,
      );
    }
    o.marks.advance(o.domainId, index.serial);
    try {
      const entries = await this.#download(peer, own, wanted, trusted);
      const signed = { body: res.body, serial: index.serial, policies: index.policies };
      const done =
        entries.length + withdraw.length === 0
          ? { taken: [], withdrawn: [] }
          : await o.store.adopt(entries, signed, withdraw);
      // Remembered once taken whole: the next index of this peer is compared with this one.
      o.listings.record(peer.fingerprint, index);
      return { ...done, serial: index.serial };
    } finally {
      // The mark is saved before the pull reports (with the policies when it took any): a
      // restarted manager must refuse what this index made older, as a client does. So is the
      // peer's listing: a restarted manager must follow what this peer withdraws next.
      await o.marks.commit();
      await o.listings.commit();
    }
  }

  // The sealed policies `wanted`, each checked against the signed index and opened.
  async #download(
    peer: ReplicationPeer,
    own: OwnCredentials,
    wanted: readonly IndexEntry[],
    trusted: X509Certificate[],
  ): Promise<{ name: string; serial: number; sealed: Uint8Array }[]> {
    const o = this.#o;
    const entries: { name: string; serial: number; sealed: Uint8Array }[] = [];
    for (const e of wanted) {
      const pres = await peerRequest(
        peer,
        own,
        'GET',
        REPLICATION_PATHS.policyPrefix + encodeURIComponent(e.name),
        e.size,
        o.timeoutMs,
      );
      expectOk(peer, pres.status);
      if (pres.body.length !== e.size || sha256Hex(pres.body) !== e.sha256) {
        throw new ManagerError(
          'ERR_MANAGER_PROTOCOL',
          `peer ${peer.label}: sealed policy "${e.name}" does not match its signed index`,
        );
      }
      const sealed = new Uint8Array(pres.body);
      // Served as is to our clients, so it must open here as it will there.
      await openPolicy(sealed, o.kcs, trusted);
      entries.push({ name: e.name, serial: e.serial, sealed });
    }
    return entries;
  }
}

function expectOk(peer: ReplicationPeer, status: number): void {
  if (status === 200) return;
  if (status === 401 || status === 403) {
    throw new ManagerError(
      'ERR_MANAGER_REQUEST_REJECTED',
      `peer ${peer.label} refused this manager (${status})`,
    );
  }
  throw new ManagerError('ERR_MANAGER_PROTOCOL', `peer ${peer.label} answered ${status}`);
}

// A peer's signed index, checked before anything in it is used: the replication signature (its
// own purpose) and the index signature by a site manager, the announced format, this domain.
async function verifiedPeerIndex(
  peer: ReplicationPeer,
  body: Uint8Array,
  trusted: X509Certificate[],
  domainId: string,
) {
  const env = parseSignedIndexEnvelope(body);
  // Verify before looking inside: a peer may relay another manager's index, so any site
  // manager's signature is accepted, never an embedded certificate. The replication signature
  // says "offered for replication" (its own purpose); the index signature must hold too,
  // since the envelope may be served verbatim to this manager's clients (`adopt`).
  if (env.replicationSignature === undefined) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      `peer ${peer.label}: the signed index has no replication signature`,
    );
  }
  await verifyReplicationSignature(env.index, env.replicationSignature, trusted);
  const verified = await verifyIndexSignature(
    env.index,
    env.signature,
    trusted,
    env.signatureFormat,
  );
  if (verified.format !== env.signatureFormat) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      `peer ${peer.label}: index signature is not in the announced format`,
    );
  }
  const index = parseIndex(env.index);
  if (index.domainId !== domainId) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      `peer ${peer.label} served the index of another domain`,
    );
  }
  return index;
}
