// A manager under hostile clients on loopback: slow headers (slowloris), oversized heads and
// bodies, clients that hang up in mid-download, garbage instead of a TLS handshake, and many idle
// sockets. Throughout, well-behaved clients keep getting their answers within a bounded time,
// the server closes the hostile sockets within its configured deadlines, and no handler error
// reaches onError. The deadlines are shortened here (the defaults are 10 s / 30 s, see
// SECURITY.md) so that the test runs in seconds; the mechanism is the same.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import {
  closedWithin,
  median,
  rawSocket,
  request,
  sleep,
  startManager,
  type RunningManager,
} from './helpers.js';

const LIMITS = {
  headersTimeoutMs: 3000,
  requestTimeoutMs: 5000,
  keepAliveTimeoutMs: 1000,
  idleTimeoutMs: 6000,
  handshakeTimeoutMs: 3000,
};
/** Node checks the head/request deadlines once per second (connectionsCheckingInterval). */
const CHECK_MS = 1000;
/**
 * Well-behaved requests must be answered within this while the attack runs: well under the
 * 3 s deadlines, so a client queued behind the hostile sockets would fail it.
 */
const SERVE_BOUND_MS = 1500;

describe('manager under hostile clients', () => {
  let m: RunningManager;
  let sealedSize: number;

  beforeAll(async () => {
    m = await startManager(LIMITS);
    // A large policy for the mid-download disconnects: 4 MiB.
    await m.manager.publishPolicy('Big', randomBytes(4 << 20));
    const full = await request(m.ports.clientHttp, false, '/secars/policies/Big', 15_000);
    expect(full.status).toBe(200);
    sealedSize = full.body.length;
    expect(sealedSize).toBeGreaterThan(4 << 20);
  });
  afterAll(async () => {
    await m.close();
  });

  /** Well-behaved requests on the plain and TLS client ports, every `everyMs`, `n` times. */
  async function wellBehaved(n: number, everyMs: number): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const tls = i % 2 === 1;
      const r = await request(tls ? m.ports.client : m.ports.clientHttp, tls, '/secars/index');
      expect(r.status).toBe(200);
      times.push(r.ms);
      await sleep(everyMs);
    }
    return times;
  }

  it('slowloris: heads dripped byte by byte are cut at the head deadline; others are served', async () => {
    const slow: Socket[] = [];
    const got: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      const s = await rawSocket(m.ports.clientHttp);
      const k = got.push(Buffer.alloc(0)) - 1;
      s.on('data', (c: Buffer) => (got[k] = Buffer.concat([got[k]!, c])));
      s.write(`GET /secars/index HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
      slow.push(s);
    }
    const start = performance.now();
    const drip = setInterval(() => {
      for (const s of slow) if (!s.destroyed) s.write('X');
    }, 100);
    try {
      const closed = Promise.all(slow.map((s) => closedWithin(s, 10_000)));
      const times = await wellBehaved(8, 150);
      const closedAt = await closed;
      const elapsed = performance.now() - start;
      expect(Math.max(...times)).toBeLessThan(SERVE_BOUND_MS);
      // Every dripping connection was closed by the server, within deadline + one check.
      expect(closedAt.every((t) => t >= 0)).toBe(true);
      expect(elapsed).toBeLessThan(LIMITS.headersTimeoutMs + CHECK_MS + 3000);
      // ... with a 408 where the socket was still writable.
      expect(
        got.filter((b) => b.toString('latin1').startsWith('HTTP/1.1 408')).length,
      ).toBeGreaterThan(50);
    } finally {
      clearInterval(drip);
      for (const s of slow) s.destroy();
    }
    expect(m.errors).toEqual([]);
  });

  it('oversized heads get 431 and too many header lines are cut, never a 5xx', async () => {
    const big = await rawSocket(m.ports.clientHttp);
    const bigAnswer = new Promise<string>((resolve) => {
      let text = '';
      big.on('data', (c: Buffer) => (text += c.toString('latin1')));
      big.on('close', () => resolve(text));
      big.on('error', () => undefined);
    });
    big.write(`GET /secars/index HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    expect(await bigAnswer).toMatch(/^HTTP\/1\.1 431 /);

    const many = await rawSocket(m.ports.clientHttp);
    const manyAnswer = new Promise<string>((resolve) => {
      let text = '';
      many.on('data', (c: Buffer) => (text += c.toString('latin1')));
      many.on('close', () => resolve(text));
      many.on('error', () => undefined);
    });
    const lines = Array.from({ length: 500 }, (_, i) => `X-H${i}: v\r\n`).join('');
    many.write(`GET /secars/index HTTP/1.1\r\nHost: x\r\n${lines}Connection: close\r\n\r\n`);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(await manyAnswer)?.[1]);
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
    expect(m.errors).toEqual([]);
  });

  it('oversized bodies get 413 (by Content-Length, and while streaming) without being buffered', async () => {
    const post = async (
      tls: boolean,
      port: number,
      path: string,
      head: string,
      stream: boolean,
    ) => {
      const s: Socket = tls
        ? await new Promise((resolve) => {
            const t = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () =>
              resolve(t),
            );
          })
        : await rawSocket(port);
      let text = '';
      s.on('data', (c: Buffer) => (text += c.toString('latin1')));
      s.on('error', () => undefined);
      s.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${head}\r\n`);
      // Stream up to 8 MiB in 64 KiB chunks; stop as soon as the answer arrives.
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sentTotal = 0;
      for (let sent = 0; stream && sent < 8 << 20 && text.length === 0 && !s.destroyed;) {
        const piece = `${chunk.length.toString(16)}\r\n`;
        s.write(piece);
        s.write(chunk);
        s.write('\r\n');
        sent += chunk.length;
        sentTotal = sent;
        await sleep(1);
      }
      const t0 = performance.now();
      while (text.length === 0 && !s.destroyed && performance.now() - t0 < 5000) await sleep(10);
      const closedEarly = s.destroyed && sentTotal < 8 << 20;
      s.destroy();
      // Streaming: the server answers 413 and closes while bytes are still arriving, so TCP may
      // reset the connection before the answer is read (RFC 9112 section 9.6); a close before the
      // 8 MiB were sent is the same refusal.
      return stream && text.length === 0 && closedEarly ? 'HTTP/1.1 413 (connection reset)' : text;
    };
    const json = 'Content-Type: application/json\r\n';
    // By Content-Length: refused before a byte of the body is read.
    expect(
      await post(
        false,
        m.ports.clientHttp,
        '/secreg/register',
        `${json}Content-Length: 10000000\r\n`,
        false,
      ),
    ).toMatch(/^HTTP\/1\.1 413 /);
    expect(
      await post(
        true,
        m.ports.webServices,
        '/sepm/api/v1/identity/authenticate',
        `${json}Content-Length: 10000000\r\n`,
        false,
      ),
    ).toMatch(/^HTTP\/1\.1 413 /);
    // Chunked: refused while streaming, after at most the limit.
    const heapBefore = process.memoryUsage().heapUsed;
    expect(
      await post(
        false,
        m.ports.clientHttp,
        '/secreg/register',
        `${json}Transfer-Encoding: chunked\r\n`,
        true,
      ),
    ).toMatch(/^HTTP\/1\.1 413 /);
    expect(
      await post(
        true,
        m.ports.webServices,
        '/sepm/api/v1/identity/authenticate',
        `${json}Transfer-Encoding: chunked\r\n`,
        true,
      ),
    ).toMatch(/^HTTP\/1\.1 413 /);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 << 20);
    expect(m.errors).toEqual([]);
  });

  it('clients hanging up in mid-download leave no trace; full downloads still work', async () => {
    const cut = async (tls: boolean) => {
      const port = tls ? m.ports.client : m.ports.clientHttp;
      const s: Socket = tls
        ? await new Promise((resolve) => {
            const t = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () =>
              resolve(t),
            );
          })
        : await rawSocket(port);
      s.on('error', () => undefined);
      await new Promise<void>((resolve) => {
        let n = 0;
        s.on('data', (c: Buffer) => {
          n += c.length;
          if (n > 100_000) {
            s.destroy();
            resolve();
          }
        });
        s.on('close', () => resolve());
        s.write(`GET /secars/policies/Big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      });
    };
    for (let round = 0; round < 4; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => cut(i % 2 === 0)));
    }
    await sleep(200);
    const again = await request(m.ports.client, true, '/secars/policies/Big', 15_000);
    expect(again.status).toBe(200);
    expect(again.body.length).toBe(sealedSize);
    expect(m.errors).toEqual([]);
  });

  it('garbage instead of a TLS handshake is dropped on every HTTPS port; TLS clients are served', async () => {
    const https = [m.ports.client, m.ports.manager, m.ports.reporting, m.ports.webServices];
    const kinds: Buffer[] = [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      randomBytes(4096),
      Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0x01, 0x00, 0xff, 0xfb]), // a huge ClientHello
      Buffer.from([0x80, 0x2e, 0x01, 0x00, 0x02]), // SSLv2-style hello
    ];
    const waits: Promise<number>[] = [];
    const sockets: Socket[] = [];
    for (const port of https) {
      for (const g of kinds) {
        const s = await rawSocket(port);
        sockets.push(s);
        s.write(g);
        waits.push(closedWithin(s, LIMITS.handshakeTimeoutMs + 4000));
      }
    }
    const served = await request(m.ports.webServices, true, '/sepm/api/v1/version');
    expect(served.status).toBe(200);
    const closed = await Promise.all(waits);
    for (const s of sockets) s.destroy();
    // All dropped; the incomplete hello waits at most for the handshake deadline.
    expect(closed.every((t) => t >= 0)).toBe(true);
    expect(Math.max(...closed)).toBeLessThan(LIMITS.handshakeTimeoutMs + 3000);
    expect(m.errors).toEqual([]);
  });

  it('many idle sockets: others are served at once, and the idle ones are closed by the deadlines', async () => {
    const idle: Socket[] = [];
    for (let i = 0; i < 400; i++) idle.push(await rawSocket(m.ports.clientHttp));
    for (let i = 0; i < 150; i++) idle.push(await rawSocket(m.ports.client));
    const closed = Promise.all(idle.map((s) => closedWithin(s, 15_000)));
    const times = await wellBehaved(10, 50);
    expect(median(times)).toBeLessThan(500);
    expect(Math.max(...times)).toBeLessThan(SERVE_BOUND_MS);
    const at = await closed;
    expect(at.filter((t) => t < 0).length).toBe(0);
    // Plain: the head deadline (3 s) + one check; TLS: the handshake deadline.
    expect(Math.max(...at)).toBeLessThan(
      Math.max(LIMITS.headersTimeoutMs, LIMITS.handshakeTimeoutMs) + CHECK_MS + 3000,
    );
    for (const s of idle) s.destroy();
    expect(m.errors).toEqual([]);
  });
});
