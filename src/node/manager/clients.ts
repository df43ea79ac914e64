/**
 * The clients registered with one manager (docs/protocol.md §2.2, docs/node.md "Abuse limits").
 * Registration is anonymous (the domain id is public), so the table is bounded in a way a flood
 * cannot turn against other clients: each source network (IPv4 /24, IPv6 /64) may hold at most
 * `maxClientsPerNetwork` registrations, a registration idle for `clientIdleMs` is dropped, and a
 * new registration never meets a permanent refusal: it evicts the least recently seen
 * registration of its own network when that network is at its quota, else, when the table is
 * full, one of the network that holds the most. A flood from one network therefore only churns
 * its own entries. Lists are read in pages, most recently seen first, without sorting.
 *
 * Recency is kept in two intrusive doubly linked lists (all entries; the entries of each
 * network), so a sighting, an eviction and the oldest entry are O(1). (A `Map` reordered by
 * delete-and-set is not: finding its first live entry skips the deleted slots before it, which
 * made a flood quadratic.)
 *
 * @module
 */
import { randomFillSync } from 'node:crypto';
import { networkOf } from '../http/network.js';
import type { RegisteredClient } from './policy_store.js';
import type { SavedClient } from './state/store.js';

/** Bounds of a {@link ClientRegistry}. */
export interface ClientRegistryOptions {
  /** Most registrations kept (at least 1). */
  readonly max: number;
  /** Most registrations kept per source network, IPv4 /24 or IPv6 /64 (at least 1). */
  readonly maxPerNetwork: number;
  /** A registration not seen for this long, ms, is dropped (`Infinity`: never). */
  readonly idleMs: number;
  /** Clock, ms since the epoch. */
  readonly now?: () => number;
}

// Client ids come from a pool of CSPRNG bytes refilled 256 ids at a time (as randomUUID
// caches): one call into the CSPRNG per id was a third of a registration's cost in a flood.
const ID_BYTES = 16;
const pool = new Uint8Array(ID_BYTES * 256);
let poolAt = pool.length;

function newClientId(): string {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const id = Buffer.from(pool.buffer, poolAt, ID_BYTES).toString('hex').toUpperCase();
  poolAt += ID_BYTES;
  return id;
}

interface Entry {
  readonly client: RegisteredClient;
  readonly net: Net;
  /** The registration or the last request carrying the client's id, ms since the epoch. */
  lastSeen: number;
  // All entries, least recently seen first.
  prev: Entry | undefined;
  next: Entry | undefined;
  // The entries of `net`, least recently seen first.
  netPrev: Entry | undefined;
  netNext: Entry | undefined;
}

interface Net {
  readonly name: string;
  head: Entry | undefined;
  tail: Entry | undefined;
  count: number;
}

/**
 * Which networks hold the most registrations, in O(1) per change: networks are kept in buckets
 * by count (the LFU-cache layout).
 */
class NetworkCounts {
  readonly #buckets = new Map<number, Set<Net>>();
  #max = 0;

  /** Call after `net.count` moved by one from `from`. */
  moved(net: Net, from: number): void {
    if (from > 0) {
      const b = this.#buckets.get(from)!;
      b.delete(net);
      if (b.size === 0) this.#buckets.delete(from);
    }
    if (net.count > 0) {
      let b = this.#buckets.get(net.count);
      if (b === undefined) this.#buckets.set(net.count, (b = new Set()));
      b.add(net);
    }
    if (net.count > this.#max) this.#max = net.count;
    // Counts move by one: when the top bucket empties, the next one down is not empty.
    while (this.#max > 0 && !this.#buckets.has(this.#max)) this.#max -= 1;
  }

  /** A network holding the most registrations. */
  largest(): Net | undefined {
    const b = this.#buckets.get(this.#max);
    return b === undefined ? undefined : (b.values().next().value as Net);
  }
}

/** Registered clients by id. */
export class ClientRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #clients = new Map<string, RegisteredClient>();
  readonly #networks = new Map<string, Net>();
  readonly #counts = new NetworkCounts();
  #head: Entry | undefined;
  #tail: Entry | undefined;
  readonly #o: Required<ClientRegistryOptions>;
  readonly #listeners: (() => void)[] = [];
  readonly #evictListeners: ((clientId: string) => void)[] = [];
  #version = 0;

  constructor(options: ClientRegistryOptions) {
    for (const k of ['max', 'maxPerNetwork'] as const) {
      if (!Number.isSafeInteger(options[k]) || options[k] < 1)
        throw new RangeError(`"${k}" expected an integer >= 1`);
    }
    if (!(options.idleMs > 0)) throw new RangeError('"idleMs" expected a number > 0');
    this.#o = { now: Date.now, ...options };
  }

  /** The registered clients (read-only view; its order is not meaningful). */
  get map(): ReadonlyMap<string, RegisteredClient> {
    return this.#clients;
  }

  /** Registered clients. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Changes each time a registration comes or goes (not when one is seen), so that a view of
   * the table (the REST lists, docs/rest-api.md "Groups") is rebuilt only then.
   */
  get version(): number {
    return this.#version;
  }

  /**
   * Adds a listener called after each registration. The answer does not wait for it: a
   * registration costs no disk write on the request path (persistence saves it soon after).
   */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Adds a listener called with the id of each registration dropped (evicted or idle). */
  onEvict(listener: (clientId: string) => void): void {
    this.#evictListeners.push(listener);
  }

  /**
   * Registers a new client with a random 128-bit id (CSPRNG), from source address `from`. Never
   * refused: when `from`'s network is at its quota, or the table is full, an older registration
   * goes.
   */
  register(
    hostname: string | undefined,
    from: string | undefined,
    extra: { readonly preferredGroup?: string; readonly address?: string } = {},
  ): RegisteredClient {
    const now = this.#o.now();
    this.#expire(now);
    const client: RegisteredClient = {
      clientId: newClientId(),
      hostname,
      registeredAt: new Date(now),
      ...extra,
    };
    this.#add(client, networkOf(from), now);
    for (const l of this.#listeners) l();
    return client;
  }

  /** Records that `clientId` was seen now (a request carrying its id); unknown ids are ignored. */
  touch(clientId: string): void {
    const e = this.#entries.get(clientId);
    if (e === undefined) return;
    e.lastSeen = this.#o.now();
    this.#unlink(e);
    this.#append(e);
  }

  /** When `clientId` was last seen (ms since the epoch), `undefined` when not registered. */
  lastSeen(clientId: string): number | undefined {
    return this.#entries.get(clientId)?.lastSeen;
  }

  /** The source network `clientId` registered from. */
  networkOf(clientId: string): string | undefined {
    return this.#entries.get(clientId)?.net.name;
  }

  /**
   * Up to `limit` registrations from `offset`, most recently seen first: a walk of
   * `offset + limit` links from the newest, whatever the size of the table.
   */
  page(offset: number, limit: number): RegisteredClient[] {
    this.#expire(this.#o.now());
    const out: RegisteredClient[] = [];
    let e = this.#tail;
    for (let i = 0; e !== undefined && i < offset; i++) e = e.prev;
    for (; e !== undefined && out.length < limit; e = e.prev) out.push(e.client);
    return out;
  }

  /** Every registration, least recently seen first (for the state snapshot). */
  *entries(): IterableIterator<{ client: RegisteredClient; network: string; lastSeen: number }> {
    for (let e = this.#head; e !== undefined; e = e.next) {
      yield { client: e.client, network: e.net.name, lastSeen: e.lastSeen };
    }
  }

  /**
   * Takes back saved registrations (before serving), under today's bounds: idle ones are
   * dropped, and beyond a quota the least recently seen go first.
   */
  restore(saved: readonly SavedClient[]): void {
    const now = this.#o.now();
    const entries = saved
      .map((c) => ({
        client: {
          clientId: c.clientId,
          hostname: c.hostname,
          registeredAt: new Date(c.registeredAt),
          ...(typeof c.preferredGroup === 'string' ? { preferredGroup: c.preferredGroup } : {}),
          ...(typeof c.address === 'string' ? { address: c.address } : {}),
        },
        // States saved before networks were kept: the last address is the best guess.
        network: c.network ?? networkOf(c.lastAddress),
        lastSeen: Math.max(c.lastSeen || 0, c.registeredAt),
      }))
      .sort((a, b) => a.lastSeen - b.lastSeen);
    for (const e of entries) {
      if (now - e.lastSeen >= this.#o.idleMs || this.#entries.has(e.client.clientId)) continue;
      this.#add(e.client, e.network, e.lastSeen);
    }
  }

  #add(client: RegisteredClient, network: string, lastSeen: number): void {
    let net = this.#networks.get(network);
    if (net !== undefined && net.count >= this.#o.maxPerNetwork) {
      this.#drop(net.head!);
    } else if (this.#entries.size >= this.#o.max) {
      // The largest network gives one up; when every network holds one, the least recently seen.
      const top = this.#counts.largest();
      this.#drop(top !== undefined && top.count > 1 ? top.head! : this.#head!);
    }
    net = this.#networks.get(network);
    if (net === undefined) {
      net = { name: network, head: undefined, tail: undefined, count: 0 };
      this.#networks.set(network, net);
    }
    const e: Entry = {
      client,
      net,
      lastSeen,
      prev: undefined,
      next: undefined,
      netPrev: undefined,
      netNext: undefined,
    };
    this.#version += 1;
    this.#entries.set(client.clientId, e);
    this.#clients.set(client.clientId, client);
    this.#append(e);
    net.count += 1;
    this.#counts.moved(net, net.count - 1);
  }

  // Drops registrations idle for `idleMs`: the least recently seen come first, so this stops at
  // the first one still live (amortised O(1) per registration).
  #expire(now: number): void {
    while (this.#head !== undefined && now - this.#head.lastSeen >= this.#o.idleMs) {
      this.#drop(this.#head);
    }
  }

  #drop(e: Entry): void {
    const id = e.client.clientId;
    this.#version += 1;
    this.#entries.delete(id);
    this.#clients.delete(id);
    this.#unlink(e);
    const net = e.net;
    net.count -= 1;
    this.#counts.moved(net, net.count + 1);
    if (net.count === 0) this.#networks.delete(net.name);
    for (const l of this.#evictListeners) l(id);
  }

  // Appends `e` as the most recently seen, of all and of its network.
  #append(e: Entry): void {
    e.prev = this.#tail;
    e.next = undefined;
    if (this.#tail !== undefined) this.#tail.next = e;
    else this.#head = e;
    this.#tail = e;
    const net = e.net;
    e.netPrev = net.tail;
    e.netNext = undefined;
    if (net.tail !== undefined) net.tail.netNext = e;
    else net.head = e;
    net.tail = e;
  }

  #unlink(e: Entry): void {
    if (e.prev !== undefined) e.prev.next = e.next;
    else this.#head = e.next;
    if (e.next !== undefined) e.next.prev = e.prev;
    else this.#tail = e.prev;
    const net = e.net;
    if (e.netPrev !== undefined) e.netPrev.netNext = e.netNext;
    else net.head = e.netNext;
    if (e.netNext !== undefined) e.netNext.netPrev = e.netPrev;
    else net.tail = e.netPrev;
    e.prev = e.next = e.netPrev = e.netNext = undefined;
  }
}
