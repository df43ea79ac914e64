/**
 * The copies of policies this manager withdrew (`ManagerState.withdrawnCopies`, docs/node.md
 * "State"; the rule that uses them is docs/protocol.md §5.6): each exact copy (name, serial,
 * SHA-256) withdrawn here, by `unpublishPolicy` or REST or by following a peer. A pull never
 * takes such a copy again: a peer that has not yet followed the withdrawal still lists it, and
 * taking it back would undo the withdrawal on every manager. Another copy of the name (a
 * re-publication) is taken as usual, and a local publication of the name forgets its copies.
 *
 * At most {@link MAX_WITHDRAWN_COPIES} are kept, the oldest withdrawal dropped first: a peer
 * lists at most as many policies, and a peer still listing a copy withdrawn that many
 * withdrawals ago has missed its notices and pulls for that long.
 *
 * @module
 */
import { isPolicyMark, MAX_INDEX_ENTRIES, type PolicyMark } from '../../../protocol/index.js';
import { SavedPart } from './saved_part.js';

/** Most withdrawn copies remembered (the most an index lists, `MAX_INDEX_ENTRIES`). */
export const MAX_WITHDRAWN_COPIES = MAX_INDEX_ENTRIES;

/** The withdrawn copies as saved, oldest withdrawal first. */
export type SavedWithdrawnCopies = readonly PolicyMark[];

/**
 * Whether `v` has the shape of {@link SavedWithdrawnCopies}: a list of at most
 * {@link MAX_WITHDRAWN_COPIES} copies, each as `isPolicyMark` checks it.
 */
export function isWithdrawnCopies(v: unknown): v is SavedWithdrawnCopies {
  return Array.isArray(v) && v.length <= MAX_WITHDRAWN_COPIES && v.every(isPolicyMark);
}

const keyOf = (c: PolicyMark): string => JSON.stringify([c.name, c.serial, c.sha256]);

/**
 * Holds the withdrawn copies; saving and restoring (malformed saved copies:
 * `ERR_MANAGER_STATE_INVALID`) come from {@link SavedPart}. The policy store remembers and
 * forgets in the same step as it withdraws or publishes, so the state snapshot its change
 * announces already holds them.
 */
export class WithdrawnCopies extends SavedPart<SavedWithdrawnCopies> {
  // Insertion order is withdrawal order: the first key is the oldest.
  readonly #copies = new Map<string, PolicyMark>();

  constructor() {
    super('withdrawnCopies', isWithdrawnCopies);
  }

  /** Whether exactly this copy (name, serial, SHA-256) was withdrawn here. */
  has(copy: PolicyMark): boolean {
    return this.#copies.has(keyOf(copy));
  }

  /** Remembers a withdrawn copy as the newest, dropping the oldest beyond the bound. */
  remember(copy: PolicyMark): void {
    const { name, serial, sha256 } = copy;
    const key = keyOf(copy);
    this.#copies.delete(key);
    this.#copies.set(key, { name, serial, sha256 });
    for (const old of this.#copies.keys()) {
      if (this.#copies.size <= MAX_WITHDRAWN_COPIES) break;
      this.#copies.delete(old);
    }
    this.changed();
  }

  /** Forgets every withdrawn copy of `name` (a local publication of that name). */
  forget(name: string): void {
    for (const [key, c] of this.#copies) {
      if (c.name !== name) continue;
      this.#copies.delete(key);
      this.changed();
    }
  }

  protected saved(): SavedWithdrawnCopies {
    return [...this.#copies.values()];
  }

  protected load(saved: SavedWithdrawnCopies): void {
    this.#copies.clear();
    for (const c of saved) this.remember(c);
  }
}
