// A SEPM REST client typed from the spec (sepm_api.generated.ts), calling the API the way the
// published clients do: log in with { username, password, domain: '' } and appName, bearer token,
// groups and computers page by page (pageIndex from 1) until lastPage, policy summary in one call,
// raw policy as `policy_xml`. Every answer is also checked against the spec (harness `rest`).
import { rest, type Reply } from './harness.js';
import type {
  Computer,
  Group,
  Groups_Page,
  Identity_UserToken,
  PageObject,
  PagePolicySummary,
  PolicySummary,
  RawPolicy,
  UserCredential,
} from './sepm_api.generated.js';

const API = '/sepm/api/v1';

export class SepmClient {
  #token: string | undefined;
  constructor(
    private readonly port: number,
    private readonly https = false,
  ) {}

  async #call(method: string, path: string, json?: unknown): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (this.#token !== undefined) headers.Authorization = `Bearer ${this.#token}`;
    const r = await rest(this.port, method, API + path, {
      headers,
      https: this.https,
      ...(json !== undefined ? { json } : {}),
    });
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${r.body.toString()}`);
    return r;
  }

  async login(username: string, password: string, appName: string): Promise<Identity_UserToken> {
    const credential: UserCredential = { username, password, domain: '' };
    const r = await this.#call(
      'POST',
      `/identity/authenticate?appName=${encodeURIComponent(appName)}`,
      credential,
    );
    const token = r.json() as Identity_UserToken;
    this.#token = token.token;
    return token;
  }

  async version(): Promise<Record<string, string>> {
    return (await this.#call('GET', '/version')).json() as Record<string, string>;
  }

  async #pages<T>(path: string, pageSize: number): Promise<T[]> {
    const all: T[] = [];
    for (let pageIndex = 1; ; pageIndex++) {
      const sep = path.includes('?') ? '&' : '?';
      const page = (
        await this.#call('GET', `${path}${sep}pageSize=${pageSize}&pageIndex=${pageIndex}`)
      ).json() as Groups_Page | PageObject;
      all.push(...((page.content ?? []) as T[]));
      if (page.lastPage !== false) return all;
      if (pageIndex > 10_000) throw new Error('Paginated API call failed');
    }
  }

  groups(): Promise<Group[]> {
    return this.#pages<Group>('/groups', 25);
  }

  async policySummary(type?: string): Promise<PolicySummary[]> {
    const r = await this.#call(
      'GET',
      type === undefined ? '/policies/summary' : `/policies/summary/${type}`,
    );
    return (r.json() as PagePolicySummary).content ?? [];
  }

  async rawPolicy(type: string, id: string): Promise<string> {
    const raw = (await this.#call('GET', `/policies/raw/${type}/${id}`)).json() as RawPolicy;
    if (typeof raw.policy_xml !== 'string') throw new Error('no policy_xml');
    return raw.policy_xml;
  }

  computers(): Promise<Computer[]> {
    return this.#pages<Computer>('/computers', 2);
  }

  async logout(): Promise<void> {
    await this.#call('POST', '/identity/logout');
    this.#token = undefined;
  }
}
