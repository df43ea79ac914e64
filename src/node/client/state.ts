/**
 * What a client remembers between heartbeats: its client id, the policies it holds (so an
 * unchanged policy is not downloaded again) and the highest index serial seen per manager (a
 * manager's index never goes back: rollback refused, docs/protocol.md §5.2).
 *
 * @module
 */
import { ManagerError } from '../../errors.js';
import type { ClientPolicy } from './types.js';

/** The state of one client (in memory). */
export class ClientState {
  /** The id of the last registration. */
  clientId: string | undefined;
  readonly #policies = new Map<string, ClientPolicy>();
  readonly #serials = new Map<string, number>();

  /** The held policy `name`. */
  policy(name: string): ClientPolicy | undefined {
    return this.#policies.get(name);
  }

  /**
   * Refuses an index serial below the highest seen from `server`.
   *
   * @throws {@link ManagerError} `ERR_MANAGER_PROTOCOL` for a rollback.
   */
  checkSerial(server: string, serial: number): void {
    const last = this.#serials.get(server);
    if (last !== undefined && serial < last) {
      throw new ManagerError(
        'ERR_MANAGER_PROTOCOL',
        `${server} served index serial ${serial}, older than ${last} (rollback refused)`,
      );
    }
  }

  /** Takes a verified heartbeat: the held set becomes `policies`; resolves the removed names. */
  settle(server: string, serial: number, policies: readonly ClientPolicy[]): string[] {
    const names = new Set(policies.map((p) => p.name));
    const removed = [...this.#policies.keys()].filter((n) => !names.has(n));
    this.#policies.clear();
    for (const p of policies) this.#policies.set(p.name, p);
    this.#serials.set(server, serial);
    return removed;
  }
}
