/**
 * The client's connections: a keep-alive HTTPS agent that pins the sylink certificates, and a
 * plain HTTP agent for the 8014 lists, both with a connect deadline (KB 156653: a client gives
 * up on a manager that opens no session within 30 s).
 *
 * @module
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequestArgs, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { sha256Hex } from '../digest.js';
import { ManagerError } from '../../errors.js';
import { TLS_CLIENT_PROFILE } from './tls_profile.js';

// The callback form of Agent#createConnection: the socket is handed over only once checked.
type OnCreate = (err: Error | null, stream: Duplex) => void;

/** A connection-level failure: the client may fail over to the next server. */
export class ConnectFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectFailure';
  }
}

/**
 * The one settle path of both agents' connections: hands `socket` to the agent when the caller
 * calls the returned `finish(null)`, or a {@link ConnectFailure} on a socket error or after
 * `timeoutMs`; `finish(err)` fails it with the caller's own error (an unpinned certificate).
 * Whatever comes first wins; the socket is destroyed on failure.
 */
function settleConnection(
  socket: Duplex,
  what: string,
  timeoutMessage: string,
  timeoutMs: number,
  oncreate: OnCreate,
): (err: Error | null) => void {
  let done = false;
  const finish = (err: Error | null): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.off('error', onError);
    if (err) socket.destroy();
    oncreate(err, socket);
  };
  const onError = (e: Error): void =>
    finish(new ConnectFailure(`${what} failed: ${e.message}`, { cause: e }));
  const timer = setTimeout(() => finish(new ConnectFailure(timeoutMessage)), timeoutMs);
  socket.once('error', onError);
  return finish;
}

/**
 * HTTPS agent that accepts a manager only if its leaf certificate is byte-for-byte one of the
 * pinned certificates (the sylink's list). Neither the system CAs nor host names are consulted:
 * SEPM clients often reach managers by IP address, and the sylink, not a CA, says whom to trust.
 */
export class PinnedHttpsAgent extends HttpsAgent {
  readonly #pins: Set<string>;
  readonly #connectTimeoutMs: number;

  readonly #own: { readonly key: string; readonly cert: string } | undefined;

  /**
   * @param pinnedDer - the accepted leaf certificates (DER).
   * @param connectTimeoutMs - deadline of the TCP connection and TLS handshake.
   * @param options.keepAlive - reuse connections (default true).
   * @param options.own - this side's key and certificate (PEM) for mutual TLS (manager to peer).
   */
  constructor(
    pinnedDer: readonly Uint8Array[],
    connectTimeoutMs: number,
    options: { keepAlive?: boolean; own?: { key: string; cert: string } } = {},
  ) {
    super({ keepAlive: options.keepAlive ?? true, maxCachedSessions: 0 });
    this.#pins = new Set(pinnedDer.map((d) => sha256Hex(d)));
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#own = options.own;
  }

  /**
   * Pins one more certificate (one the client came to trust through an endorsement, docs/protocol.md
   * §5.4); connections opened from now on accept it.
   */
  addPin(der: Uint8Array): void {
    this.#pins.add(sha256Hex(der));
  }

  /** Whether the leaf `der` the server presented is accepted (by default: is it pinned). */
  protected admit(der: Uint8Array | undefined): boolean {
    return der !== undefined && this.#pins.has(sha256Hex(der));
  }

  override createConnection(options: ClientRequestArgs, oncreate?: OnCreate): undefined {
    const host = options.host ?? options.hostname ?? 'localhost';
    const socket = tlsConnect({
      ...TLS_CLIENT_PROFILE,
      host,
      port: Number(options.port),
      // SNI is for names only (RFC 6066 §3).
      servername: isIP(host) ? '' : host,
      ...(this.#own !== undefined ? { key: this.#own.key, cert: this.#own.cert } : {}),
      // The chain is not what we trust: the exact leaf is (checked below, before any request).
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const finish = settleConnection(
      socket,
      `TLS connection to ${host}:${String(options.port)}`,
      `no TLS session with ${host}:${String(options.port)} within ${this.#connectTimeoutMs} ms`,
      this.#connectTimeoutMs,
      oncreate!,
    );
    socket.once('secureConnect', () => {
      const der = socket.getPeerCertificate().raw as Buffer | undefined;
      if (!this.admit(der)) {
        finish(
          new ManagerError(
            'ERR_MANAGER_CERTIFICATE_UNTRUSTED',
            `${host}:${String(options.port)} presented a certificate that is not in the sylink (SHA-256 ${der ? sha256Hex(der) : 'none'})`,
          ),
        );
        return;
      }
      finish(null);
    });
    return undefined;
  }
}

/**
 * HTTPS agent that trusts NO certificate yet accepts any, recording the leaf the server
 * presented: only for fetching self-authenticating data (endorsements, docs/protocol.md §2.5)
 * from a server whose certificate is not pinned. No keep-alive: each use is one request.
 */
export class ProbeHttpsAgent extends PinnedHttpsAgent {
  /** The leaf certificate (DER) the server presented on the last connection. */
  presented: Uint8Array | undefined;

  constructor(connectTimeoutMs: number) {
    super([], connectTimeoutMs, { keepAlive: false });
  }

  protected override admit(der: Uint8Array | undefined): boolean {
    this.presented = der === undefined ? undefined : new Uint8Array(der);
    return der !== undefined;
  }
}

/** Plain HTTP agent (the 8014 lists) with the same connect deadline. */
export class TimedHttpAgent extends HttpAgent {
  readonly #connectTimeoutMs: number;

  constructor(connectTimeoutMs: number) {
    super({ keepAlive: true });
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  override createConnection(options: ClientRequestArgs, oncreate?: OnCreate): undefined {
    const host = options.host ?? options.hostname ?? 'localhost';
    const socket = netConnect({ host, port: Number(options.port) });
    const finish = settleConnection(
      socket,
      `connection to ${host}:${String(options.port)}`,
      `no connection to ${host}:${String(options.port)} within ${this.#connectTimeoutMs} ms`,
      this.#connectTimeoutMs,
      oncreate!,
    );
    socket.once('connect', () => finish(null));
    return undefined;
  }
}

/** A complete response. */
export interface Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request: where, what, and its bounds. */
export interface RequestSpec {
  readonly protocol: 'https' | 'http';
  readonly agent: HttpAgent;
  readonly host: string;
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
  /** Largest response body accepted. */
  readonly maxBytes: number;
  /** Deadline of the whole exchange, ms. */
  readonly timeoutMs: number;
}

function tooLarge(max: number): ManagerError {
  return new ManagerError('ERR_MANAGER_PROTOCOL', `response larger than ${max} bytes`);
}

// Reads a response body up to `max` bytes.
function collect(res: IncomingMessage, max: number, fail: (e: Error) => void): Promise<Buffer> {
  return new Promise((resolve) => {
    if (Number(res.headers['content-length'] ?? 0) > max) {
      res.destroy();
      fail(tooLarge(max));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        res.destroy();
        fail(tooLarge(max));
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (e) =>
      fail(
        new ManagerError('ERR_MANAGER_PROTOCOL', `response aborted: ${e.message}`, { cause: e }),
      ),
    );
  });
}

// What a request error means: before any response it is a connection failure (the client may
// try the next server); a pin mismatch keeps its own code.
function requestFailure(e: Error, spec: RequestSpec, gotResponse: boolean): Error {
  if (e instanceof ManagerError || e instanceof ConnectFailure) return e;
  if (!gotResponse) {
    return new ConnectFailure(`request to ${spec.host}:${spec.port} failed: ${e.message}`, {
      cause: e,
    });
  }
  return new ManagerError('ERR_MANAGER_PROTOCOL', e.message, { cause: e });
}

/**
 * One request with a response-size cap and an overall deadline. A kept-alive socket the server
 * closed just as it was reused is retried once on a new connection (the race Node's
 * documentation describes for `request.reusedSocket`).
 */
export function request(spec: RequestSpec, retried = false): Promise<Response> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let gotResponse = false;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      then();
    };
    const fail = (e: Error) =>
      settle(() => {
        req.destroy();
        reject(e);
      });
    const { protocol, agent, host, port, method, path } = spec;
    const headers = { 'User-Agent': 'sepm-crypto', ...spec.headers };
    const req = (protocol === 'https' ? httpsRequest : httpRequest)(
      { agent, host, port, method, path, headers },
      (res) => {
        gotResponse = true;
        void collect(res, spec.maxBytes, fail).then((body) =>
          settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body })),
        );
      },
    );
    const timer = setTimeout(() => {
      fail(
        gotResponse
          ? new ManagerError(
              'ERR_MANAGER_PROTOCOL',
              `response not complete within ${spec.timeoutMs} ms`,
            )
          : new ConnectFailure(`no response from ${host}:${port} within ${spec.timeoutMs} ms`),
      );
    }, spec.timeoutMs);
    req.on('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      const stale = req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
      if (!gotResponse && !retried && stale) {
        settle(() => void request(spec, true).then(resolve, reject));
        return;
      }
      fail(requestFailure(e, spec, gotResponse));
    });
    const body = spec.body;
    req.end(
      body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    );
  });
}
