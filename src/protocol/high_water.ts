/**
 * High-water marks (docs/protocol.md §5.5): what a receiver of signed indexes remembers per site
 * (domain id) so that nothing older is accepted again, from any server, over either transport,
 * after a restart. A signature proves who made an index, not that it is the newest: without the
 * marks, an attacker who recorded an older signed index replays it through any server entry.
 *
 * The rules, for a site whose marks are M:
 * - the index serial must not be below M's; a lower one is accepted only when the index lists
 *   exactly what M describes (same names, serials and SHA-256: nothing older could be installed,
 *   as when two managers serve the same set under different index serials);
 * - no listed policy may have a lower serial than M holds for that name, nor an equal serial with
 *   a lower SHA-256 (equal serials are ordered by SHA-256, as replication orders them);
 * - with a maximum age, the index's `issuedAt` must be recent enough.
 *
 * Marks are kept for the names the accepted index lists; a withdrawn name loses its mark (a
 * replayed index that still lists it is older, so the index serial refuses it).
 *
 * Pure: the caller loads and saves the marks (`createClient({ state })`, `fileClientState`).
 *
 * @module
 */
import { ManagerError } from '../errors.js';
import type { PolicyIndex } from './index_codec.js';
import { MAX_INDEX_ENTRIES } from './index_codec.js';
import { isPolicyName } from './paths.js';
import { isRecord } from './decode.js';

/** Format tag of a saved client state. */
export const CLIENT_STATE_FORMAT = 'sepm-crypto.client-state';

/** The highest policy version accepted for one name. */
export interface PolicyMark {
  readonly name: string;
  readonly serial: number;
  /** SHA-256 of the sealed bytes, lower-case hex. */
  readonly sha256: string;
}

/** The marks of one site. */
export interface SiteMarks {
  /** The highest index serial accepted. */
  readonly indexSerial: number;
  /** The policies of the last accepted index, sorted by name. */
  readonly policies: readonly PolicyMark[];
}

/**
 * What a client saves (`ClientStateStore.save`) and gets back (`load`): the marks of every site
 * it has accepted an index of, keyed by domain id (32 upper-case hex).
 */
export interface ClientMarks {
  readonly format: typeof CLIENT_STATE_FORMAT;
  readonly version: 1;
  readonly sites: Readonly<Record<string, SiteMarks>>;
}

/** Options of {@link checkIndexMarks}. */
export interface MarkCheckOptions {
  /** Refuse an index issued more than this many ms before `now` (default: no limit). */
  readonly maxAgeMs?: number;
  /** The current time, ms since the epoch (needed with `maxAgeMs`). */
  readonly now?: number;
  /** Names the server in messages. */
  readonly from?: string;
}

function rollback(message: string): ManagerError {
  return new ManagerError('ERR_MANAGER_ROLLBACK', `${message} (rollback refused)`);
}

function sameSet(marks: SiteMarks, index: PolicyIndex): boolean {
  if (marks.policies.length !== index.policies.length) return false;
  const held = new Map(marks.policies.map((p) => [p.name, p]));
  return index.policies.every(
    (p) => held.get(p.name)?.serial === p.serial && held.get(p.name)?.sha256 === p.sha256,
  );
}

/**
 * Refuses a verified index that is older than the marks of its site.
 *
 * @throws {@link ManagerError} `ERR_MANAGER_ROLLBACK` for a lower index serial (unless the index
 *   lists exactly what the marks hold), a lower per-policy serial, or an index older than
 *   `maxAgeMs`.
 */
export function checkIndexMarks(
  marks: SiteMarks | undefined,
  index: PolicyIndex,
  options: MarkCheckOptions = {},
): void {
  const from = options.from !== undefined ? `${options.from} served ` : '';
  if (options.maxAgeMs !== undefined) {
    const issued = Date.parse(index.issuedAt);
    const now = options.now ?? Number.NaN;
    if (!Number.isFinite(issued) || !(now - issued <= options.maxAgeMs)) {
      throw new ManagerError(
        'ERR_MANAGER_ROLLBACK',
        `${from}an index issued at ${index.issuedAt}, older than the maximum age of ${options.maxAgeMs} ms`,
      );
    }
  }
  if (marks === undefined) return;
  if (index.serial < marks.indexSerial && !sameSet(marks, index)) {
    throw rollback(`${from}index serial ${index.serial}, older than ${marks.indexSerial}`);
  }
  const held = new Map(marks.policies.map((p) => [p.name, p]));
  for (const p of index.policies) {
    const m = held.get(p.name);
    if (m === undefined) continue;
    if (p.serial < m.serial || (p.serial === m.serial && p.sha256 < m.sha256)) {
      throw rollback(
        `${from}policy "${p.name}" serial ${p.serial}, older than the accepted serial ${m.serial}`,
      );
    }
  }
}

/** The marks after accepting `index` (checked with {@link checkIndexMarks}). */
export function advanceMarks(marks: SiteMarks | undefined, index: PolicyIndex): SiteMarks {
  if (marks !== undefined && index.serial < marks.indexSerial) return marks;
  return {
    indexSerial: index.serial,
    policies: index.policies.map(({ name, serial, sha256 }) => ({ name, serial, sha256 })),
  };
}

/** An empty client state. */
export function emptyClientMarks(): ClientMarks {
  return { format: CLIENT_STATE_FORMAT, version: 1, sites: {} };
}

const DOMAIN_RE = /^[0-9A-F]{32}$/;

function isSerial(v: unknown, min = 0): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
}

/**
 * Whether `v` is a {@link PolicyMark} as an index lists one (a name an index may carry, a
 * per-name serial from 1, SHA-256 in lower-case hex): the one check of this shape for every
 * saved form that keeps such entries (client marks, a manager's replication state).
 */
export function isPolicyMark(v: unknown): v is PolicyMark {
  return (
    isRecord(v) &&
    isPolicyName(v.name) &&
    isSerial(v.serial, 1) &&
    typeof v.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(v.sha256)
  );
}

function siteMarksOf(v: unknown): SiteMarks | undefined {
  if (!isRecord(v) || !isSerial(v.indexSerial) || !Array.isArray(v.policies)) return undefined;
  if (v.policies.length > MAX_INDEX_ENTRIES) return undefined;
  const policies: PolicyMark[] = [];
  for (const p of v.policies as unknown[]) {
    if (!isPolicyMark(p)) return undefined;
    policies.push({ name: p.name, serial: p.serial, sha256: p.sha256 });
  }
  return { indexSerial: v.indexSerial, policies };
}

/**
 * Checks a loaded client state (from a file or a caller's store: untrusted shape).
 *
 * @throws {@link ManagerError} `ERR_MANAGER_STATE_INVALID` when it is not a version 1 client state.
 */
export function checkClientMarks(v: unknown, what = 'client state'): ClientMarks {
  const bad = () =>
    new ManagerError('ERR_MANAGER_STATE_INVALID', `${what} is not a version 1 client state`);
  if (!isRecord(v) || v.format !== CLIENT_STATE_FORMAT || v.version !== 1 || !isRecord(v.sites)) {
    throw bad();
  }
  // A null-prototype record: a domain id is never `__proto__`, but the check costs nothing.
  const sites: Record<string, SiteMarks> = Object.create(null) as Record<string, SiteMarks>;
  for (const [domainId, marks] of Object.entries(v.sites)) {
    const m = siteMarksOf(marks);
    if (!DOMAIN_RE.test(domainId) || m === undefined) throw bad();
    sites[domainId] = m;
  }
  return { format: CLIENT_STATE_FORMAT, version: 1, sites };
}
