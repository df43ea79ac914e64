/**
 * Where a manager keeps what it must not forget across a restart: published policies (sealed
 * bytes, serials, metadata), the index serial, registered clients and their activity, the
 * replication high-water marks, the peers' last listings and the copies withdrawn here
 * (docs/node.md "State"). The manager reads the state once when it
 * starts and saves a whole snapshot after every change; a store only has to keep the last
 * snapshot whole. Embedders who keep state in their own database implement {@link ManagerStore}.
 *
 * @module
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commitFiles, committedPath, recoverCommit } from '../../site/atomic_file.js';
import type { PolicyMark } from '../../../protocol/index.js';
import { isPeerListings, type SavedPeerListings } from './peer_listings.js';
import { isWithdrawnCopies } from './withdrawn_copies.js';

/** One published policy as saved. */
export interface SavedPolicy {
  readonly name: string;
  readonly serial: number;
  /** The sealed bytes exactly as served. */
  readonly sealed: Uint8Array;
  readonly policytype: string;
  readonly desc: string;
  readonly enabled: boolean;
  /** Last change, ms since the epoch. */
  readonly lastmodifiedtime: number;
}

/** One registered client with its activity counters as saved. */
export interface SavedClient {
  readonly clientId: string;
  readonly hostname: string | undefined;
  /** ms since the epoch. */
  readonly registeredAt: number;
  readonly heartbeats: number;
  readonly downloads: number;
  /** ms since the epoch; 0 when never seen after registering. */
  readonly lastSeen: number;
  readonly lastAddress: string | undefined;
  /** `RegisterClient/@PreferredGroup` sent at registration. */
  readonly preferredGroup?: string;
  /** The address it registered from. */
  readonly address?: string;
  /**
   * The source network it registered from (IPv4 /24, IPv6 /64), which its quota counts against
   * (docs/node.md "Abuse limits"); absent in states saved before networks were kept.
   */
  readonly network?: string | undefined;
}

/** A whole snapshot of a manager's state. */
export interface ManagerState {
  /** The last index serial issued: the next one is higher (clients refuse a lower one). */
  readonly indexSerial: number;
  readonly policies: readonly SavedPolicy[];
  readonly clients: readonly SavedClient[];
  /** Totals, including requests without a known client id. */
  readonly totals: {
    readonly registrations: number;
    readonly heartbeats: number;
    readonly downloads: number;
  };
  /**
   * Replication high-water marks (docs/protocol.md §5.5): per domain id (32 upper-case hex), the
   * highest index serial taken from any peer, so that a restarted manager still refuses a
   * peer's relayed older index. Absent in states saved before they were kept (no marks then).
   */
  readonly replicationMarks?: Readonly<Record<string, number>>;
  /**
   * What each replication peer listed last (docs/protocol.md §5.6): per peer (SHA-256 of its
   * certificate, lower-case hex), the serial and entries of the last index accepted from it, so
   * that a restarted manager still follows a withdrawal that peer made. Absent in states saved
   * before they were kept (then nothing is withdrawn until a peer's next accepted index).
   */
  readonly replicationListings?: SavedPeerListings;
  /**
   * The exact copies (name, serial, SHA-256) withdrawn here, locally or by following a peer,
   * oldest first, at most 1000, the oldest dropped first (docs/protocol.md §5.6): a pull never takes one
   * back from a peer that still lists it. Absent in states saved before they were kept (none
   * then).
   */
  readonly withdrawnCopies?: readonly PolicyMark[];
}

/**
 * A manager's state storage. `load` resolves the last saved snapshot (`undefined` when none);
 * `save` replaces it as one step: after a crash at any point, `load` gives the old snapshot or
 * the new one, whole. The manager calls `save` one at a time.
 */
export interface ManagerStore {
  load(): Promise<ManagerState | undefined>;
  save(state: ManagerState): Promise<void>;
}

/** A store that keeps the snapshot in memory only (tests; managers that must start empty). */
export function memoryStore(): ManagerStore {
  let saved: ManagerState | undefined;
  return {
    load: () => Promise.resolve(saved),
    save(state) {
      saved = state;
      return Promise.resolve();
    },
  };
}

const DOMAIN_RE = /^[0-9A-F]{32}$/;

/**
 * Whether `v` has the shape of {@link ManagerState.replicationMarks}: a plain object from domain
 * ids (32 upper-case hex) to index serials (safe integers, not negative).
 */
export function isReplicationMarks(v: unknown): v is Readonly<Record<string, number>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(
    ([domainId, serial]) =>
      DOMAIN_RE.test(domainId) && Number.isSafeInteger(serial) && (serial as number) >= 0,
  );
}

/** The folder of the site directory where {@link fileStore} keeps the state by default. */
export const STATE_DIR = 'manager-state';
/** The state file inside {@link STATE_DIR}. */
export const STATE_FILE = 'state.json';
const STATE_FORMAT = 'sepm-crypto.manager-state';
/** Largest state file read back, bytes (a bound against a corrupted or hostile file). */
export const MAX_STATE_BYTES = 1024 * 1024 * 1024;

/**
 * A store in `dir` (created, mode 0700), written with the same write-ahead commit as the site
 * files (`commitFiles`): a kill during a save leaves the previous snapshot or the new one. The
 * file holds registrations and client addresses: mode 0600.
 */
export function fileStore(dir: string): ManagerStore {
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError('"dir" expected a path');
  return {
    async load() {
      let text: string;
      try {
        await recoverCommit(dir);
        text = await readFile(await committedPath(dir, STATE_FILE), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      if (text.length > MAX_STATE_BYTES) throw new Error(`${STATE_FILE} is too large`);
      return decodeState(text);
    },
    async save(state) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await commitFiles(dir, [{ name: STATE_FILE, data: encodeState(state), mode: 0o600 }]);
    },
  };
}

/** The JSON form of a snapshot (sealed bytes in base64). */
export function encodeState(state: ManagerState): string {
  return JSON.stringify({
    format: STATE_FORMAT,
    version: 1,
    ...state,
    policies: state.policies.map((p) => ({
      ...p,
      sealed: Buffer.from(p.sealed.buffer, p.sealed.byteOffset, p.sealed.byteLength).toString(
        'base64',
      ),
    })),
  });
}

/**
 * Reads a snapshot written by {@link encodeState}.
 *
 * @throws Error naming the file when it is not one (a manager does not start over a state it
 *   cannot read: that would silently drop every publication).
 */
export function decodeState(text: string): ManagerState {
  const bad = (why: string) => new Error(`${STATE_FILE}: ${why}`);
  let doc: {
    format?: unknown;
    version?: unknown;
    indexSerial?: unknown;
    policies?: unknown;
    clients?: unknown;
    totals?: unknown;
    replicationMarks?: unknown;
    replicationListings?: unknown;
    withdrawnCopies?: unknown;
  };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`);
  }
  if (doc?.format !== STATE_FORMAT || doc.version !== 1) throw bad('not a version 1 state');
  if (!Number.isSafeInteger(doc.indexSerial)) throw bad('bad indexSerial');
  if (!Array.isArray(doc.policies) || !Array.isArray(doc.clients)) throw bad('bad lists');
  const policies = (doc.policies as (SavedPolicy & { sealed: string })[]).map((p) => {
    if (typeof p?.name !== 'string' || !Number.isSafeInteger(p.serial)) throw bad('bad policy');
    return { ...p, sealed: new Uint8Array(Buffer.from(String(p.sealed), 'base64')) };
  });
  // Absent before the marks were kept: none then. Damaged: refused, since forgetting them would
  // let a peer's relayed older index in once (docs/protocol.md §5.5).
  const marks = doc.replicationMarks === undefined ? {} : doc.replicationMarks;
  if (!isReplicationMarks(marks)) throw bad('bad replicationMarks');
  // Absent before they were kept: none then. Damaged: refused, as the marks are.
  const listings = doc.replicationListings === undefined ? {} : doc.replicationListings;
  if (!isPeerListings(listings)) throw bad('bad replicationListings');
  // Absent before they were kept: none then. Damaged: refused, since forgetting them would let a
  // pull take a withdrawn copy back (docs/protocol.md §5.6).
  const withdrawn = doc.withdrawnCopies === undefined ? [] : doc.withdrawnCopies;
  if (!isWithdrawnCopies(withdrawn)) throw bad('bad withdrawnCopies');
  const t = (doc.totals ?? {}) as Partial<ManagerState['totals']>;
  return {
    indexSerial: doc.indexSerial as number,
    policies,
    clients: doc.clients as SavedClient[],
    totals: {
      registrations: Number(t.registrations ?? 0),
      heartbeats: Number(t.heartbeats ?? 0),
      downloads: Number(t.downloads ?? 0),
    },
    replicationMarks: { ...marks },
    replicationListings: { ...listings },
    withdrawnCopies: [...withdrawn],
  };
}

/** The default store of a site in `siteDir`. */
export function siteStore(siteDir: string): ManagerStore {
  return fileStore(join(siteDir, STATE_DIR));
}
