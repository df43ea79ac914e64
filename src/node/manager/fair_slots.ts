/**
 * A fixed number of slots (the password-hashing slots of the manager, docs/node.md "Abuse
 * limits") shared fairly between keys (source networks): waiters queue per key, and a freed slot
 * goes to the keys in turn, so one network flooding logins delays another network by at most one
 * turn instead of taking every slot first come, first served.
 *
 * @module
 */

/** Frees the slot a {@link FairSlots.acquire} gave. */
export type ReleaseSlot = () => void;

/** Options of {@link FairSlots}. */
export interface FairSlotsOptions {
  /** Slots in use at once (at least 1). */
  readonly slots: number;
  /** Waiters queued per key; one more is refused (default 2). */
  readonly maxWaitingPerKey?: number;
  /** Waiters queued in all (default 256). */
  readonly maxWaiting?: number;
}

/** Slots handed out round-robin over keys. */
export class FairSlots {
  readonly #slots: number;
  readonly #perKey: number;
  readonly #total: number;
  // Insertion order is the turn order: a key served goes to the back.
  readonly #queues = new Map<string, ((release: ReleaseSlot) => void)[]>();
  #busy = 0;
  #waiting = 0;

  constructor(options: FairSlotsOptions) {
    if (!Number.isSafeInteger(options.slots) || options.slots < 1)
      throw new RangeError('"slots" expected an integer >= 1');
    this.#slots = options.slots;
    this.#perKey = options.maxWaitingPerKey ?? 2;
    this.#total = options.maxWaiting ?? 256;
  }

  /**
   * A slot for `key`: at once when one is free and nobody waits, else after the keys ahead of it
   * had their turn. `undefined` when the key's queue (or the whole queue) is full: the caller
   * answers "busy" at once.
   */
  acquire(key: string): Promise<ReleaseSlot> | undefined {
    if (this.#busy < this.#slots && this.#waiting === 0) {
      this.#busy += 1;
      return Promise.resolve(this.#releaser());
    }
    const queue = this.#queues.get(key) ?? [];
    if (queue.length >= this.#perKey || this.#waiting >= this.#total) return undefined;
    if (queue.length === 0) this.#queues.set(key, queue);
    this.#waiting += 1;
    return new Promise((resolve) => queue.push(resolve));
  }

  /** Slots in use and waiters (tests, reporting). */
  get load(): { busy: number; waiting: number } {
    return { busy: this.#busy, waiting: this.#waiting };
  }

  #releaser(): ReleaseSlot {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#busy -= 1;
      this.#next();
    };
  }

  #next(): void {
    const first = this.#queues.entries().next();
    if (first.done === true) return;
    const [key, queue] = first.value;
    const resolve = queue.shift()!;
    this.#queues.delete(key);
    if (queue.length > 0) this.#queues.set(key, queue);
    this.#waiting -= 1;
    this.#busy += 1;
    resolve(this.#releaser());
  }
}
