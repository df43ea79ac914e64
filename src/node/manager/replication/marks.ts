/**
 * The replication high-water marks of a manager (docs/protocol.md §5.5 "Replication keeps the
 * same rule per domain"): per domain id, the highest index serial taken from any peer. They are
 * kept in the manager's state (`ManagerState.replicationMarks`), so that a restarted manager
 * still refuses a peer's relayed older index; marks held in memory only would let the first
 * pull after a restart bring back what a newer index had withdrawn.
 *
 * The marks announce that they advanced; state persistence saves them with the next snapshot.
 *
 * @module
 */
import { ManagerError } from '../../../errors.js';
import { isReplicationMarks } from '../state/store.js';

/** Highest index serial taken per domain id, as `ManagerState.replicationMarks` saves it. */
export type SavedReplicationMarks = Readonly<Record<string, number>>;

/** Holds the marks; advances them, restores and snapshots them for the state store. */
export class ReplicationMarks {
  readonly #marks = new Map<string, number>();
  #dirty = false;
  #onChange: (() => Promise<void>) | undefined;

  /** The highest index serial taken for `domainId`, if any. */
  get(domainId: string): number | undefined {
    return this.#marks.get(domainId);
  }

  /** Raises the mark of `domainId` to `serial` (never lowers it); {@link commit} saves it. */
  advance(domainId: string, serial: number): void {
    const cur = this.#marks.get(domainId);
    if (cur !== undefined && cur >= serial) return;
    this.#marks.set(domainId, serial);
    this.#dirty = true;
  }

  /** Sets the listener {@link commit} awaits (state persistence: save a snapshot). */
  onChange(listener: () => Promise<void>): void {
    this.#onChange = listener;
  }

  /**
   * Saves marks advanced since the last {@link snapshot}, if any: resolves once the listener
   * has (a pull that took policies saved them already with the policies).
   */
  async commit(): Promise<void> {
    if (this.#dirty) await this.#onChange?.();
  }

  /** The marks as the state keeps them. */
  snapshot(): SavedReplicationMarks {
    this.#dirty = false;
    return Object.fromEntries(this.#marks);
  }

  /**
   * Takes back saved marks (before replication starts); none saved (an older state) means none.
   *
   * @throws {@link ManagerError} `ERR_MANAGER_STATE_INVALID` when they are malformed (a store's
   *   load is an untrusted shape; forgetting them would reopen the rollback they prevent).
   */
  restore(saved: unknown): void {
    if (saved === undefined) return;
    if (!isReplicationMarks(saved)) {
      throw new ManagerError(
        'ERR_MANAGER_STATE_INVALID',
        'saved manager state: replicationMarks is malformed',
      );
    }
    for (const [domainId, serial] of Object.entries(saved)) this.advance(domainId, serial);
    this.#dirty = false;
  }
}
