// Shared helpers of the services tests: sites in temporary directories, free ports, and raw
// HTTPS requests (with optional client certificate) on loopback; the SEPM REST tests add a
// spec check on top (test/sepm-rest/harness.ts `rest`).
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createSite, loadSite, type Site } from '../../src/node/site/site.js';
import type { Kcs } from '../../src/kcs.js';

export const ALL_ZERO = { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 };

export interface TestSite {
  readonly dir: string;
  readonly site: Site;
  readonly adminPassword: string;
  cleanup(): Promise<void>;
}

/** A site in a fresh temporary directory (optionally sharing another site's Kcs and domain). */
export async function makeSite(
  commonName: string,
  share?: { kcs: Kcs; domainId: string },
): Promise<TestSite> {
  const dir = await mkdtemp(join(tmpdir(), 'sepm-svc-'));
  const { adminPassword } = await createSite(dir, {
    commonName,
    address: '127.0.0.1',
    ...(share !== undefined ? { kcs: share.kcs, domainId: share.domainId } : {}),
  });
  const site = await loadSite(dir);
  return { dir, site, adminPassword, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A port that was free a moment ago (for managers that must know each other's ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Options of {@link call}. */
export interface CallOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sent as JSON with `Content-Type: application/json` (unless a header says otherwise). */
  json?: unknown;
  /** Client certificate and key (PEM), for the pinned replication port. */
  key?: string;
  cert?: string;
  /** Plain HTTP instead of HTTPS (a handler on a plain test server). */
  plain?: boolean;
}

/** One HTTPS (or plain HTTP) request on loopback (certificate not checked here; tls tests do that). */
export function call(
  port: number,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] ??= 'application/json';
  }
  const send = options.plain === true ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers,
        agent: false,
        ...(options.plain === true ? {} : { rejectUnauthorized: false }),
        ...(options.key !== undefined ? { key: options.key, cert: options.cert } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const b = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: b,
            json: () => JSON.parse(b.toString('utf8')),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A plain-HTTP GET on loopback (a client port, or a test's stand-in passing answers through). */
export function plainGet(port: number, path: string): Promise<Reply> {
  return call(port, 'GET', path, { plain: true });
}

/** Polls `check` until it returns true or `ms` pass. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
