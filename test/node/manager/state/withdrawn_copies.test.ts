// The copies withdrawn here (docs/protocol.md §5.6), without managers: exact copies only, at most
// MAX_WITHDRAWN_COPIES with the oldest withdrawal dropped first, forgotten per name, and a saved
// list taken back in order.
import { describe, it, expect } from 'vitest';
import {
  MAX_WITHDRAWN_COPIES,
  WithdrawnCopies,
} from '../../../../src/node/manager/state/withdrawn_copies.js';

const H1 = '11'.repeat(32);
const H2 = '22'.repeat(32);

describe('WithdrawnCopies', () => {
  it('knows exactly the copies remembered, not other copies of the name', () => {
    const w = new WithdrawnCopies();
    w.remember({ name: 'N', serial: 1, sha256: H1 });
    expect(w.has({ name: 'N', serial: 1, sha256: H1 })).toBe(true);
    expect(w.has({ name: 'N', serial: 1, sha256: H2 })).toBe(false);
    expect(w.has({ name: 'N', serial: 2, sha256: H1 })).toBe(false);
    expect(w.has({ name: 'M', serial: 1, sha256: H1 })).toBe(false);
  });

  it('forgets every copy of a name, and only of that name', () => {
    const w = new WithdrawnCopies();
    w.remember({ name: 'N', serial: 1, sha256: H1 });
    w.remember({ name: 'N', serial: 2, sha256: H2 });
    w.remember({ name: 'M', serial: 1, sha256: H1 });
    w.forget('N');
    expect(w.snapshot()).toEqual([{ name: 'M', serial: 1, sha256: H1 }]);
  });

  it('keeps at most MAX_WITHDRAWN_COPIES, dropping the oldest withdrawal first', () => {
    const w = new WithdrawnCopies();
    for (let i = 0; i <= MAX_WITHDRAWN_COPIES; i++)
      w.remember({ name: 'N', serial: i, sha256: H1 });
    const kept = w.snapshot();
    expect(kept).toHaveLength(MAX_WITHDRAWN_COPIES);
    expect(kept[0]!.serial).toBe(1);
    expect(w.has({ name: 'N', serial: 0, sha256: H1 })).toBe(false);
    // Withdrawn again: the newest now, so it outlives the others.
    w.remember({ name: 'N', serial: 1, sha256: H1 });
    expect(w.snapshot().at(-1)!.serial).toBe(1);
    expect(w.snapshot()).toHaveLength(MAX_WITHDRAWN_COPIES);
  });

  it('takes a saved list back in order, and refuses a malformed one', () => {
    const saved = [
      { name: 'B', serial: 3, sha256: H2 },
      { name: 'A', serial: 1, sha256: H1 },
    ];
    const w = new WithdrawnCopies();
    w.restore(saved);
    expect(w.snapshot()).toEqual(saved);
    w.restore(undefined);
    expect(w.snapshot()).toEqual(saved);
    expect(() => w.restore([{ name: 'A', serial: 1 }])).toThrow(
      expect.objectContaining({ code: 'ERR_MANAGER_STATE_INVALID' }),
    );
  });
});
