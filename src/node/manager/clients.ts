/**
 * The clients registered with one manager (docs/protocol.md §2.2): bounded, announced to the
 * state persistence on every registration.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { RegisteredClient } from './policy_store.js';
import type { SavedClient } from './state/store.js';

/** Why a registration was refused. */
export type RegistrationRefusal = 'full';

/** Registered clients by id. */
export class ClientRegistry {
  readonly #clients = new Map<string, RegisteredClient>();
  readonly #max: number;
  readonly #now: () => number;
  readonly #listeners: (() => void)[] = [];

  /** @param max - most clients kept; more registrations are refused (`'full'`). */
  constructor(max: number, now: () => number = Date.now) {
    this.#max = max;
    this.#now = now;
  }

  /** The registered clients (read-only view). */
  get map(): ReadonlyMap<string, RegisteredClient> {
    return this.#clients;
  }

  /**
   * Adds a listener called after each registration. The answer does not wait for it: a
   * registration costs no disk write on the request path (persistence saves it soon after).
   */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Registers a new client with a random 128-bit id. */
  register(
    hostname: string | undefined,
    extra: { readonly preferredGroup?: string; readonly address?: string } = {},
  ): RegisteredClient | RegistrationRefusal {
    if (this.#clients.size >= this.#max) return 'full';
    const clientId = randomBytes(16).toString('hex').toUpperCase();
    const client: RegisteredClient = {
      clientId,
      hostname,
      registeredAt: new Date(this.#now()),
      ...extra,
    };
    this.#clients.set(clientId, client);
    for (const l of this.#listeners) l();
    return client;
  }

  /** Takes back saved registrations (before serving). */
  restore(saved: readonly SavedClient[]): void {
    for (const c of saved) {
      this.#clients.set(c.clientId, {
        clientId: c.clientId,
        hostname: c.hostname,
        registeredAt: new Date(c.registeredAt),
        ...(typeof c.preferredGroup === 'string' ? { preferredGroup: c.preferredGroup } : {}),
        ...(typeof c.address === 'string' ? { address: c.address } : {}),
      });
    }
  }
}
