/**
 * `createClient`: what a SEPM client's communication module does with a `sylink.xml`, over this
 * library's protocol (docs/protocol.md): pick a manager by priority block, register, heartbeat,
 * verify the signed index, download changed sealed policies and open them.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import type { Agent as HttpAgent } from 'node:http';
import type { X509Certificate } from '../cert/x509.js';
import type { Sylink, SylinkServer } from '../sylink/model.js';
import { ManagerError, isSepmError } from '../errors.js';
import { openPolicy, verifyPolicy } from '../policy/index.js';
import {
  MAX_INDEX_BYTES,
  PATH_ENDORSEMENTS,
  PATH_HELLO,
  PATH_INDEX,
  PATH_REGISTER,
  parseIndex,
  parseRegistration,
  parseSignedIndexEnvelope,
  policyPath,
  sha256Hex,
  type PolicyIndex,
} from './protocol.js';
import {
  ConnectFailure,
  PinnedHttpsAgent,
  ProbeHttpsAgent,
  TimedHttpAgent,
  send,
  type Response,
} from './transport.js';
import {
  MAX_ENDORSEMENTS_BYTES,
  endorsedCertificates,
  isCertificate,
  parseEndorsements,
  type VerifiedEndorsement,
} from './endorsement.js';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The client's communication file: servers, Kcs, domain id and the pinned certificates. */
  readonly sylink: Sylink;
  /** Which `ServerList` to use, by index or `Name` (default: the first). */
  readonly serverList?: number | string;
  /**
   * `'sylink'` (default): HTTP only for servers whose entry has an `HttpPort` and no `HttpsPort`;
   * `'https-only'`: never plain HTTP.
   */
  readonly transport?: 'sylink' | 'https-only';
  /** Deadline for a TCP connection plus TLS session, ms (default 30,000, as KB 156653). */
  readonly connectTimeoutMs?: number;
  /** Deadline for one complete response, ms (default 60,000). */
  readonly requestTimeoutMs?: number;
  /** Largest sealed policy accepted, bytes (default 64 MiB). */
  readonly maxPolicyBytes?: number;
  /** Host name sent at registration (default `os.hostname()`). */
  readonly hostname?: string;
  /** Random integer in [0, n) used to shuffle a priority block (default `crypto.randomInt`). */
  readonly random?: (n: number) => number;
  /**
   * Called when the client comes to trust a new manager certificate through an endorsement by a
   * certificate it already trusted (a certificate change, docs/protocol.md §5.4).
   */
  readonly onTrustChange?: (change: TrustChange) => void;
}

/** A certificate the client added to its trusted list (docs/protocol.md §5.4). */
export interface TrustChange {
  /** The newly trusted certificate. */
  readonly certificate: X509Certificate;
  /** The already-trusted certificate whose key endorsed it. */
  readonly endorsedBy: X509Certificate;
  /** The manager that served the endorsement. */
  readonly server: ClientServer;
}

/** A manager endpoint the client talked to. */
export interface ClientServer {
  readonly address: string;
  readonly port: number;
  readonly protocol: 'https' | 'http';
}

/** One policy as the client holds it after a heartbeat. */
export interface ClientPolicy {
  readonly name: string;
  /** Per-name serial from the signed index. */
  readonly serial: number;
  /** SHA-256 of the sealed bytes (hex), from the signed index and checked. */
  readonly sha256: string;
  /** The decrypted, signature-verified policy. */
  readonly data: Uint8Array;
  /** The sylink certificate that signed it. */
  readonly signer: X509Certificate;
  /** Whether this heartbeat downloaded it (new or changed). */
  readonly changed: boolean;
}

/** What {@link Client.heartbeat} returns. */
export interface HeartbeatResult {
  /** The manager that answered. */
  readonly server: ClientServer;
  /** Serial of the verified index. */
  readonly indexSerial: number;
  /** The certificate that signed the index. */
  readonly indexSigner: X509Certificate;
  /** Every current policy (changed ones first downloaded, verified and opened). */
  readonly policies: readonly ClientPolicy[];
  /** Policies new or changed in this heartbeat. */
  readonly updated: readonly ClientPolicy[];
  /** Names the manager no longer publishes. */
  readonly removed: readonly string[];
}

/** What {@link Client.register} returns. */
export interface Registration {
  readonly clientId: string;
  readonly server: ClientServer;
}

/** A client of one site. */
export interface Client {
  /** Checks that some manager answers the `hello,secars` health check; returns which one. */
  hello(): Promise<ClientServer>;
  /** Registers with a manager (`/secreg/`); the id is sent with later heartbeats. */
  register(): Promise<Registration>;
  /** Fetches and verifies the index, downloads changed policies and opens each. */
  heartbeat(): Promise<HeartbeatResult>;
  /** The client id from the last registration. */
  readonly clientId: string | undefined;
  /**
   * The certificates this client trusts now: the sylink's, then any it adopted through an
   * endorsement (in memory only; a new sylink is the lasting form).
   */
  trustedCertificates(): X509Certificate[];
  /** Drops kept-alive connections. */
  close(): void;
}

interface Candidate {
  readonly address: string;
  readonly port: number;
  readonly protocol: 'https' | 'http';
}

type CachedPolicy = ClientPolicy;

function pickList(sylink: Sylink, which: number | string | undefined) {
  const lists = sylink.serverLists;
  const list =
    which === undefined
      ? lists[0]
      : typeof which === 'number'
        ? lists[which]
        : lists.find((l) => l.name === which);
  if (list === undefined)
    throw new TypeError(`"serverList" ${String(which ?? 0)} is not in the sylink`);
  return list;
}

function candidateOf(s: SylinkServer, transport: 'sylink' | 'https-only'): Candidate | undefined {
  if (s.httpsPort !== undefined)
    return { address: s.address, port: s.httpsPort, protocol: 'https' };
  if (s.httpPort !== undefined) {
    return transport === 'https-only'
      ? undefined
      : { address: s.address, port: s.httpPort, protocol: 'http' };
  }
  return { address: s.address, port: 443, protocol: 'https' };
}

function isPinFailure(e: unknown): boolean {
  return isSepmError(e) && e.code === 'ERR_MANAGER_CERTIFICATE_UNTRUSTED';
}

// A signature by a key the client does not trust (raw signatures of an unknown key fail as
// invalid: the key is not known to tell the two apart).
function isUntrustedSignature(e: unknown): boolean {
  return (
    isSepmError(e) &&
    (e.code === 'ERR_POLICY_UNTRUSTED_SIGNER' || e.code === 'ERR_POLICY_SIGNATURE_INVALID')
  );
}

function isFailover(e: unknown): boolean {
  return (
    e instanceof ConnectFailure ||
    (isSepmError(e) && e.code === 'ERR_MANAGER_CERTIFICATE_UNTRUSTED')
  );
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
 * - Certificate changes (docs/protocol.md §5.4): when a manager presents, or signs with, a
 *   certificate the client does not trust, the client fetches that manager's endorsements once
 *   and trusts the new certificate only if a certificate it already trusts endorsed exactly it
 *   for this domain; otherwise the original refusal stands.
 */
export function createClient(options: ClientOptions): Client {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('"options" expected an object');
  const { sylink } = options;
  if (typeof sylink !== 'object' || sylink === null || !Array.isArray(sylink.serverLists)) {
    throw new TypeError('"options.sylink" expected a Sylink');
  }
  const trusted: X509Certificate[] = sylink.certificates.map((c) => c.certificate);
  if (trusted.length === 0) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      'the sylink lists no manager certificate to trust',
    );
  }
  const transport = options.transport ?? 'sylink';
  const list = pickList(sylink, options.serverList);
  const blocks = list.blocks
    .map((b) =>
      b.servers
        .map((s) => candidateOf(s, transport))
        .filter((c): c is Candidate => c !== undefined),
    )
    .filter((b) => b.length > 0);
  if (blocks.length === 0) throw new TypeError('the server list has no usable server');
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const maxPolicyBytes = options.maxPolicyBytes ?? 64 * 1024 * 1024;
  const random = options.random ?? ((n: number) => randomInt(n));
  const httpsAgent = new PinnedHttpsAgent(
    trusted.map((c) => new Uint8Array(c.rawData)),
    connectTimeoutMs,
  );
  const httpAgent = new TimedHttpAgent(connectTimeoutMs);
  const agentFor = (c: Candidate): HttpAgent => (c.protocol === 'https' ? httpsAgent : httpAgent);

  function adopt(v: VerifiedEndorsement, c: Candidate): void {
    if (trusted.some((t) => t.equal(v.certificate))) return;
    trusted.push(v.certificate);
    httpsAgent.addPin(new Uint8Array(v.certificate.rawData));
    options.onTrustChange?.({
      certificate: v.certificate,
      endorsedBy: v.endorsedBy,
      server: publicServer(c),
    });
  }

  /** The endorsements `c` serves that a trusted certificate vouches for ([] on any failure). */
  async function endorsementsOf(c: Candidate, agent: HttpAgent): Promise<VerifiedEndorsement[]> {
    try {
      // No client id: the server is not trusted (yet).
      const res = await send(
        c.protocol,
        agent,
        c.address,
        c.port,
        'GET',
        PATH_ENDORSEMENTS,
        {},
        undefined,
        MAX_ENDORSEMENTS_BYTES,
        requestTimeoutMs,
      );
      if (res.status !== 200) return [];
      return await endorsedCertificates(parseEndorsements(res.body), trusted, sylink.domainId);
    } catch {
      return [];
    }
  }

  /**
   * After a pin failure on `c`: fetches its endorsements over a connection that trusts nothing
   * (the statements authenticate themselves) and adopts the certificate it presents if one is
   * endorsed. Resolves whether it did.
   */
  async function adoptPresented(c: Candidate): Promise<boolean> {
    const probe = new ProbeHttpsAgent(connectTimeoutMs);
    try {
      const found = await endorsementsOf(c, probe);
      const presented = probe.presented;
      if (presented === undefined) return false;
      const hit = found.find((v) => isCertificate(v.certificate, presented));
      if (hit === undefined) return false;
      adopt(hit, c);
      return true;
    } finally {
      probe.destroy();
    }
  }

  /**
   * Runs a signature check with the trusted list; if it fails for want of a trusted signer, once
   * more with the certificates `c`'s endorsements vouch for, adopting the one that signed. Any
   * other outcome leaves the first error standing.
   */
  async function verifiedWithEndorsements<T extends { signer: X509Certificate }>(
    c: Candidate,
    check: (anchors: readonly X509Certificate[]) => Promise<T>,
  ): Promise<T> {
    try {
      return await check(trusted);
    } catch (e) {
      if (!isUntrustedSignature(e)) throw e;
      const found = await endorsementsOf(c, agentFor(c));
      if (found.length === 0) throw e;
      let result: T;
      try {
        result = await check([...trusted, ...found.map((v) => v.certificate)]);
      } catch {
        throw e;
      }
      const hit = found.find((v) => v.certificate === result.signer);
      if (hit !== undefined) adopt(hit, c);
      return result;
    }
  }

  let clientId: string | undefined;
  const cache = new Map<string, CachedPolicy>();
  // Highest index serial seen per manager: a manager's index never goes back (rollback).
  const serials = new Map<string, number>();

  function order(): Candidate[] {
    const out: Candidate[] = [];
    for (const block of blocks) {
      const b = [...block];
      for (let i = b.length - 1; i > 0; i--) {
        const j = random(i + 1);
        [b[i], b[j]] = [b[j]!, b[i]!];
      }
      out.push(...b);
    }
    return out;
  }

  function key(c: Candidate): string {
    return `${c.protocol}://${c.address}:${c.port}`;
  }

  function headers(extra?: Record<string, string>): Record<string, string> {
    const h: Record<string, string> = { ...extra };
    if (clientId !== undefined) h['X-Sepm-Client-Id'] = clientId;
    return h;
  }

  async function firstAvailable(
    method: string,
    path: string,
    hdrs: Record<string, string>,
    body: Uint8Array | undefined,
    maxBytes: number,
  ): Promise<{ server: Candidate; res: Response }> {
    const problems: string[] = [];
    let firstError: unknown;
    for (const c of order()) {
      // agentFor(c) is evaluated per attempt: adopting an endorsed certificate changes the pins.
      const attempt = (): Promise<Response> =>
        send(
          c.protocol,
          agentFor(c),
          c.address,
          c.port,
          method,
          path,
          hdrs,
          body,
          maxBytes,
          requestTimeoutMs,
        );
      try {
        const res = await attempt();
        return { server: c, res };
      } catch (e) {
        if (!isFailover(e)) throw e;
        // A certificate change: trust the new certificate if an old one endorsed it, and retry.
        if (c.protocol === 'https' && isPinFailure(e) && (await adoptPresented(c))) {
          try {
            const res = await attempt();
            return { server: c, res };
          } catch (e2) {
            if (!isFailover(e2)) throw e2;
          }
        }
        firstError ??= e;
        problems.push(`${key(c)}: ${(e as Error).message}`);
      }
    }
    throw new ManagerError(
      'ERR_MANAGER_UNREACHABLE',
      `no manager could be reached: ${problems.join('; ')}`,
      {
        cause: firstError,
        problems,
      },
    );
  }

  function expectStatus(res: Response, c: Candidate, ...ok: number[]): void {
    if (ok.includes(res.status)) return;
    if (res.status >= 400 && res.status < 500) {
      throw new ManagerError('ERR_MANAGER_REQUEST_REJECTED', `${key(c)} answered ${res.status}`);
    }
    throw new ManagerError('ERR_MANAGER_PROTOCOL', `${key(c)} answered ${res.status}`);
  }

  const publicServer = (c: Candidate): ClientServer => ({
    address: c.address,
    port: c.port,
    protocol: c.protocol,
  });

  const client: Client = {
    async hello() {
      const { server, res } = await firstAvailable('GET', PATH_HELLO, headers(), undefined, 1024);
      expectStatus(res, server, 200);
      if (res.body.toString('latin1').trim() !== 'OK') {
        throw new ManagerError(
          'ERR_MANAGER_PROTOCOL',
          `${key(server)} did not answer OK to the health check`,
        );
      }
      return publicServer(server);
    },

    async register() {
      const body = new TextEncoder().encode(
        JSON.stringify({ domainId: sylink.domainId, hostname: options.hostname ?? osHostname() }),
      );
      const { server, res } = await firstAvailable(
        'POST',
        PATH_REGISTER,
        headers({ 'Content-Type': 'application/json' }),
        body,
        64 * 1024,
      );
      expectStatus(res, server, 200);
      const reg = parseRegistration(res.body);
      if (reg.domainId !== sylink.domainId) {
        throw new ManagerError(
          'ERR_MANAGER_PROTOCOL',
          `${key(server)} registered the client in another domain`,
        );
      }
      clientId = reg.clientId;
      return { clientId: reg.clientId, server: publicServer(server) };
    },

    async heartbeat() {
      const { server, res } = await firstAvailable(
        'GET',
        PATH_INDEX,
        headers(),
        undefined,
        MAX_INDEX_BYTES,
      );
      expectStatus(res, server, 200);
      const env = parseSignedIndexEnvelope(res.body);
      // Verify before parsing: nothing in the index is looked at until its signature holds.
      const verified = await verifiedWithEndorsements(server, (anchors) =>
        verifyPolicy(env.index, env.signature, anchors),
      );
      if (verified.format !== env.signatureFormat) {
        throw new ManagerError(
          'ERR_MANAGER_PROTOCOL',
          'index signature is not in the announced format',
        );
      }
      const indexSigner = verified.signer;
      const index: PolicyIndex = parseIndex(env.index);
      if (index.domainId !== sylink.domainId) {
        throw new ManagerError(
          'ERR_MANAGER_PROTOCOL',
          `${key(server)} served the index of another domain`,
        );
      }
      const last = serials.get(key(server));
      if (last !== undefined && index.serial < last) {
        throw new ManagerError(
          'ERR_MANAGER_PROTOCOL',
          `${key(server)} served index serial ${index.serial}, older than ${last} (rollback refused)`,
        );
      }
      const policies: ClientPolicy[] = [];
      const updated: ClientPolicy[] = [];
      const fresh = new Map<string, CachedPolicy>();
      for (const entry of index.policies) {
        const cached = cache.get(entry.name);
        if (cached !== undefined && cached.sha256 === entry.sha256) {
          const same = { ...cached, serial: entry.serial, changed: false };
          fresh.set(entry.name, same);
          policies.push(publicPolicy(same));
          continue;
        }
        if (entry.size > maxPolicyBytes) {
          throw new ManagerError(
            'ERR_MANAGER_PROTOCOL',
            `policy "${entry.name}" is larger than maxPolicyBytes`,
          );
        }
        // Same manager as the index: its hashes describe its own bytes.
        const pres = await send(
          server.protocol,
          agentFor(server),
          server.address,
          server.port,
          'GET',
          policyPath(entry.name),
          headers(),
          undefined,
          entry.size,
          requestTimeoutMs,
        );
        expectStatus(pres, server, 200);
        if (pres.body.length !== entry.size || sha256Hex(pres.body) !== entry.sha256) {
          throw new ManagerError(
            'ERR_MANAGER_PROTOCOL',
            `sealed policy "${entry.name}" from ${key(server)} does not match the signed index`,
          );
        }
        const opened = await verifiedWithEndorsements(server, (anchors) =>
          openPolicy(new Uint8Array(pres.body), { kcs: sylink.kcs, trusted: anchors }),
        );
        const p: CachedPolicy = {
          name: entry.name,
          serial: entry.serial,
          sha256: entry.sha256,
          data: opened.data,
          signer: opened.signer,
          changed: true,
        };
        fresh.set(entry.name, p);
        policies.push(publicPolicy(p));
        updated.push(publicPolicy(p));
      }
      const removed = [...cache.keys()].filter((n) => !fresh.has(n));
      cache.clear();
      for (const [n, p] of fresh) cache.set(n, p);
      serials.set(key(server), index.serial);
      const result: HeartbeatResult = {
        server: publicServer(server),
        indexSerial: index.serial,
        indexSigner,
        policies,
        updated,
        removed,
      };
      return result;
    },

    get clientId() {
      return clientId;
    },

    trustedCertificates() {
      return [...trusted];
    },

    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
  return client;
}

function publicPolicy(p: CachedPolicy): ClientPolicy {
  return {
    name: p.name,
    serial: p.serial,
    sha256: p.sha256,
    data: p.data,
    signer: p.signer,
    changed: p.changed,
  };
}
