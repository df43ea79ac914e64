/**
 * Following a peer's withdrawals without tombstones (docs/protocol.md §5.6): for each peer, the
 * entries of the last index of that peer that was verified and accepted are remembered. When a
 * newer accepted index of that peer no longer lists a name that this manager holds exactly as the
 * peer listed it last time (same serial and SHA-256), the peer withdrew it, and so does this
 * manager. A copy that differs (a newer publication here, or another manager's) is never
 * withdrawn: the signed index format stays as it is, and an absent name is only evidence about
 * the copy the peer itself had listed.
 *
 * The listings are kept in the manager's state (`ManagerState.replicationListings`), so that a
 * restarted manager follows a withdrawal made while it was down.
 *
 * @module
 */
import type { IndexEntry, PolicyMark } from '../../../protocol/index.js';
import { SavedPart } from '../state/saved_part.js';
import {
  isPeerListings,
  type PeerListing,
  type SavedPeerListings,
} from '../state/peer_listings.js';

/**
 * What a newer index of a peer withdraws here: the entries of `previous` (the peer's last
 * accepted index) that `index` no longer lists and that `held` gives back unchanged. Nothing
 * when there is no previous listing, or when `index` is not newer than it (a replayed index).
 */
export function withdrawnBy(
  previous: PeerListing | undefined,
  index: { readonly serial: number; readonly policies: readonly IndexEntry[] },
  held: (name: string) => { readonly serial: number; readonly sha256: string } | undefined,
): PolicyMark[] {
  if (previous === undefined || index.serial <= previous.indexSerial) return [];
  const listed = new Set(index.policies.map((p) => p.name));
  return previous.policies.filter((p) => {
    if (listed.has(p.name)) return false;
    const cur = held(p.name);
    return cur !== undefined && cur.serial === p.serial && cur.sha256 === p.sha256;
  });
}

/**
 * Holds the peers' listings and records them; saving and restoring (malformed saved listings:
 * `ERR_MANAGER_STATE_INVALID`) come from {@link SavedPart}.
 */
export class PeerListings extends SavedPart<SavedPeerListings> {
  readonly #listings = new Map<string, PeerListing>();

  constructor() {
    super('replicationListings', isPeerListings);
  }

  /** The last accepted listing of the peer with this certificate fingerprint, if any. */
  get(fingerprint: string): PeerListing | undefined {
    return this.#listings.get(fingerprint);
  }

  /**
   * Remembers an accepted index of the peer `fingerprint` unless one at least as new is held
   * (a replayed older index never replaces it); `commit()` saves it.
   */
  record(
    fingerprint: string,
    index: { readonly serial: number; readonly policies: readonly PolicyMark[] },
  ): void {
    const cur = this.#listings.get(fingerprint);
    if (cur !== undefined && cur.indexSerial >= index.serial) return;
    const policies = index.policies.map(({ name, serial, sha256 }) => ({ name, serial, sha256 }));
    this.#listings.set(fingerprint, { indexSerial: index.serial, policies });
    this.changed();
  }

  protected saved(): SavedPeerListings {
    return Object.fromEntries(this.#listings);
  }

  protected load(saved: SavedPeerListings): void {
    for (const [fp, l] of Object.entries(saved))
      this.record(fp, { serial: l.indexSerial, policies: l.policies });
  }
}
