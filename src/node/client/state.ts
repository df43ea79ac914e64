/**
 * What a client remembers: its client id, the policies it holds (so an unchanged policy is not
 * downloaded again), and the high-water marks of its site (docs/protocol.md §5.5): the highest
 * index serial and per-policy serials it accepted, shared by every server entry and both
 * transports, and kept across restarts through the caller's {@link ClientStateStore}.
 *
 * @module
 */
import {
  advanceMarks,
  checkClientMarks,
  checkIndexMarks,
  emptyClientMarks,
  type ClientMarks,
  type MarkCheckOptions,
  type PolicyIndex,
  type SiteMarks,
} from '../../protocol/index.js';
import type { ClientPolicy, ClientStateStore } from './types.js';

/** The state of one client. */
export class ClientState {
  /** The id of the last registration. */
  clientId: string | undefined;
  readonly #domainId: string;
  readonly #store: ClientStateStore | undefined;
  readonly #policies = new Map<string, ClientPolicy>();
  #marks: ClientMarks | undefined;

  constructor(domainId: string, store?: ClientStateStore) {
    this.#domainId = domainId;
    this.#store = store;
  }

  async #loaded(): Promise<ClientMarks> {
    if (this.#marks === undefined) {
      const saved = this.#store === undefined ? undefined : await this.#store.load();
      this.#marks = saved === undefined ? emptyClientMarks() : checkClientMarks(saved);
    }
    return this.#marks;
  }

  /** The held policy `name`. */
  policy(name: string): ClientPolicy | undefined {
    return this.#policies.get(name);
  }

  /** The marks of this client's site (after the first load). */
  async marks(): Promise<SiteMarks | undefined> {
    return (await this.#loaded()).sites[this.#domainId];
  }

  /**
   * Refuses an index older than the site's marks (loaded from the store on first use).
   *
   * @throws {@link ManagerError} `ERR_MANAGER_ROLLBACK`; `ERR_MANAGER_STATE_INVALID` when the
   *   store gives something that is not a client state.
   */
  async check(index: PolicyIndex, options: MarkCheckOptions): Promise<void> {
    checkIndexMarks(await this.marks(), index, options);
  }

  /**
   * Takes a verified heartbeat: saves the advanced marks first (a failed save installs nothing),
   * then the held set becomes `policies`; resolves the removed names.
   */
  async settle(index: PolicyIndex, policies: readonly ClientPolicy[]): Promise<string[]> {
    const all = await this.#loaded();
    const next: ClientMarks = {
      ...all,
      sites: { ...all.sites, [this.#domainId]: advanceMarks(all.sites[this.#domainId], index) },
    };
    await this.#store?.save(next);
    this.#marks = next;
    const names = new Set(policies.map((p) => p.name));
    const removed = [...this.#policies.keys()].filter((n) => !names.has(n));
    this.#policies.clear();
    for (const p of policies) this.#policies.set(p.name, p);
    return removed;
  }
}
