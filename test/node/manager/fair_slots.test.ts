import { describe, expect, it } from 'vitest';
import { FairSlots } from '../../../src/node/manager/fair_slots.js';

describe('FairSlots', () => {
  it('serves waiting keys in turn, not first come first served', async () => {
    const slots = new FairSlots({ slots: 1, maxWaitingPerKey: 3 });
    const order: string[] = [];
    const first = await slots.acquire('flood')!;
    const waits = [
      ['flood', slots.acquire('flood')],
      ['flood', slots.acquire('flood')],
      ['flood', slots.acquire('flood')],
      ['admin', slots.acquire('admin')],
    ] as const;
    expect(slots.acquire('flood')).toBeUndefined();
    for (const [key, p] of waits) {
      void p!.then((release) => {
        order.push(key);
        setImmediate(release);
      });
    }
    first();
    await Promise.all(waits.map(([, p]) => p));
    await new Promise((r) => setImmediate(r));
    // The admin's request came last but is served second: one turn per key.
    expect(order).toEqual(['flood', 'admin', 'flood', 'flood']);
    await new Promise((r) => setImmediate(r));
    expect(slots.load).toEqual({ busy: 0, waiting: 0 });
  });

  it('refuses when the whole queue is full and frees a slot only once', async () => {
    const slots = new FairSlots({ slots: 1, maxWaitingPerKey: 1, maxWaiting: 1 });
    const release = await slots.acquire('a')!;
    const b = slots.acquire('b');
    expect(b).toBeDefined();
    expect(slots.acquire('c')).toBeUndefined();
    release();
    release();
    (await b!)();
    expect(slots.load).toEqual({ busy: 0, waiting: 0 });
    expect(() => new FairSlots({ slots: 0 })).toThrow(RangeError);
  });
});
