// The rule that follows a peer's withdrawal (docs/protocol.md §5.6), without managers: only a
// newer index of the same peer, only names it no longer lists, only copies held exactly as that
// peer listed them; a replayed older listing never replaces a newer one.
import { describe, it, expect } from 'vitest';
import { PeerListings, withdrawnBy } from '../../../../src/node/manager/replication/withdrawals.js';

const H1 = '11'.repeat(32);
const H2 = '22'.repeat(32);
const entry = (name: string, serial: number, sha256: string) => ({ name, serial, sha256, size: 1 });
const previous = {
  indexSerial: 100,
  policies: [entry('Kept', 1, H1), entry('Gone', 3, H1), entry('Changed', 1, H1)],
};
const held = new Map([
  ['Kept', { serial: 1, sha256: H1 }],
  ['Gone', { serial: 3, sha256: H1 }],
  // Published here since the peer listed it.
  ['Changed', { serial: 2, sha256: H2 }],
]);
const get = (n: string) => held.get(n);

describe('withdrawnBy', () => {
  it('withdraws what a newer index no longer lists and is held as the peer listed it', () => {
    const index = { serial: 101, policies: [entry('Kept', 1, H1)] };
    expect(withdrawnBy(previous, index, get).map((p) => p.name)).toEqual(['Gone']);
  });

  it('withdraws nothing without a previous listing, or on an index that is not newer', () => {
    expect(withdrawnBy(undefined, { serial: 101, policies: [] }, get)).toEqual([]);
    expect(withdrawnBy(previous, { serial: 100, policies: [] }, get)).toEqual([]);
    expect(withdrawnBy(previous, { serial: 99, policies: [] }, get)).toEqual([]);
  });

  it('leaves a copy that differs from the listed one, and a name not held', () => {
    const sameSerialOtherBytes = new Map([['Gone', { serial: 3, sha256: H2 }]]);
    const index = { serial: 101, policies: [] };
    expect(withdrawnBy(previous, index, (n) => sameSerialOtherBytes.get(n))).toEqual([]);
    expect(withdrawnBy(previous, index, () => undefined)).toEqual([]);
  });
});

describe('PeerListings', () => {
  it('keeps the newest listing per peer, and round-trips through its snapshot', () => {
    const l = new PeerListings();
    l.record(H1, { serial: 5, policies: [entry('A', 1, H1)] });
    l.record(H1, { serial: 4, policies: [] });
    expect(l.get(H1)).toEqual({ indexSerial: 5, policies: [{ name: 'A', serial: 1, sha256: H1 }] });
    const again = new PeerListings();
    again.restore(l.snapshot());
    expect(again.get(H1)).toEqual(l.get(H1));
  });

  it('refuses malformed saved listings with ERR_MANAGER_STATE_INVALID', () => {
    expect(() => new PeerListings().restore({ [H1]: { indexSerial: 'x', policies: [] } })).toThrow(
      expect.objectContaining({ code: 'ERR_MANAGER_STATE_INVALID' }) as Error,
    );
  });
});
