import { createHash, createHmac, hkdfSync, pbkdf2Sync } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  NODE_DIGEST_THRESHOLD,
  createDigest,
  digest,
  hkdf,
  hmac,
  pbkdf2,
  type HashName,
} from '../../src/hashes.js';
import { useNodeCrypto } from '../../src/fast_path.js';

const NAMES: HashName[] = ['MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
const node = (n: HashName) => n.replace('-', '').toLowerCase();
const bytes = fc.uint8Array({ maxLength: 3 * NODE_DIGEST_THRESHOLD });

// Both paths (noble, and node:crypto through process.getBuiltinModule) against node:crypto
// imported directly: the same bytes, whichever one runs.
describe.each([
  ['pure (@noble/hashes)', false],
  ['Node fast path', true],
])('%s', (_label, fast) => {
  afterEach(() => void useNodeCrypto(true));

  it('reports whether the fast path is in use', () => {
    expect(useNodeCrypto(fast)).toBe(fast);
  });

  it('digest, split into parts, equals node:crypto for every hash', () => {
    useNodeCrypto(fast);
    fc.assert(
      fc.property(bytes, bytes, fc.constantFrom(...NAMES), (a, b, n) => {
        const want = createHash(node(n)).update(a).update(b).digest();
        expect(Buffer.from(digest(n, a, b))).toEqual(want);
        const inc = createDigest(n);
        inc.update(a);
        inc.update(b);
        expect(Buffer.from(inc.digest())).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });

  it('hmac equals node:crypto', () => {
    useNodeCrypto(fast);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        bytes,
        fc.constantFrom(...NAMES),
        (k, m, n) => {
          expect(Buffer.from(hmac(n, k, m))).toEqual(createHmac(node(n), k).update(m).digest());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('pbkdf2 and hkdf equal node:crypto', () => {
    useNodeCrypto(fast);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom(...NAMES),
        (pw, salt, iter, len, n) => {
          expect(Buffer.from(pbkdf2(n, pw, salt, iter, len))).toEqual(
            pbkdf2Sync(pw, salt, iter, len, node(n)),
          );
          expect(Buffer.from(hkdf(n, pw, salt, salt, len))).toEqual(
            Buffer.from(hkdfSync(node(n), pw, salt, salt, len)),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('returns arrays over their own ArrayBuffer, never a pooled Buffer', () => {
    useNodeCrypto(fast);
    const big = new Uint8Array(NODE_DIGEST_THRESHOLD);
    for (const out of [
      digest('SHA-256', big),
      hmac('SHA-256', big, big),
      pbkdf2('SHA-256', big, big, 1, 32),
      hkdf('SHA-256', big, big, big, 32),
    ]) {
      expect(Buffer.isBuffer(out)).toBe(false);
      expect(out.byteOffset).toBe(0);
      expect(out.buffer.byteLength).toBe(out.length);
    }
  });
});
