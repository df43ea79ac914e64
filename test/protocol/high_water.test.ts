// The high-water rules of docs/protocol.md §5.5 (src/protocol/high_water.ts), each on its own. The
// end-to-end replays (test/node-services/rollback.test.ts) lower the index serial and a policy
// serial together, so either rule alone refuses them; here each case is refused by exactly one
// rule, so that removing any one of them fails a test.
import { describe, it, expect } from 'vitest';
import { isSepmError } from '../../src/errors.js';
import {
  advanceMarks,
  checkIndexMarks,
  type IndexEntry,
  type PolicyIndex,
  type SiteMarks,
} from '../../src/protocol/index.js';

const HASH_LOW = '1'.repeat(64);
const HASH_HIGH = 'e'.repeat(64);
const ISSUED = '2026-12-01T00:00:00.000Z';

const entry = (name: string, serial: number, sha256 = HASH_LOW): IndexEntry => ({
  name,
  serial,
  sha256,
  size: 100,
});

const index = (serial: number, policies: IndexEntry[], issuedAt = ISSUED): PolicyIndex => ({
  format: 'sepm-crypto.index',
  version: 2,
  domainId: 'AB'.repeat(16),
  serial,
  issuedAt,
  policies,
});

const marksOf = (i: PolicyIndex): SiteMarks => advanceMarks(undefined, i);

function refusal(f: () => void): string {
  try {
    f();
  } catch (e) {
    return isSepmError(e) ? e.code : `not a SepmError: ${String(e)}`;
  }
  return 'accepted';
}

describe('high-water marks (docs/protocol.md §5.5)', () => {
  it('refuses a lower index serial that lists a withdrawn policy (no policy mark holds it)', () => {
    // Accepted: serial 10 lists only Firewall#2 (Withdrawn was taken back).
    const marks = marksOf(index(10, [entry('Firewall', 2)]));
    // A replayed serial 9 lists Withdrawn, which has no mark: only the index serial refuses it.
    const replay = index(9, [entry('Firewall', 2), entry('Withdrawn', 1)]);
    expect(refusal(() => checkIndexMarks(marks, replay))).toBe('ERR_MANAGER_ROLLBACK');
  });

  it('takes a lower index serial that lists exactly what the marks hold (another manager)', () => {
    const marks = marksOf(index(10, [entry('Firewall', 2)]));
    expect(refusal(() => checkIndexMarks(marks, index(4, [entry('Firewall', 2)])))).toBe(
      'accepted',
    );
    // Same names and serials, another SHA-256: not the same set, so refused.
    const other = index(4, [entry('Firewall', 2, HASH_HIGH)]);
    expect(refusal(() => checkIndexMarks(marks, other))).toBe('ERR_MANAGER_ROLLBACK');
  });

  it('refuses a lower per-policy serial under a higher index serial', () => {
    // Another manager's index may carry a higher index serial and still an older policy.
    const marks = marksOf(index(5, [entry('Firewall', 3)]));
    const older = index(6, [entry('Firewall', 2)]);
    expect(refusal(() => checkIndexMarks(marks, older))).toBe('ERR_MANAGER_ROLLBACK');
    expect(refusal(() => checkIndexMarks(marks, index(6, [entry('Firewall', 3)])))).toBe(
      'accepted',
    );
  });

  it('orders equal policy serials by SHA-256, as replication does', () => {
    const marks = marksOf(index(5, [entry('Firewall', 3, HASH_HIGH)]));
    const lower = index(6, [entry('Firewall', 3, HASH_LOW)]);
    expect(refusal(() => checkIndexMarks(marks, lower))).toBe('ERR_MANAGER_ROLLBACK');
    const up = marksOf(index(5, [entry('Firewall', 3, HASH_LOW)]));
    expect(refusal(() => checkIndexMarks(up, index(6, [entry('Firewall', 3, HASH_HIGH)])))).toBe(
      'accepted',
    );
  });

  it('never lowers the index serial mark when it takes a lower serial listing the same set', () => {
    const marks = marksOf(index(10, [entry('Firewall', 2)]));
    const same = index(7, [entry('Firewall', 2)]);
    checkIndexMarks(marks, same);
    const after = advanceMarks(marks, same);
    expect(after.indexSerial).toBe(10);
    // So serial 8, between the two, that brings back a withdrawn name is still refused.
    const replay = index(8, [entry('Firewall', 2), entry('Withdrawn', 1)]);
    expect(refusal(() => checkIndexMarks(after, replay))).toBe('ERR_MANAGER_ROLLBACK');
  });

  it('refuses an index older than maxAgeMs, or with no usable clock', () => {
    const issued = Date.parse(ISSUED);
    const i = index(1, []);
    const at = (now: number | undefined) => () =>
      checkIndexMarks(undefined, i, { maxAgeMs: 60_000, ...(now !== undefined ? { now } : {}) });
    expect(refusal(at(issued + 60_000))).toBe('accepted');
    expect(refusal(at(issued + 60_001))).toBe('ERR_MANAGER_ROLLBACK');
    expect(refusal(at(undefined))).toBe('ERR_MANAGER_ROLLBACK');
    expect(refusal(() => checkIndexMarks(undefined, i))).toBe('accepted');
  });
});
