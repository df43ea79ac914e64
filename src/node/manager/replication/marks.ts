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
import { SavedPart } from '../state/saved_part.js';
import { isReplicationMarks } from '../state/store.js';

/** Highest index serial taken per domain id, as `ManagerState.replicationMarks` saves it. */
export type SavedReplicationMarks = Readonly<Record<string, number>>;

/**
 * Holds the marks and advances them; saving and restoring (malformed saved marks:
 * `ERR_MANAGER_STATE_INVALID`) come from {@link SavedPart}.
 */
export class ReplicationMarks extends SavedPart<SavedReplicationMarks> {
  readonly #marks = new Map<string, number>();

  constructor() {
    super('replicationMarks', isReplicationMarks);
  }

  /** The highest index serial taken for `domainId`, if any. */
  get(domainId: string): number | undefined {
    return this.#marks.get(domainId);
  }

  /** Raises the mark of `domainId` to `serial` (never lowers it); `commit()` saves it. */
  advance(domainId: string, serial: number): void {
    const cur = this.#marks.get(domainId);
    if (cur !== undefined && cur >= serial) return;
    this.#marks.set(domainId, serial);
    this.changed();
  }

  protected saved(): SavedReplicationMarks {
    return Object.fromEntries(this.#marks);
  }

  protected load(saved: SavedReplicationMarks): void {
    for (const [domainId, serial] of Object.entries(saved)) this.advance(domainId, serial);
  }
}
