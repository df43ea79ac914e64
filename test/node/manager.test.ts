import { describe, it, expect, beforeAll } from 'vitest';
import { createServer as createNetServer, connect as netConnect } from 'node:net';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { request as httpRequest } from 'node:http';
import { Kcs } from '../../src/kcs.js';
import { isSepmError } from '../../src/errors.js';
import {
  createManager,
  PORT_NAMES,
  type ManagerSite,
  type PortName,
} from '../../src/node/manager/index.js';
import { testIdentity } from './helpers.js';

const ALL_ZERO = { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 };

let site: ManagerSite;
beforeAll(async () => {
  site = { identity: await testIdentity(), kcs: Kcs.generate(), domainId: 'CD'.repeat(16) };
});

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function get(
  port: number,
  path: string,
  opts: {
    https?: boolean;
    agent?: HttpsAgent;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = (opts.https === false ? httpRequest : httpsRequest)(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        rejectUnauthorized: false,
        agent: opts.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: Buffer.concat(chunks).toString(),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('createManager', () => {
  it('starts five servers, one per role, and close() frees every port', async () => {
    const m = createManager({ site, ports: ALL_ZERO });
    const addrs = await m.listen();
    const ports = PORT_NAMES.map((n) => addrs[n].port);
    expect(new Set(ports).size).toBe(5);
    expect(addrs.clientHttp.protocol).toBe('http');
    expect(addrs.client.protocol).toBe('https');
    const hello = await get(addrs.client.port, '/secars/secars.dll?hello,secars');
    expect(hello.status).toBe(200);
    expect(hello.body).toBe('OK');
    expect(hello.headers['strict-transport-security']).toBe('max-age=63072000');
    const helloHttp = await get(addrs.clientHttp.port, '/secars/secars.dll?hello,secars', {
      https: false,
    });
    expect(helloHttp.body).toBe('OK');
    expect(helloHttp.headers['strict-transport-security']).toBeUndefined();
    expect((await get(addrs.manager.port, '/secars/secars.dll?hello,secars')).status).toBe(404);
    expect((await get(addrs.webServices.port, '/sepm/api/v1/version')).status).toBe(200);
    await m.close();
    for (const p of ports) expect(await refused(p)).toBe(true);
  });

  it('a port in use is an error naming it, and nothing stays listening', async () => {
    const [p1, p2, p3, p5] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as { port: number }).port;
    try {
      const m = createManager({
        site,
        ports: { client: p1, clientHttp: p2, manager: p3, reporting: busy, webServices: p5 },
      });
      const err = await m.listen().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSepmError(err)).toBe(true);
      expect((err as { code: string }).code).toBe('ERR_MANAGER_PORT_IN_USE');
      expect((err as Error).message).toContain(String(busy));
      expect((err as Error).message).toContain('reporting');
      for (const p of [p1, p2, p3, p5]) expect(await refused(p)).toBe(true);
      expect(Object.keys(m.addresses)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('user handlers run beside (next) or instead of the defaults', async () => {
    const seen: string[] = [];
    const m = createManager({
      site,
      ports: ALL_ZERO,
      handlers: {
        client: (req, res, next) => {
          seen.push(req.url!);
          if (req.url === '/mine') {
            res.end('mine');
            return;
          }
          next();
        },
        reporting: (_req, res) => {
          res.end('reporting replaced');
        },
        manager: async () => {
          throw new Error('boom');
        },
      },
    });
    const a = await m.listen();
    try {
      expect((await get(a.client.port, '/mine')).body).toBe('mine');
      expect((await get(a.client.port, '/secars/secars.dll?hello,secars')).body).toBe('OK');
      expect((await get(a.reporting.port, '/anything')).body).toBe('reporting replaced');
      expect((await get(a.manager.port, '/x')).status).toBe(500);
      expect((await get(a.clientHttp.port, '/mine', { https: false })).status).toBe(404);
      expect(seen).toEqual(['/mine', '/secars/secars.dll?hello,secars']);
    } finally {
      await m.close();
    }
  });

  it('enforces body and header limits', async () => {
    const m = createManager({
      site,
      ports: ALL_ZERO,
      limits: { maxBodyBytes: 1000, maxHeaderSize: 4096 },
    });
    const a = await m.listen();
    try {
      const big = await get(a.client.port, '/secreg/register', {
        method: 'POST',
        body: 'x'.repeat(5000),
        headers: { 'content-type': 'application/json' },
      });
      expect(big.status).toBe(413);
      const chunked = await get(a.clientHttp.port, '/secreg/register', {
        https: false,
        method: 'POST',
        body: 'x'.repeat(5000),
        headers: { 'transfer-encoding': 'chunked' },
      });
      expect(chunked.status).toBe(413);
      const fat = await get(a.client.port, '/', { headers: { 'x-fat': 'y'.repeat(8000) } }).catch(
        (e: unknown) => e,
      );
      expect((fat as Reply).status).toBe(431);
      const fatHttp = await get(a.clientHttp.port, '/', {
        https: false,
        headers: { 'x-fat': 'y'.repeat(8000) },
      });
      expect(fatHttp.status).toBe(431);
    } finally {
      await m.close();
    }
  });

  it('close() lets in-flight responses finish, then closes idle keep-alive sockets', async () => {
    let started = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const m = createManager({
      site,
      ports: ALL_ZERO,
      limits: { keepAliveTimeoutMs: 30_000 },
      handlers: {
        manager: async (_req, res) => {
          started++;
          await gate;
          res.end('done');
        },
      },
    });
    const a = await m.listen();
    const agent = new HttpsAgent({ keepAlive: true });
    // An idle keep-alive socket on another port must not hold close() for 30 s.
    expect((await get(a.client.port, '/secars/secars.dll?hello,secars', { agent })).body).toBe(
      'OK',
    );
    const N = 12;
    const inflight = Array.from({ length: N }, () => get(a.manager.port, '/slow', { agent }));
    while (started < N) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    const closed = m.close();
    setTimeout(release, 200);
    const replies = await Promise.all(inflight);
    await closed;
    expect(replies.map((r) => r.body)).toEqual(Array(N).fill('done'));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await refused(a.manager.port)).toBe(true);
    agent.destroy();
  });

  it('drops a slow request head and an idle keep-alive connection (slowloris bounds)', async () => {
    const m = createManager({
      site,
      ports: ALL_ZERO,
      limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200 },
    });
    const a = await m.listen();
    const closedAfter = (send: string): Promise<{ ms: number; data: string }> =>
      new Promise((resolve) => {
        const t0 = Date.now();
        let data = '';
        const s = netConnect({ host: '127.0.0.1', port: a.clientHttp.port }, () => s.write(send));
        s.on('data', (d: Buffer) => (data += d.toString()));
        s.on('error', () => undefined);
        s.on('close', () => resolve({ ms: Date.now() - t0, data }));
      });
    try {
      // Half a request head, then silence.
      const slow = await closedAfter('GET /secars/secars.dll?hello,secars HTTP/1.1\r\nHost: x\r\n');
      expect(slow.ms).toBeLessThan(5000);
      expect(slow.data).toContain('408 Request Timeout');
      // A complete request on keep-alive, then silence: closed after the keep-alive timeout.
      const idle = await closedAfter(
        'GET /secars/secars.dll?hello,secars HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      expect(idle.data).toContain('200 OK');
      expect(idle.ms).toBeLessThan(3000);
    } finally {
      await m.close();
    }
  });

  it('validates its options', () => {
    expect(() => createManager({ site, ports: { client: 70000 } })).toThrow(RangeError);
    expect(() =>
      createManager({ site, ports: { bogus: 1 } as Partial<Record<PortName, number>> }),
    ).toThrow(TypeError);
    expect(() => createManager({ site: { ...site, domainId: 'x' } })).toThrow(TypeError);
  });
});
