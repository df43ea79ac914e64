// 60 s soak of a manager on loopback under a mix of well-behaved and hostile clients: index and
// policy downloads over HTTP and HTTPS, registrations (the client table is capped and fills up
// during the warm-up, after which each evicts the least recently seen), clients hanging up in mid-download, garbage
// instead of a TLS handshake, heads that never finish, oversized heads and bodies. The heap after
// a full GC at the end may be at most 10% above the heap after a full GC at the end of the
// warm-up, and well-behaved requests keep being answered (p99 latency bounded).
// Run by `npm run test:slow`; figures are printed and recorded in docs/limits.md.
import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Socket } from 'node:net';
import { rawSocket, request, sleep, startManager } from '../robustness/helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SOAK_MS = 60_000;
const WARMUP_MS = 10_000;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

describe('manager soak (60 s, mixed well-behaved and hostile clients)', () => {
  it('keeps serving and its heap grows less than 10%', async () => {
    const m = await startManager({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      handshakeTimeoutMs: 2000,
      keepAliveTimeoutMs: 1000,
      maxClients: 500,
    });
    await m.manager.publishPolicy('Small', new TextEncoder().encode('<FirewallPolicy/>'));
    await m.manager.publishPolicy('Big', randomBytes(1 << 20));
    const { clientHttp, client, webServices } = m.ports;
    const end = Date.now() + SOAK_MS;
    const latencies: number[] = [];
    const counts = { ok: 0, hostile: 0, failed: 0 };
    const statuses = new Map<number, number>();

    const wellBehaved = async (i: number) => {
      for (let k = 0; Date.now() < end; k++) {
        const tls = (i + k) % 2 === 1;
        const path = k % 3 === 2 ? '/secars/policies/Small' : '/secars/index';
        try {
          const r = await request(tls ? client : clientHttp, tls, path, 5000);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 200) counts.ok++;
          else counts.failed++;
          latencies.push(r.ms);
        } catch {
          counts.failed++;
        }
      }
    };
    const registrations = async () => {
      const body = JSON.stringify({ domainId: m.site.domainId, hostname: 'soak' });
      while (Date.now() < end) {
        const s = await rawSocket(clientHttp);
        s.on('error', () => undefined);
        s.resume();
        s.end(
          `POST /secreg/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
        await new Promise((r) => s.once('close', r));
      }
    };
    const hostile = async (i: number) => {
      const kinds = [
        // hang up in mid-download
        async () => {
          const s = await rawSocket(clientHttp);
          s.on('error', () => undefined);
          s.write('GET /secars/policies/Big HTTP/1.1\r\nHost: x\r\n\r\n');
          await new Promise<void>((r) => {
            s.once('data', () => {
              s.destroy();
              r();
            });
            s.once('close', () => r());
          });
        },
        // garbage instead of a TLS handshake
        async () => {
          const s = await rawSocket(i % 2 ? client : webServices);
          s.on('error', () => undefined);
          s.resume();
          s.write(randomBytes(512));
          await new Promise((r) => s.once('close', r));
        },
        // a head that never finishes (cut by the head deadline) - not awaited
        async () => {
          const s: Socket = await rawSocket(clientHttp);
          s.on('error', () => undefined);
          s.resume();
          s.write('GET /secars/index HTTP/1.1\r\nHost: x\r\nX-Slow: ');
        },
        // an oversized head, and an oversized body by Content-Length
        async () => {
          const s = await rawSocket(clientHttp);
          s.on('error', () => undefined);
          s.resume();
          s.write(
            k2 % 2
              ? `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`
              : 'POST /secreg/register HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n',
          );
          await new Promise((r) => s.once('close', r));
        },
      ];
      let k2 = 0;
      while (Date.now() < end) {
        await kinds[k2++ % kinds.length]!();
        counts.hostile++;
        await sleep(20);
      }
    };

    const loops = [
      ...Array.from({ length: 4 }, (_, i) => wellBehaved(i)),
      registrations(),
      ...Array.from({ length: 3 }, (_, i) => hostile(i)),
    ];
    await sleep(WARMUP_MS);
    const before = heapAfterGc();
    await Promise.all(loops);
    await sleep(3000); // let the head deadlines close the last slow heads
    const after = heapAfterGc();
    const growth = (after - before) / before;
    const summary = {
      seconds: SOAK_MS / 1000,
      wellBehavedOk: counts.ok,
      wellBehavedFailed: counts.failed,
      hostileActions: counts.hostile,
      statuses: Object.fromEntries(statuses),
      p50ms: Number(percentile(latencies, 50).toFixed(1)),
      p99ms: Number(percentile(latencies, 99).toFixed(1)),
      heapBeforeMiB: Number((before / 2 ** 20).toFixed(1)),
      heapAfterMiB: Number((after / 2 ** 20).toFixed(1)),
      growthPercent: Number((growth * 100).toFixed(2)),
      managerErrors: m.errors.length,
    };
    console.log('manager soak:', JSON.stringify(summary));
    await m.close();

    expect(m.errors).toEqual([]);
    expect(counts.ok).toBeGreaterThan(1000);
    expect(counts.failed).toBe(0);
    expect(counts.hostile).toBeGreaterThan(300);
    expect(percentile(latencies, 99)).toBeLessThan(1000);
    expect(growth).toBeLessThan(0.1);
  }, 120_000);
});
