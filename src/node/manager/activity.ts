/**
 * Client activity as the reporting port (8445) shows it: registrations, heartbeats (signed index
 * fetches) and policy downloads, counted per client with the last time each was seen. Recorded
 * by a tap in front of the distribution handler on the client ports (443 and 8014).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PATH_INDEX, PATH_POLICY_PREFIX, PATH_REGISTER } from '../../protocol/index.js';
import type { ClientRegistry } from './clients.js';
import type { ManagerState, SavedClient } from './state/store.js';

/** Counters of one client. */
export interface ClientActivity {
  readonly clientId: string;
  readonly hostname: string | undefined;
  readonly registeredAt: Date;
  /** Signed-index fetches (200 or 304). */
  readonly heartbeats: number;
  /** Sealed-policy downloads (200). */
  readonly downloads: number;
  /** Last request with this client's id, or the registration. */
  readonly lastSeen: Date;
  /** Address of the last request. */
  readonly lastAddress: string | undefined;
}

/** Totals over every client, including requests without a (known) client id. */
export interface ActivityTotals {
  readonly registrations: number;
  readonly heartbeats: number;
  readonly downloads: number;
  /** Registered clients. */
  readonly clients: number;
}

interface Counters {
  heartbeats: number;
  downloads: number;
  lastSeen: number;
  lastAddress: string | undefined;
}

/** Counts what the client ports served. */
export class ActivityRecorder {
  readonly #clients: ClientRegistry;
  readonly #now: () => number;
  readonly #counters = new Map<string, Counters>();
  #registrations = 0;
  #heartbeats = 0;
  #downloads = 0;
  #dirty = false;
  #onDirty: (() => void) | undefined;

  /**
   * @param clients - the manager's registered clients; only their ids are counted per client,
   *   so a forged `X-Sepm-Client-Id` cannot grow this table, and the counters of a registration
   *   the registry drops go with it.
   */
  constructor(clients: ClientRegistry, now: () => number = Date.now) {
    this.#clients = clients;
    this.#now = now;
    clients.onEvict((id) => this.#counters.delete(id));
  }

  /** Records one answered request of the distribution protocol. */
  record(
    method: string,
    url: string,
    status: number,
    clientId: string | undefined,
    address: string | undefined,
  ): void {
    let kind: 'register' | 'heartbeat' | 'download' | undefined;
    if (url === PATH_REGISTER && method === 'POST' && status === 200) kind = 'register';
    else if (url === PATH_INDEX && method === 'GET' && (status === 200 || status === 304))
      kind = 'heartbeat';
    else if (url.startsWith(PATH_POLICY_PREFIX) && method === 'GET' && status === 200)
      kind = 'download';
    if (kind === undefined) return;
    this.#markDirty();
    if (kind === 'register') this.#registrations += 1;
    if (kind === 'heartbeat') this.#heartbeats += 1;
    if (kind === 'download') this.#downloads += 1;
    if (clientId === undefined || !this.#clients.map.has(clientId)) return;
    // A client that keeps asking stays registered (idle expiry, eviction order).
    this.#clients.touch(clientId);
    let c = this.#counters.get(clientId);
    if (c === undefined) {
      c = { heartbeats: 0, downloads: 0, lastSeen: 0, lastAddress: undefined };
      this.#counters.set(clientId, c);
    }
    if (kind === 'heartbeat') c.heartbeats += 1;
    if (kind === 'download') c.downloads += 1;
    c.lastSeen = this.#now();
    c.lastAddress = address;
  }

  /** Calls `listener` when counters change after the last {@link snapshot} (to save them soon). */
  onDirty(listener: () => void): void {
    this.#onDirty = listener;
  }

  #markDirty(): void {
    if (this.#dirty) return;
    this.#dirty = true;
    this.#onDirty?.();
  }

  /** The counters as {@link ManagerState} keeps them (with the registrations). */
  snapshot(): Pick<ManagerState, 'clients' | 'totals'> {
    this.#dirty = false;
    const clients: SavedClient[] = [];
    for (const { client, network } of this.#clients.entries()) {
      const c = this.#counters.get(client.clientId);
      clients.push({
        clientId: client.clientId,
        hostname: client.hostname,
        registeredAt: client.registeredAt.getTime(),
        heartbeats: c?.heartbeats ?? 0,
        downloads: c?.downloads ?? 0,
        lastSeen: c?.lastSeen ?? 0,
        lastAddress: c?.lastAddress,
        network,
        ...(client.preferredGroup !== undefined ? { preferredGroup: client.preferredGroup } : {}),
        ...(client.address !== undefined ? { address: client.address } : {}),
      });
    }
    const totals = {
      registrations: this.#registrations,
      heartbeats: this.#heartbeats,
      downloads: this.#downloads,
    };
    return { clients, totals };
  }

  /** Takes back saved counters (before serving). */
  restore(state: Pick<ManagerState, 'clients' | 'totals'>): void {
    this.#registrations = state.totals.registrations;
    this.#heartbeats = state.totals.heartbeats;
    this.#downloads = state.totals.downloads;
    for (const c of state.clients) {
      if (c.heartbeats === 0 && c.downloads === 0 && c.lastSeen === 0) continue;
      // Registrations the registry did not take back (idle, over a quota) keep no counters.
      if (!this.#clients.map.has(c.clientId)) continue;
      this.#counters.set(c.clientId, {
        heartbeats: c.heartbeats,
        downloads: c.downloads,
        lastSeen: c.lastSeen,
        lastAddress: c.lastAddress,
      });
    }
  }

  /** Totals. */
  totals(): ActivityTotals {
    return {
      registrations: this.#registrations,
      heartbeats: this.#heartbeats,
      downloads: this.#downloads,
      clients: this.#clients.size,
    };
  }

  /**
   * When `clientId` was last seen (ms since the epoch) and from where; `undefined` when it is
   * not registered. One lookup, for views that read a few clients of a large table.
   */
  lastOf(clientId: string): { lastSeen: number; lastAddress: string | undefined } | undefined {
    const lastSeen = this.#clients.lastSeen(clientId);
    if (lastSeen === undefined) return undefined;
    return { lastSeen, lastAddress: this.#counters.get(clientId)?.lastAddress };
  }

  /**
   * Up to `limit` registered clients from `offset` with their counters, most recently seen
   * first: one page of a list that may hold 100,000 (docs/node.md "Abuse limits").
   */
  clients(offset = 0, limit = Number.MAX_SAFE_INTEGER): ClientActivity[] {
    return this.#clients.page(offset, limit).map((reg) => {
      const c = this.#counters.get(reg.clientId);
      const lastSeen = this.#clients.lastSeen(reg.clientId) ?? reg.registeredAt.getTime();
      return {
        clientId: reg.clientId,
        hostname: reg.hostname,
        registeredAt: reg.registeredAt,
        heartbeats: c?.heartbeats ?? 0,
        downloads: c?.downloads ?? 0,
        lastSeen: new Date(lastSeen),
        lastAddress: c?.lastAddress,
      };
    });
  }

  /**
   * Wraps a client-port handler so that each answered request is recorded. The hot paths answer
   * synchronously, so the status is usually known when the handler returns and no listener is
   * added; otherwise the request is recorded when its response finishes.
   */
  tap<H extends (req: IncomingMessage, res: ServerResponse, next: () => void) => unknown>(
    handler: H,
  ): (req: IncomingMessage, res: ServerResponse, next: () => void) => unknown {
    return (req, res, next) => {
      const result = handler(req, res, next);
      const done = () => {
        const id = req.headers['x-sepm-client-id'];
        this.record(
          req.method ?? 'GET',
          req.url ?? '',
          res.statusCode,
          typeof id === 'string' ? id : undefined,
          req.socket?.remoteAddress,
        );
      };
      // 'finish' is always emitted after this synchronous code, never during it.
      if (res.headersSent) done();
      else res.once('finish', done);
      return result;
    };
  }
}
