/**
 * A piece of the manager's state that replication changes between policy changes (the
 * replication marks, the peers' listings; docs/node.md "State"). Each records that it changed,
 * lets the state persistence save it ({@link SavedPart.commit} awaits the save it registered),
 * gives its saved form and takes one back after checking its shape: a store's load is untrusted,
 * and forgetting such a piece would reopen what it guards (a rollback, a missed withdrawal).
 *
 * @module
 */
import { ManagerError } from '../../../errors.js';

/** The change tracking, saving and restoring shared by the pieces of state replication keeps. */
export abstract class SavedPart<Saved> {
  readonly #field: string;
  readonly #isSaved: (v: unknown) => v is Saved;
  #dirty = false;
  #onChange: (() => Promise<void>) | undefined;

  /**
   * @param field - the piece's name in `ManagerState` (named in the error a malformed one gives).
   * @param isSaved - whether a loaded value has the saved shape.
   */
  protected constructor(field: string, isSaved: (v: unknown) => v is Saved) {
    this.#field = field;
    this.#isSaved = isSaved;
  }

  /** The saved form of what is held now. */
  protected abstract saved(): Saved;

  /** Takes in a saved form whose shape was checked. */
  protected abstract load(saved: Saved): void;

  /** Marks the piece as changed since the last {@link snapshot}. */
  protected changed(): void {
    this.#dirty = true;
  }

  /** Sets the listener {@link commit} awaits (state persistence: save a snapshot). */
  onChange(listener: () => Promise<void>): void {
    this.#onChange = listener;
  }

  /** Saves what changed since the last {@link snapshot}, if anything: resolves once saved. */
  async commit(): Promise<void> {
    if (this.#dirty) await this.#onChange?.();
  }

  /** The piece as the state keeps it. */
  snapshot(): Saved {
    this.#dirty = false;
    return this.saved();
  }

  /**
   * Takes back a saved form (before replication starts); none saved (an older state) means none.
   *
   * @throws {@link ManagerError} `ERR_MANAGER_STATE_INVALID` when it is malformed.
   */
  restore(saved: unknown): void {
    if (saved === undefined) return;
    if (!this.#isSaved(saved)) {
      throw new ManagerError(
        'ERR_MANAGER_STATE_INVALID',
        `saved manager state: ${this.#field} is malformed`,
      );
    }
    this.load(saved);
    this.#dirty = false;
  }
}
