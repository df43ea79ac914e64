/**
 * The manager side of the distribution protocol (docs/protocol.md): the published-policy store,
 * the signed index, and the request handler mounted on the `client` (443) and `clientHttp` (8014)
 * ports. Both ports serve the very same sealed bytes: the seal (signature + Twofish), not the
 * channel, protects a policy.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Kcs } from '../kcs.js';
import type { ServerIdentity } from '../cert/types.js';
import { sealPolicy, signPolicy } from '../policy/index.js';
import {
  INDEX_FORMAT,
  PATH_ENDORSEMENTS,
  PATH_HELLO,
  PATH_INDEX,
  PATH_POLICY_PREFIX,
  PATH_REGISTER,
  PROTOCOL_VERSION,
  encodeIndex,
  encodeSignedIndexEnvelope,
  etagOf,
  ifNoneMatchHits,
  isPolicyName,
  sha256Hex,
  type IndexEntry,
} from './protocol.js';

/** A policy as published by {@link PolicyStore.publish}. */
export interface PublishedPolicy {
  /** The policy name. */
  readonly name: string;
  /** Per-name serial: 1 on first publication, then +1 each time. */
  readonly serial: number;
  /** SHA-256 of the sealed bytes (lower-case hex). */
  readonly sha256: string;
  /** Length of the sealed bytes. */
  readonly size: number;
  /** The sealed bytes exactly as served. */
  readonly sealed: Uint8Array;
}

interface StoredPolicy extends PublishedPolicy {
  readonly cached: CachedBody;
}

/** A registered client, as the manager remembers it (in memory). */
export interface RegisteredClient {
  readonly clientId: string;
  readonly hostname: string | undefined;
  readonly registeredAt: Date;
}

/** What the store needs from the site. */
export interface StoreSite {
  readonly identity: ServerIdentity;
  readonly kcs: Kcs;
  readonly domainId: string;
}

/**
 * Published policies and the signed index over them. Each publication seals once; requests are
 * answered from cached buffers, so a download costs no cryptography.
 */
export class PolicyStore {
  readonly #site: StoreSite;
  readonly #signatureFormat: 'raw' | 'cms';
  readonly #policies = new Map<string, StoredPolicy>();
  #serial = 0;
  #index: CachedBody | undefined;
  // Publications run one at a time so that index serials follow publication order.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(site: StoreSite, signatureFormat: 'raw' | 'cms') {
    this.#site = site;
    this.#signatureFormat = signatureFormat;
  }

  /** The current signed index response body and its ETag (built on first use). */
  async index(): Promise<CachedBody> {
    if (this.#index === undefined) {
      await this.#enqueue(async () => {
        if (this.#index === undefined) await this.#resign();
      });
    }
    return this.#index!;
  }

  /** The cached index, if built. */
  get cachedIndex(): CachedBody | undefined {
    return this.#index;
  }

  /** A stored policy by name. */
  get(name: string): StoredPolicy | undefined {
    return this.#policies.get(name);
  }

  /** Every published policy, sorted by name. */
  list(): PublishedPolicy[] {
    return [...this.#policies.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(({ name, serial, sha256, size, sealed }) => ({ name, serial, sha256, size, sealed }));
  }

  /** Seals `data` under `name` (once), then re-signs the index. */
  publish(name: string, data: Uint8Array): Promise<PublishedPolicy> {
    return this.#enqueue(async () => {
      const sealed = await sealPolicy(data, { identity: this.#site.identity, kcs: this.#site.kcs });
      const body = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      const sha256 = sha256Hex(body);
      const serial = (this.#policies.get(name)?.serial ?? 0) + 1;
      const stored: StoredPolicy = {
        name,
        serial,
        sha256,
        size: body.length,
        sealed: new Uint8Array(body),
        cached: cachedBody(body, etagOf(sha256), 'application/octet-stream'),
      };
      this.#policies.set(name, stored);
      await this.#resign();
      return { name, serial, sha256, size: body.length, sealed: stored.sealed };
    });
  }

  /** Withdraws a policy; resolves to whether it existed. */
  unpublish(name: string): Promise<boolean> {
    return this.#enqueue(async () => {
      const had = this.#policies.delete(name);
      if (had) await this.#resign();
      return had;
    });
  }

  /**
   * Replication hook (src/node/replication/): takes a peer's already-sealed policies as they are
   * (no re-sealing) where newer than held (higher serial; equal serial: higher SHA-256, so every
   * manager settles on the same bytes). Then serves the peer's signed index verbatim if it lists
   * exactly what is now held and its serial is above ours (clients refuse a lower one), else
   * re-signs. Resolves the names taken.
   */
  adopt(
    entries: readonly { name: string; serial: number; sealed: Uint8Array }[],
    signedIndex: { body: Buffer; serial: number; policies: readonly IndexEntry[] },
  ): Promise<string[]> {
    return this.#enqueue(async () => {
      const taken: string[] = [];
      for (const e of entries) {
        const body = Buffer.from(e.sealed);
        const sha256 = sha256Hex(body);
        const cur = this.#policies.get(e.name);
        if (
          cur !== undefined &&
          (e.serial < cur.serial || (e.serial === cur.serial && sha256 <= cur.sha256))
        )
          continue;
        const sealed = new Uint8Array(body);
        this.#policies.set(e.name, {
          name: e.name,
          serial: e.serial,
          sha256,
          size: body.length,
          sealed,
          cached: cachedBody(body, etagOf(sha256), 'application/octet-stream'),
        });
        taken.push(e.name);
      }
      if (taken.length === 0) return taken;
      const held = this.list();
      const listed = new Map(signedIndex.policies.map((p) => [p.name, p]));
      const same =
        signedIndex.serial > this.#serial &&
        held.length === listed.size &&
        held.every(
          (p) => listed.get(p.name)?.serial === p.serial && listed.get(p.name)?.sha256 === p.sha256,
        );
      if (same) {
        this.#serial = signedIndex.serial;
        this.#index = cachedBody(
          signedIndex.body,
          etagOf(sha256Hex(signedIndex.body)),
          'application/json',
        );
      } else {
        await this.#resign();
      }
      return taken;
    });
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #resign(): Promise<void> {
    const policies: IndexEntry[] = this.list().map(({ name, serial, sha256, size }) => ({
      name,
      serial,
      sha256,
      size,
    }));
    // Milliseconds since the epoch, or one more than the last serial: it grows across restarts
    // of the manager too, so a client's rollback check survives them.
    this.#serial = Math.max(this.#serial + 1, Date.now());
    const bytes = encodeIndex({
      format: INDEX_FORMAT,
      version: PROTOCOL_VERSION,
      domainId: this.#site.domainId,
      serial: this.#serial,
      issuedAt: new Date().toISOString(),
      policies,
    });
    const signature = await signPolicy(bytes, this.#site.identity, {
      format: this.#signatureFormat,
    });
    const env = encodeSignedIndexEnvelope(bytes, signature, this.#signatureFormat);
    const body = Buffer.from(env.buffer, env.byteOffset, env.byteLength);
    this.#index = cachedBody(body, etagOf(sha256Hex(body)), 'application/json');
  }
}

/** Options of {@link distributionHandler}. */
export interface DistributionOptions {
  readonly store: PolicyStore;
  readonly domainId: string;
  readonly clients: Map<string, RegisteredClient>;
  readonly maxBodyBytes: number;
  readonly maxClients: number;
  /** The endorsement list body (docs/protocol.md §2.5), built once. */
  readonly endorsements: CachedBody;
}

const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
} as const;

// Mozilla "intermediate": HSTS two years, only meaningful (and only sent) over TLS.
const HSTS = 'max-age=63072000';

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: Buffer | string,
  extra?: Record<string, string>,
): void {
  const headers: Record<string, string | number> = {
    ...COMMON_HEADERS,
    'Content-Type': type,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    ...extra,
  };
  if ((req.socket as { encrypted?: boolean }).encrypted)
    headers['Strict-Transport-Security'] = HSTS;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  extra?: Record<string, string>,
): void {
  send(req, res, status, 'application/json', JSON.stringify({ error }), extra);
}

/** A cached response body with its headers precomputed (the hot path does no allocation). */
export interface CachedBody {
  readonly body: Buffer;
  readonly etag: string;
  /** Flat `[name, value, ...]` header lists for 200 over TLS / plain HTTP, and for 304. */
  readonly tls200: readonly string[];
  readonly plain200: readonly string[];
  readonly tls304: readonly string[];
  readonly plain304: readonly string[];
}

/** Precomputes the headers of a cached body. */
export function cachedBody(body: Buffer, etag: string, type: string): CachedBody {
  const common = ['X-Content-Type-Options', 'nosniff', 'Cache-Control', 'no-cache', 'ETag', etag];
  const ok = [...common, 'Content-Type', type, 'Content-Length', String(body.length)];
  return {
    body,
    etag,
    plain200: ok,
    tls200: [...ok, 'Strict-Transport-Security', HSTS],
    plain304: common,
    tls304: [...common, 'Strict-Transport-Security', HSTS],
  };
}

function sendCached(req: IncomingMessage, res: ServerResponse, c: CachedBody): void {
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  const inm = req.headers['if-none-match'];
  if (inm !== undefined && ifNoneMatchHits(inm, c.etag)) {
    res.writeHead(304, (tls ? c.tls304 : c.plain304) as string[]);
    res.end();
    return;
  }
  res.writeHead(200, (tls ? c.tls200 : c.plain200) as string[]);
  res.end(req.method === 'HEAD' ? undefined : c.body);
}

/**
 * Reads a request body up to `max` bytes; resolves `undefined` (after answering 413) when the
 * body is larger, and also when the client aborts mid-body: a client hanging up is not a
 * handler failure (it must not reach `onError` nor be answered with a 500).
 */
export function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  max: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        sendError(req, res, 413, 'request body too large', { Connection: 'close' });
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    const gone = () => {
      if (!done) {
        done = true;
        resolve(undefined);
      }
    };
    req.on('error', gone);
    req.on('aborted', gone);
  });
}

/**
 * The default request handler of the `client` and `clientHttp` ports. Calls `next()` for paths
 * that are not part of the protocol (404 by default).
 */
export function distributionHandler(options: DistributionOptions) {
  const { store, domainId, clients, maxBodyBytes, maxClients, endorsements } = options;
  const register = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, res, maxBodyBytes);
    if (body === undefined) return;
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      return sendError(req, res, 400, 'body is not UTF-8 JSON');
    }
    const d = doc as { domainId?: unknown; hostname?: unknown } | null;
    if (typeof d !== 'object' || d === null || typeof d.domainId !== 'string') {
      return sendError(req, res, 400, 'domainId is required');
    }
    if (d.hostname !== undefined && (typeof d.hostname !== 'string' || d.hostname.length > 255)) {
      return sendError(req, res, 400, 'bad hostname');
    }
    if (d.domainId !== domainId) return sendError(req, res, 403, 'unknown domain');
    if (clients.size >= maxClients) {
      return sendError(req, res, 503, 'client table is full', { 'Retry-After': '60' });
    }
    const clientId = randomBytes(16).toString('hex').toUpperCase();
    clients.set(clientId, {
      clientId,
      hostname: d.hostname as string | undefined,
      registeredAt: new Date(),
    });
    return send(req, res, 200, 'application/json', JSON.stringify({ clientId, domainId }));
  };
  const indexSlow = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    sendCached(req, res, await store.index());
  };
  // Synchronous on the hot paths (index, policy): no promise per request.
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void | Promise<void> => {
    const url = req.url ?? '';
    const method = req.method ?? 'GET';
    if (url === PATH_HELLO) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return send(req, res, 200, 'text/plain; charset=utf-8', 'OK');
    }
    if (url === PATH_INDEX) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      const idx = store.cachedIndex;
      return idx === undefined ? indexSlow(req, res) : sendCached(req, res, idx);
    }
    if (url === PATH_ENDORSEMENTS) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return sendCached(req, res, endorsements);
    }
    if (url.startsWith(PATH_POLICY_PREFIX)) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      let name: string;
      try {
        name = decodeURIComponent(url.slice(PATH_POLICY_PREFIX.length));
      } catch {
        return sendError(req, res, 400, 'bad policy name');
      }
      if (!isPolicyName(name)) return sendError(req, res, 400, 'bad policy name');
      const p = store.get(name);
      if (p === undefined) return sendError(req, res, 404, 'no such policy');
      return sendCached(req, res, p.cached);
    }
    if (url === PATH_REGISTER) {
      if (method !== 'POST')
        return sendError(req, res, 405, 'method not allowed', { Allow: 'POST' });
      return register(req, res);
    }
    next();
  };
}

/** The fall-through answer of every port: 404 in JSON. */
export function notFound(req: IncomingMessage, res: ServerResponse): void {
  sendError(req, res, 404, 'not found');
}

/** Plain-text answer helper for the other ports' defaults. */
export function sendText(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  text: string,
): void {
  send(req, res, status, 'text/plain; charset=utf-8', text);
}

/** JSON answer helper for the other ports' defaults. */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
): void {
  send(req, res, status, 'application/json', JSON.stringify(value));
}
