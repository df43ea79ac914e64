/**
 * How a client reaches its managers: one pinned HTTPS agent and one plain HTTP agent, the first
 * available server in priority order (failing over on a connection error, a timeout, or a
 * certificate that is not pinned, after trying the endorsement of a certificate change), and
 * the status checks of an answer.
 *
 * @module
 */
import type { Agent as HttpAgent } from 'node:http';
import { ManagerError, isSepmError } from '../../errors.js';
import {
  ConnectFailure,
  type PinnedHttpsAgent,
  type TimedHttpAgent,
  request,
  type Response,
} from '../http/pinned_client.js';
import { attemptOrder, serverKey, type ServerBlocks } from './servers.js';
import type { ClientTrust } from './trust.js';
import type { ClientServer } from './types.js';

function isPinFailure(e: unknown): boolean {
  return isSepmError(e) && e.code === 'ERR_MANAGER_CERTIFICATE_UNTRUSTED';
}

function isFailover(e: unknown): boolean {
  return e instanceof ConnectFailure || isPinFailure(e);
}

/** One request of a client, without the server. */
export interface ClientRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array;
  readonly maxBytes: number;
}

/** The connections of one client. */
export class Connections {
  readonly #https: PinnedHttpsAgent;
  readonly #http: TimedHttpAgent;
  readonly #blocks: ServerBlocks;
  readonly #random: (n: number) => number;
  readonly #timeoutMs: number;
  readonly #trust: ClientTrust;

  constructor(o: {
    https: PinnedHttpsAgent;
    http: TimedHttpAgent;
    blocks: ServerBlocks;
    random: (n: number) => number;
    requestTimeoutMs: number;
    trust: ClientTrust;
  }) {
    this.#https = o.https;
    this.#http = o.http;
    this.#blocks = o.blocks;
    this.#random = o.random;
    this.#timeoutMs = o.requestTimeoutMs;
    this.#trust = o.trust;
  }

  /** The agent for `c` (evaluated per attempt: adopting a certificate changes the pins). */
  agentFor(c: ClientServer): HttpAgent {
    return c.protocol === 'https' ? this.#https : this.#http;
  }

  /** Sends `r` to `c`. */
  send(c: ClientServer, r: ClientRequest): Promise<Response> {
    return request({
      protocol: c.protocol,
      agent: this.agentFor(c),
      host: c.address,
      port: c.port,
      method: r.method,
      path: r.path,
      headers: r.headers,
      ...(r.body !== undefined ? { body: r.body } : {}),
      maxBytes: r.maxBytes,
      timeoutMs: this.#timeoutMs,
    });
  }

  // One server: on a pin failure, a certificate change endorsed by a trusted one is adopted and
  // the request retried once.
  async #attempt(c: ClientServer, r: ClientRequest): Promise<Response> {
    try {
      return await this.send(c, r);
    } catch (e) {
      if (c.protocol === 'https' && isPinFailure(e) && (await this.#trust.adoptPresented(c))) {
        return this.send(c, r);
      }
      throw e;
    }
  }

  /**
   * Sends `r` to the first server that answers, in priority order.
   *
   * @throws {@link ManagerError} `ERR_MANAGER_UNREACHABLE` (cause: the first failure) when none does.
   */
  async firstAvailable(r: ClientRequest): Promise<{ server: ClientServer; res: Response }> {
    const problems: string[] = [];
    let firstError: unknown;
    for (const c of attemptOrder(this.#blocks, this.#random)) {
      try {
        return { server: c, res: await this.#attempt(c, r) };
      } catch (e) {
        if (!isFailover(e)) throw e;
        firstError ??= e;
        problems.push(`${serverKey(c)}: ${(e as Error).message}`);
      }
    }
    throw new ManagerError(
      'ERR_MANAGER_UNREACHABLE',
      `no manager could be reached: ${problems.join('; ')}`,
      { cause: firstError, problems },
    );
  }

  /** Drops kept-alive connections. */
  close(): void {
    this.#https.destroy();
    this.#http.destroy();
  }
}

/**
 * Checks an answer's status.
 *
 * @throws {@link ManagerError} `ERR_MANAGER_REQUEST_REJECTED` for a 4xx, `ERR_MANAGER_PROTOCOL`
 *   for anything else not in `ok`.
 */
export function expectStatus(res: Response, c: ClientServer, ...ok: number[]): void {
  if (ok.includes(res.status)) return;
  if (res.status >= 400 && res.status < 500) {
    throw new ManagerError(
      'ERR_MANAGER_REQUEST_REJECTED',
      `${serverKey(c)} answered ${res.status}`,
    );
  }
  throw new ManagerError('ERR_MANAGER_PROTOCOL', `${serverKey(c)} answered ${res.status}`);
}
