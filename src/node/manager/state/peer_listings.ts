/**
 * The saved form of what each replication peer listed last (`ManagerState.replicationListings`,
 * docs/node.md "State"; the rule that uses it is docs/protocol.md §5.6): per peer, the serial and
 * the entries of the last index of that peer this manager verified and accepted. A restarted
 * manager needs them to follow a withdrawal the peer made while it was down.
 *
 * @module
 */
import { isPolicyMark, MAX_INDEX_ENTRIES, type PolicyMark } from '../../../protocol/index.js';

/** The last accepted index of one peer, as remembered. */
export interface PeerListing {
  /** Its index serial. */
  readonly indexSerial: number;
  /**
   * Its entries (at most `MAX_INDEX_ENTRIES`, as in an index): name, serial and SHA-256, enough
   * to tell whether a held copy is that one.
   */
  readonly policies: readonly PolicyMark[];
}

/** Per peer (SHA-256 of its certificate DER, lower-case hex), its {@link PeerListing}. */
export type SavedPeerListings = Readonly<Record<string, PeerListing>>;

const HEX64 = /^[0-9a-f]{64}$/;

const serialOk = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

function isPeerListing(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const l = v as Partial<PeerListing>;
  return (
    serialOk(l.indexSerial) &&
    Array.isArray(l.policies) &&
    l.policies.length <= MAX_INDEX_ENTRIES &&
    l.policies.every(isPolicyMark)
  );
}

/**
 * Whether `v` has the shape of {@link SavedPeerListings}: a plain object from certificate
 * fingerprints (64 lower-case hex) to listings (an index serial, a safe integer not negative;
 * entries as `isPolicyMark` checks them).
 */
export function isPeerListings(v: unknown): v is SavedPeerListings {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(([fp, l]) => HEX64.test(fp) && isPeerListing(l));
}
