/**
 * The client's connections: a keep-alive HTTPS agent that pins the sylink certificates, and a
 * plain HTTP agent for the 8014 lists, both with a connect deadline (KB 156653: a client gives
 * up on a manager that opens no session within 30 s).
 *
 * @module
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequestArgs, IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { createHash } from 'node:crypto';
import { ManagerError } from '../errors.js';
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

function sha256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
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

  constructor(pinnedDer: readonly Uint8Array[], connectTimeoutMs: number, keepAlive = true) {
    super({ keepAlive, maxCachedSessions: 0 });
    this.#pins = new Set(pinnedDer.map(sha256));
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  /**
   * Pins one more certificate (one the client came to trust through an endorsement, docs/protocol.md
   * §5.4); connections opened from now on accept it.
   */
  addPin(der: Uint8Array): void {
    this.#pins.add(sha256(der));
  }

  /** Whether the leaf `der` the server presented is accepted (by default: is it pinned). */
  protected admit(der: Uint8Array | undefined): boolean {
    return der !== undefined && this.#pins.has(sha256(der));
  }

  override createConnection(options: ClientRequestArgs, oncreate?: OnCreate): undefined {
    const host = options.host ?? options.hostname ?? 'localhost';
    const socket = tlsConnect({
      ...TLS_CLIENT_PROFILE,
      host,
      port: Number(options.port),
      // SNI is for names only (RFC 6066 §3).
      servername: isIP(host) ? '' : host,
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
            `${host}:${String(options.port)} presented a certificate that is not in the sylink (SHA-256 ${der ? sha256(der) : 'none'})`,
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
    super([], connectTimeoutMs, false);
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

/** One request with a response-size cap and an overall deadline. */
export function send(
  protocol: 'https' | 'http',
  agent: HttpAgent,
  host: string,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array | undefined,
  maxBytes: number,
  timeoutMs: number,
  retried = false,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let gotResponse = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const req = (protocol === 'https' ? httpsRequest : httpRequest)(
      { agent, host, port, method, path, headers: { 'User-Agent': 'sepm-crypto', ...headers } },
      (res) => {
        gotResponse = true;
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > maxBytes) {
          res.destroy();
          fail(new ManagerError('ERR_MANAGER_PROTOCOL', `response larger than ${maxBytes} bytes`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            res.destroy();
            fail(
              new ManagerError('ERR_MANAGER_PROTOCOL', `response larger than ${maxBytes} bytes`),
            );
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
        res.on('error', (e) =>
          fail(
            new ManagerError('ERR_MANAGER_PROTOCOL', `response aborted: ${e.message}`, {
              cause: e,
            }),
          ),
        );
      },
    );
    const timer = setTimeout(() => {
      const e = gotResponse
        ? new ManagerError('ERR_MANAGER_PROTOCOL', `response not complete within ${timeoutMs} ms`)
        : new ConnectFailure(`no response from ${host}:${port} within ${timeoutMs} ms`);
      fail(e);
    }, timeoutMs);
    req.on('error', (e) => {
      // A kept-alive socket the manager closed just as we reused it: retry once on a new
      // connection (the race Node's documentation describes for `request.reusedSocket`).
      const code = (e as NodeJS.ErrnoException).code;
      if (
        !gotResponse &&
        !retried &&
        req.reusedSocket &&
        (code === 'ECONNRESET' || code === 'EPIPE')
      ) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        send(
          protocol,
          agent,
          host,
          port,
          method,
          path,
          headers,
          body,
          maxBytes,
          timeoutMs,
          true,
        ).then(resolve, reject);
        return;
      }
      // Anything before a response (refused, reset, TLS failure, pin mismatch) lets the client
      // try the next server; the pin mismatch keeps its own code.
      if (e instanceof ManagerError || e instanceof ConnectFailure) fail(e);
      else if (!gotResponse)
        fail(new ConnectFailure(`request to ${host}:${port} failed: ${e.message}`, { cause: e }));
      else fail(new ManagerError('ERR_MANAGER_PROTOCOL', e.message, { cause: e }));
    });
    req.end(
      body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    );
  });
}
