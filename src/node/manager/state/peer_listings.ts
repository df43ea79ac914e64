/**
 * The saved form of what each replication peer listed last (`ManagerState.replicationListings`,
 * docs/node.md "State"; the rule that uses it is docs/protocol.md §5.6): per peer, the serial and
 * the entries of the last index of that peer this manager verified and accepted. A restarted
 * manager needs them to follow a withdrawal the peer made while it was down.
 *
 * @module
 */
import { isPolicyName, MAX_INDEX_ENTRIES } from '../../../protocol/index.js';

/** One entry of a peer's index as remembered: enough to tell whether a held copy is that one. */
export interface ListedPolicy {
  readonly name: string;
  readonly serial: number;
  /** SHA-256 of the sealed bytes, lower-case hex. */
  readonly sha256: string;
}

/** The last accepted index of one peer, as remembered. */
export interface PeerListing {
  /** Its index serial. */
  readonly indexSerial: number;
  /** Its entries (at most `MAX_INDEX_ENTRIES`, as in an index). */
  readonly policies: readonly ListedPolicy[];
}

/** Per peer (SHA-256 of its certificate DER, lower-case hex), its {@link PeerListing}. */
export type SavedPeerListings = Readonly<Record<string, PeerListing>>;

const HEX64 = /^[0-9a-f]{64}$/;

const serialOk = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

function isListedPolicy(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Partial<ListedPolicy>;
  return (
    typeof p.name === 'string' &&
    isPolicyName(p.name) &&
    serialOk(p.serial) &&
    typeof p.sha256 === 'string' &&
    HEX64.test(p.sha256)
  );
}

function isPeerListing(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const l = v as Partial<PeerListing>;
  return (
    serialOk(l.indexSerial) &&
    Array.isArray(l.policies) &&
    l.policies.length <= MAX_INDEX_ENTRIES &&
    l.policies.every(isListedPolicy)
  );
}

/**
 * Whether `v` has the shape of {@link SavedPeerListings}: a plain object from certificate
 * fingerprints (64 lower-case hex) to listings (serials safe integers, not negative; names that
 * an index may carry; SHA-256 in lower-case hex).
 */
export function isPeerListings(v: unknown): v is SavedPeerListings {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(([fp, l]) => HEX64.test(fp) && isPeerListing(l));
}
