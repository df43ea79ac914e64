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
import { ManagerError } from '../../../errors.js';
import type { IndexEntry } from '../../../protocol/index.js';
import {
  isPeerListings,
  type ListedPolicy,
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
): ListedPolicy[] {
  if (previous === undefined || index.serial <= previous.indexSerial) return [];
  const listed = new Set(index.policies.map((p) => p.name));
  return previous.policies.filter((p) => {
    if (listed.has(p.name)) return false;
    const cur = held(p.name);
    return cur !== undefined && cur.serial === p.serial && cur.sha256 === p.sha256;
  });
}

/** Holds the peers' listings; records them, restores and snapshots them for the state store. */
export class PeerListings {
  readonly #listings = new Map<string, PeerListing>();
  #dirty = false;
  #onChange: (() => Promise<void>) | undefined;

  /** The last accepted listing of the peer with this certificate fingerprint, if any. */
  get(fingerprint: string): PeerListing | undefined {
    return this.#listings.get(fingerprint);
  }

  /**
   * Remembers an accepted index of the peer `fingerprint` unless one at least as new is held
   * (a replayed older index never replaces it); {@link commit} saves it.
   */
  record(
    fingerprint: string,
    index: { readonly serial: number; readonly policies: readonly ListedPolicy[] },
  ): void {
    const cur = this.#listings.get(fingerprint);
    if (cur !== undefined && cur.indexSerial >= index.serial) return;
    const policies = index.policies.map(({ name, serial, sha256 }) => ({ name, serial, sha256 }));
    this.#listings.set(fingerprint, { indexSerial: index.serial, policies });
    this.#dirty = true;
  }

  /** Sets the listener {@link commit} awaits (state persistence: save a snapshot). */
  onChange(listener: () => Promise<void>): void {
    this.#onChange = listener;
  }

  /** Saves listings recorded since the last {@link snapshot}, if any. */
  async commit(): Promise<void> {
    if (this.#dirty) await this.#onChange?.();
  }

  /** The listings as the state keeps them. */
  snapshot(): SavedPeerListings {
    this.#dirty = false;
    return Object.fromEntries(this.#listings);
  }

  /**
   * Takes back saved listings (before replication starts); none saved (an older state) means
   * none, so nothing is withdrawn until each peer's next accepted index.
   *
   * @throws {@link ManagerError} `ERR_MANAGER_STATE_INVALID` when they are malformed (a store's
   *   load is an untrusted shape, checked as the replication marks are).
   */
  restore(saved: unknown): void {
    if (saved === undefined) return;
    if (!isPeerListings(saved)) {
      throw new ManagerError(
        'ERR_MANAGER_STATE_INVALID',
        'saved manager state: replicationListings is malformed',
      );
    }
    for (const [fp, l] of Object.entries(saved))
      this.record(fp, { serial: l.indexSerial, policies: l.policies });
    this.#dirty = false;
  }
}
