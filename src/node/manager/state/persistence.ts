/**
 * Keeps a manager's {@link ManagerStore} current: restores the pieces once before serving, saves
 * a whole snapshot after each policy change, each advance of the replication marks and each peer
 * listing recorded (the change completes only once saved), and registrations and counters a
 * moment after they change (a registration or a heartbeat must not wait for a disk write), and
 * whatever is pending on close.
 * The pieces announce their changes; they do not know this module.
 *
 * @module
 */
import type { ActivityRecorder } from '../activity.js';
import type { ClientRegistry } from '../clients.js';
import type { PolicyStore } from '../policy_store.js';
import type { ReplicationMarks } from '../replication/marks.js';
import type { PeerListings } from '../replication/withdrawals.js';
import type { ManagerState, ManagerStore } from './store.js';
import type { WithdrawnCopies } from './withdrawn_copies.js';

/** Delay before registrations and counters that changed are saved, ms. */
export const ACTIVITY_SAVE_DELAY_MS = 2_000;

/** The pieces whose state is kept. */
export interface PersistedParts {
  readonly policies: PolicyStore;
  readonly clients: ClientRegistry;
  readonly activity: ActivityRecorder;
  readonly marks: ReplicationMarks;
  /** What each replication peer listed last (following its withdrawals). */
  readonly listings: PeerListings;
  /**
   * The copies withdrawn here: changed only within a policy change, so saved with its snapshot.
   */
  readonly withdrawn: WithdrawnCopies;
}

/** Restores and saves the state of `parts` in `store`. */
export class StatePersistence {
  readonly #store: ManagerStore;
  readonly #parts: PersistedParts;
  readonly #onError: (e: unknown) => void;
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #restored: Promise<void> | undefined;
  readonly #upgrade: (() => Promise<boolean>) | undefined;

  /**
   * @param upgrade - run once after a saved state was restored (e.g. re-sealing policies kept in
   *   an older format); when it resolves `true` the upgraded state is saved at once.
   */
  constructor(
    store: ManagerStore,
    parts: PersistedParts,
    onError: (e: unknown) => void,
    upgrade?: () => Promise<boolean>,
  ) {
    this.#store = store;
    this.#parts = parts;
    this.#onError = onError;
    this.#upgrade = upgrade;
    parts.policies.onChange(() => this.save());
    parts.clients.onChange(() => this.#saveSoon());
    parts.activity.onDirty(() => this.#saveSoon());
    parts.marks.onChange(() => this.save());
    parts.listings.onChange(() => this.save());
  }

  /** Loads the saved state into the parts, once; later calls resolve the same promise. */
  restore(): Promise<void> {
    return (this.#restored ??= this.#store.load().then(async (state) => {
      if (state === undefined) return;
      // First: malformed marks, listings or withdrawn copies refuse the state before any piece
      // took part of it.
      this.#parts.marks.restore(state.replicationMarks);
      this.#parts.listings.restore(state.replicationListings);
      this.#parts.withdrawn.restore(state.withdrawnCopies);
      this.#parts.policies.restore(state);
      this.#parts.clients.restore(state.clients);
      this.#parts.activity.restore(state);
      if (this.#upgrade !== undefined && (await this.#upgrade())) await this.save();
    }));
  }

  /** Saves a snapshot now (after any save in progress). */
  save(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = this.#queue.then(() => this.#store.save(this.#snapshot()));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Saves what is pending, if anything (on close). */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) await this.save();
    await this.#queue;
  }

  #saveSoon(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.save().catch(this.#onError);
    }, ACTIVITY_SAVE_DELAY_MS);
    this.#timer.unref();
  }

  #snapshot(): ManagerState {
    return {
      ...this.#parts.policies.snapshot(),
      ...this.#parts.activity.snapshot(),
      replicationMarks: this.#parts.marks.snapshot(),
      replicationListings: this.#parts.listings.snapshot(),
      withdrawnCopies: this.#parts.withdrawn.snapshot(),
    };
  }
}
