/**
 * Starting and closing the servers of a manager: the hardened TLS profile on every HTTPS port,
 * request limits, answers for protocol errors, and a graceful close with a deadline.
 *
 * @module
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { TLS_SERVER_PROFILE } from '../http/tls_profile.js';
import type { TlsCredentials } from '../http/tls_credentials.js';

/** The limits a server enforces (`ManagerLimits`, resolved). */
export interface ServerLimits {
  readonly maxHeaderSize: number;
  readonly maxHeadersCount: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
}

/** What one server is started with. */
export interface ServerSpec {
  readonly host: string;
  readonly port: number;
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** TLS key and certificate; omitted for plain HTTP. */
  readonly credentials?: TlsCredentials;
  /** Extra TLS server options of the role (e.g. client certificates on 8443). */
  readonly tls?: object;
  /** Called with the server before it listens (e.g. to refuse unknown client certificates). */
  readonly attach?: (server: HttpsServer) => void;
  readonly limits: ServerLimits;
}

// RFC 6585 §5: 431 for an oversized head; 408 for a head or request that took too long.
function statusOf(err: NodeJS.ErrnoException): string {
  if (err.code === 'HPE_HEADER_OVERFLOW') return '431 Request Header Fields Too Large';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return '408 Request Timeout';
  return '400 Bad Request';
}

function create(spec: ServerSpec): HttpServer {
  const { limits } = spec;
  const common = {
    maxHeaderSize: limits.maxHeaderSize,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  if (spec.credentials === undefined) return createHttpServer(common, spec.listener);
  const server = createHttpsServer(
    {
      ...TLS_SERVER_PROFILE,
      ...spec.tls,
      ...common,
      key: spec.credentials.key,
      cert: spec.credentials.cert,
      handshakeTimeout: limits.handshakeTimeoutMs,
    },
    spec.listener,
  );
  spec.attach?.(server);
  return server as unknown as HttpServer;
}

/** Creates, hardens and binds one server; rejects (nothing bound) when it cannot listen. */
export async function startServer(spec: ServerSpec): Promise<HttpServer> {
  const server = create(spec);
  server.maxHeadersCount = spec.limits.maxHeadersCount;
  server.timeout = spec.limits.idleTimeoutMs;
  server.keepAliveTimeout = spec.limits.keepAliveTimeoutMs;
  // Failed handshakes and garbage on the wire: say which limit was hit, drop, never crash.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(`HTTP/1.1 ${statusOf(err)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: spec.host, port: spec.port, exclusive: true });
  });
  return server;
}

/**
 * Closes `list`: stops accepting, closes keep-alive connections as they become idle, and cuts
 * what is still open after `deadlineMs`.
 */
export async function closeServers(list: HttpServer[], deadlineMs: number): Promise<void> {
  const timer = setTimeout(() => {
    for (const s of list) s.closeAllConnections();
  }, deadlineMs);
  timer.unref();
  // A keep-alive connection becomes idle when its last response is written; close those as
  // they appear instead of waiting for the keep-alive timeout.
  const sweep = setInterval(() => {
    for (const s of list) s.closeIdleConnections();
  }, 20);
  sweep.unref();
  try {
    await Promise.all(
      list.map(
        (s) =>
          new Promise<void>((resolve) => {
            // A server that never bound has nothing to close.
            s.close(() => resolve());
            if (s.listening) s.closeIdleConnections();
          }),
      ),
    );
  } finally {
    clearTimeout(timer);
    clearInterval(sweep);
  }
}
