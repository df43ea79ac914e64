// Shared helpers of the robustness tests: a manager on loopback (all ports ephemeral) with a site
// in a temporary directory, raw sockets, and a well-behaved client that measures its latency.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSite, loadSite, type Site } from '../../src/node/site/site.js';
import { createManager, type Manager, type ManagerLimits } from '../../src/node/manager/index.js';

export interface RunningManager {
  readonly manager: Manager;
  readonly site: Site;
  readonly ports: {
    client: number;
    clientHttp: number;
    manager: number;
    reporting: number;
    webServices: number;
  };
  /** Errors the manager reported through onError. */
  readonly errors: unknown[];
  close(): Promise<void>;
}

/** A manager with the given limits on loopback. */
export async function startManager(limits: ManagerLimits = {}): Promise<RunningManager> {
  const dir = await mkdtemp(join(tmpdir(), 'sepm-robust-'));
  await createSite(dir, { commonName: 'robust.test', address: '127.0.0.1' });
  const site = await loadSite(dir);
  const errors: unknown[] = [];
  const manager = createManager({
    site,
    ports: { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 },
    limits,
    onError: (e) => errors.push(e),
  });
  const a = await manager.listen();
  return {
    manager,
    site,
    ports: {
      client: a.client.port,
      clientHttp: a.clientHttp.port,
      manager: a.manager.port,
      reporting: a.reporting.port,
      webServices: a.webServices.port,
    },
    errors,
    close: async () => {
      await manager.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What a well-behaved request got. */
export interface Answer {
  readonly status: number;
  readonly body: Buffer;
  readonly ms: number;
}

/**
 * One well-behaved HTTP/1.1 request (`Connection: close`) over plain TCP or TLS, read to the end.
 * Rejects after `timeoutMs`.
 */
export function request(
  port: number,
  tls: boolean,
  path: string,
  timeoutMs = 5000,
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    const onConnect = () =>
      sock.write(
        `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
      );
    const sock: Socket = tls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, onConnect)
      : netConnect({ host: '127.0.0.1', port }, onConnect);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer to ${path} on ${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('end', () => {
      clearTimeout(timer);
      sock.destroy();
      const all = Buffer.concat(chunks);
      const head = all.indexOf('\r\n\r\n');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(all.subarray(0, 16).toString('latin1'));
      resolve({
        status: m === null ? 0 : Number(m[1]),
        body: head < 0 ? Buffer.alloc(0) : all.subarray(head + 4),
        ms: performance.now() - t0,
      });
    });
  });
}

/** A raw TCP socket, connected. */
export function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with the time the server took to close `s` (from now), or -1 after `timeoutMs`. */
export function closedWithin(s: Socket, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(0);
    const timer = setTimeout(() => resolve(-1), timeoutMs);
    s.on('error', () => undefined);
    // Read (and drop) what arrives: a paused socket never sees the server's FIN.
    s.resume();
    s.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Median of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[s.length >> 1]!;
}
