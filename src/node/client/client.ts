/**
 * `createClient`: what a SEPM client's communication module does with a `sylink.xml`, over this
 * library's protocol (docs/protocol.md): pick a manager by priority block, register, heartbeat,
 * verify the signed index, download changed sealed policies and open them. The parts:
 * `servers.ts` (which managers, in which order), `trust.ts` (pins and endorsements),
 * `connections.ts` (failover), `state.ts` (what is remembered), `heartbeat.ts`.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { ManagerError } from '../../errors.js';
import { PATH_HELLO, PATH_REGISTER, parseRegistration } from '../../protocol/index.js';
import { PinnedHttpsAgent, TimedHttpAgent } from '../http/pinned_client.js';
import { Connections, expectStatus } from './connections.js';
import { asManagerProtocol, heartbeat } from './heartbeat.js';
import { serverBlocks, serverKey } from './servers.js';
import { ClientState } from './state.js';
import { ClientTrust } from './trust.js';
import type { Client, ClientOptions, ClientServer, Registration } from './types.js';

export type {
  Client,
  ClientOptions,
  ClientPolicy,
  ClientServer,
  HeartbeatResult,
  Registration,
  TrustChange,
  ClientStateStore,
} from './types.js';

const publicServer = ({ address, port, protocol }: ClientServer): ClientServer => ({
  address,
  port,
  protocol,
});

function checkOptions(options: ClientOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('"options" expected an object');
  const { sylink } = options;
  if (typeof sylink !== 'object' || sylink === null || !Array.isArray(sylink.serverLists)) {
    throw new TypeError('"options.sylink" expected a Sylink');
  }
  const { state, maxIndexAgeMs } = options;
  if (
    state !== undefined &&
    (typeof state !== 'object' ||
      state === null ||
      typeof state.load !== 'function' ||
      typeof state.save !== 'function')
  ) {
    throw new TypeError('"options.state" expected { load(), save(state) }');
  }
  if (
    maxIndexAgeMs !== undefined &&
    (typeof maxIndexAgeMs !== 'number' || !Number.isSafeInteger(maxIndexAgeMs) || maxIndexAgeMs < 1)
  ) {
    throw new RangeError('"options.maxIndexAgeMs" expected a positive integer');
  }
  if (sylink.certificates.length === 0) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      'the sylink lists no manager certificate to trust',
    );
  }
}

// Registration (docs/protocol.md §2.2): the id is kept in `state` for later requests.
async function register(
  sylink: ClientOptions['sylink'],
  hostname: string | undefined,
  connections: Connections,
  state: ClientState,
  headers: (extra?: Record<string, string>) => Record<string, string>,
): Promise<Registration> {
  const body = new TextEncoder().encode(
    JSON.stringify({
      domainId: sylink.domainId,
      hostname: hostname ?? osHostname(),
      // The group the sylink asks for (`RegisterClient/@PreferredGroup`), as SEPM clients do.
      ...(sylink.registerClient?.preferredGroup !== undefined
        ? { preferredGroup: sylink.registerClient.preferredGroup }
        : {}),
    }),
  );
  const { server, res } = await connections.firstAvailable({
    method: 'POST',
    path: PATH_REGISTER,
    headers: headers({ 'Content-Type': 'application/json' }),
    body,
    maxBytes: 64 * 1024,
  });
  expectStatus(res, server, 200);
  const reg = asManagerProtocol(() => parseRegistration(res.body));
  if (reg.domainId !== sylink.domainId) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      `${serverKey(server)} registered the client in another domain`,
    );
  }
  state.clientId = reg.clientId;
  return { clientId: reg.clientId, server: publicServer(server) };
}

/**
 * Creates a client for the site described by `sylink`.
 *
 * - Servers are tried in priority-block order, in random order within a block (load balancing,
 *   KB 151377), failing over to the next on a connection error, a timeout, or a certificate that
 *   is not pinned.
 * - HTTPS trusts exactly the certificates of the sylink (pinned by DER), never the system CAs.
 * - Every index and policy is verified against the sylink certificates regardless of the
 *   channel; `VerifySignatures="0"` does not turn verification off in this library.
 * - No rollback (docs/protocol.md §5.5): an index or policy older than the highest this client
 *   accepted for its site, from any server and over either transport, is refused with
 *   `ERR_MANAGER_ROLLBACK` and nothing is installed; `state` keeps these marks across restarts
 *   (`fileClientState(path)`), and `maxIndexAgeMs` refuses stale indexes.
 * - Certificate changes (docs/protocol.md §5.4): when a manager presents, or signs with, a
 *   certificate the client does not trust, the client fetches that manager's endorsements once
 *   and trusts the new certificate only if a certificate it already trusts endorsed exactly it
 *   for this domain; otherwise the original refusal stands.
 */
export function createClient(options: ClientOptions): Client {
  checkOptions(options);
  const { sylink } = options;
  const blocks = serverBlocks(sylink, options.serverList, options.transport ?? 'sylink');
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const initial = sylink.certificates.map((c) => c.certificate);
  const https = new PinnedHttpsAgent(
    initial.map((c) => new Uint8Array(c.rawData)),
    connectTimeoutMs,
  );
  const trust = new ClientTrust(initial, https, {
    domainId: sylink.domainId,
    connectTimeoutMs,
    requestTimeoutMs,
    now: options.now ?? Date.now,
    ...(options.onTrustChange !== undefined ? { onTrustChange: options.onTrustChange } : {}),
  });
  const connections = new Connections({
    https,
    http: new TimedHttpAgent(connectTimeoutMs),
    blocks,
    random: options.random ?? ((n: number) => randomInt(n)),
    requestTimeoutMs,
    trust,
  });
  const state = new ClientState(sylink.domainId, options.state);
  const headers = (extra?: Record<string, string>): Record<string, string> => ({
    ...extra,
    ...(state.clientId !== undefined ? { 'X-Sepm-Client-Id': state.clientId } : {}),
  });
  return {
    async hello() {
      const r = { method: 'GET', path: PATH_HELLO, headers: headers(), maxBytes: 1024 };
      const { server, res } = await connections.firstAvailable(r);
      expectStatus(res, server, 200);
      if (res.body.toString('latin1').trim() !== 'OK') {
        throw new ManagerError(
          'ERR_MANAGER_PROTOCOL',
          `${serverKey(server)} did not answer OK to the health check`,
        );
      }
      return publicServer(server);
    },
    register: () => register(sylink, options.hostname, connections, state, headers),
    heartbeat: () =>
      heartbeat({
        domainId: sylink.domainId,
        kcs: sylink.kcs,
        maxPolicyBytes: options.maxPolicyBytes ?? 64 * 1024 * 1024,
        connections,
        trust,
        state,
        headers,
        maxIndexAgeMs: options.maxIndexAgeMs,
        now: options.now ?? Date.now,
      }),
    get clientId() {
      return state.clientId;
    },
    trustedCertificates: () => trust.list(),
    close: () => connections.close(),
  };
}
