// The registration table (src/node/manager/clients.ts): per-network quotas, eviction instead of a
// permanent refusal, expiry of idle registrations, pages without sorting, and restore.
import { describe, it, expect } from 'vitest';
import { ClientRegistry } from '../../../src/node/manager/clients.js';
import type { SavedClient } from '../../../src/node/manager/state/store.js';

function registry(o: { max?: number; maxPerNetwork?: number; idleMs?: number } = {}) {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const r = new ClientRegistry({
    max: o.max ?? 100,
    maxPerNetwork: o.maxPerNetwork ?? 10,
    idleMs: o.idleMs ?? 60_000,
    now: clock.now,
  });
  const evicted: string[] = [];
  r.onEvict((id) => evicted.push(id));
  return { r, clock, evicted };
}

describe('ClientRegistry', () => {
  it('keeps a network to its quota by evicting its own least recently seen', () => {
    const { r, clock, evicted } = registry({ maxPerNetwork: 3 });
    const a = r.register('a', '192.0.2.1');
    clock.advance(1);
    const b = r.register('b', '192.0.2.2');
    clock.advance(1);
    const c = r.register('c', '192.0.2.3');
    const other = r.register('x', '198.51.100.9');
    clock.advance(1);
    r.touch(a.clientId); // a heartbeat: `a` is now the most recently seen of its network
    const d = r.register('d', '192.0.2.4');
    expect(evicted).toEqual([b.clientId]);
    expect([...r.map.keys()].sort()).toEqual(
      [a.clientId, c.clientId, d.clientId, other.clientId].sort(),
    );
    expect(r.networkOf(d.clientId)).toBe('192.0.2.0/24');
  });

  it('never refuses: a full table gives up an entry of the network holding the most', () => {
    const { r, evicted } = registry({ max: 6, maxPerNetwork: 5 });
    const legit = r.register('legit', '198.51.100.1');
    const flood = Array.from({ length: 5 }, (_, i) => r.register('f', `192.0.2.${i}`));
    const late = r.register('late', '203.0.113.7');
    // The flood's oldest went, not the older legitimate registration.
    expect(evicted).toEqual([flood[0]!.clientId]);
    expect(r.map.has(legit.clientId)).toBe(true);
    expect(r.map.has(late.clientId)).toBe(true);
    expect(r.size).toBe(6);
  });

  it('drops a registration idle for idleMs; a sighting keeps it', () => {
    const { r, clock, evicted } = registry({ idleMs: 1_000 });
    const quiet = r.register('quiet', '192.0.2.1');
    const busy = r.register('busy', '192.0.2.2');
    clock.advance(600);
    r.touch(busy.clientId);
    clock.advance(600);
    expect(r.page(0, 10).map((c) => c.clientId)).toEqual([busy.clientId]);
    expect(evicted).toEqual([quiet.clientId]);
    r.touch('0'.repeat(32)); // unknown ids are ignored
    expect(r.size).toBe(1);
  });

  it('pages most recently seen first', () => {
    const { r, clock } = registry();
    const ids = Array.from({ length: 7 }, (_, i) => {
      clock.advance(1);
      return r.register(`h${i}`, `192.0.2.${i}`).clientId;
    });
    clock.advance(1);
    r.touch(ids[2]!);
    const order = [ids[2], ids[6], ids[5], ids[4], ids[3], ids[1], ids[0]];
    expect(r.page(0, 3).map((c) => c.clientId)).toEqual(order.slice(0, 3));
    expect(r.page(3, 3).map((c) => c.clientId)).toEqual(order.slice(3, 6));
    expect(r.page(6, 3).map((c) => c.clientId)).toEqual(order.slice(6));
    expect(r.page(9, 3)).toEqual([]);
  });

  it('restores under the current bounds, least recently seen dropped first', () => {
    const saved = (id: number, lastSeen: number, network?: string): SavedClient => ({
      clientId: id.toString(16).toUpperCase().padStart(32, '0'),
      hostname: `h${id}`,
      registeredAt: 1_000,
      heartbeats: 0,
      downloads: 0,
      lastSeen,
      lastAddress: '192.0.2.9',
      ...(network !== undefined ? { network } : {}),
    });
    const { r } = registry({ maxPerNetwork: 2, idleMs: 60_000 });
    r.restore([
      saved(1, 999_000), // seen 1 s ago
      saved(2, 990_000),
      saved(3, 995_000),
      saved(4, 1, '198.51.100.0/24'), // idle for longer than idleMs
      saved(5, 998_000, '198.51.100.0/24'),
    ]);
    // The idle one is not taken back at all (not merely dropped by the next page or sighting).
    expect(r.size).toBe(3);
    expect(r.page(0, 10).map((c) => c.hostname)).toEqual(['h1', 'h5', 'h3']);
    expect(r.networkOf(saved(1, 0).clientId)).toBe('192.0.2.0/24');
  });

  it('after 100,000 registrations from one /24 another network registers; pages stay fast', () => {
    const { r } = registry({ max: 100_000, maxPerNetwork: 4_096, idleMs: Infinity });
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) r.register('flood', `127.0.1.${i % 256}`);
    const floodMs = performance.now() - t0;
    const legit = r.register('legit', '127.0.2.7');
    expect(r.size).toBe(4_097);
    const t1 = performance.now();
    const first = r.page(0, 100);
    const last = r.page(4_000, 100);
    const pageMs = performance.now() - t1;
    expect(first[0]!.clientId).toBe(legit.clientId);
    expect(last).toHaveLength(97);
    expect(pageMs).toBeLessThan(100);
    console.log(
      `registry: 100,000 registrations from one /24 in ${floodMs.toFixed(0)} ms; two pages in ${pageMs.toFixed(1)} ms`,
    );
  });

  it('refuses bounds that are not positive', () => {
    expect(() => new ClientRegistry({ max: 0, maxPerNetwork: 1, idleMs: 1 })).toThrow(RangeError);
    expect(() => new ClientRegistry({ max: 1, maxPerNetwork: 0, idleMs: 1 })).toThrow(RangeError);
    expect(() => new ClientRegistry({ max: 1, maxPerNetwork: 1, idleMs: 0 })).toThrow(RangeError);
  });
});
