import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWasmEnabled } from '../../src/twofish/words.js';
import { Twofish, twofishCbc, twofishCtr, twofishEcb } from '../../src/twofish/index.js';
import { SlowTwofish } from '../misc/slow-twofish.js';
import { refCbcEncrypt, refCtr, refEcbEncrypt } from './reference-modes.js';
import { sameBytes } from './vectors.js';

// Differential tests against twofish-ts (an independent implementation; its block functions
// driven by the plain mode loops in reference-modes.ts), with random keys, IVs and lengths.
const keyArb = fc
  .constantFrom(16, 24, 32)
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const ivArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
// Lengths up to a few chunks (8 KiB each), so that the chunk boundaries are crossed.
const dataArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .integer({ min: 0, max: 40000 })
    .map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255)),
);
const blocksArb = dataArb.map((d) => d.subarray(0, d.length & ~15));
const RUNS = { numRuns: 60 };

describe.each([
  ['WebAssembly', true],
  ['JavaScript', false],
] as const)('Twofish modes agree with twofish-ts (%s kernel)', (_name, wasm) => {
  beforeAll(() => {
    setWasmEnabled(wasm);
  });
  afterAll(() => {
    setWasmEnabled(true);
  });

  it('ECB with PKCS#7', () => {
    fc.assert(
      fc.property(keyArb, dataArb, (key, data) => {
        const ct = twofishEcb(key).encrypt(data);
        expect(sameBytes(ct, refEcbEncrypt(key, data))).toBe('equal');
        expect(sameBytes(twofishEcb(key).decrypt(ct), data)).toBe('equal');
      }),
      RUNS,
    );
  });

  it('ECB without padding', () => {
    fc.assert(
      fc.property(keyArb, blocksArb, (key, data) => {
        expect(
          sameBytes(
            twofishEcb(key, { padding: false }).encrypt(data),
            refEcbEncrypt(key, data, false),
          ),
        ).toBe('equal');
      }),
      RUNS,
    );
  });

  it('CBC with PKCS#7', () => {
    fc.assert(
      fc.property(keyArb, ivArb, dataArb, (key, iv, data) => {
        const ct = twofishCbc(key, iv).encrypt(data);
        expect(sameBytes(ct, refCbcEncrypt(key, iv, data))).toBe('equal');
        expect(sameBytes(twofishCbc(key, iv).decrypt(ct), data)).toBe('equal');
      }),
      RUNS,
    );
  });

  it('CBC without padding', () => {
    fc.assert(
      fc.property(keyArb, ivArb, blocksArb, (key, iv, data) => {
        expect(
          sameBytes(
            twofishCbc(key, iv, { padding: false }).encrypt(data),
            refCbcEncrypt(key, iv, data, false),
          ),
        ).toBe('equal');
      }),
      RUNS,
    );
  });

  it('CTR with a 128-bit big-endian counter, any length', () => {
    fc.assert(
      fc.property(keyArb, ivArb, dataArb, (key, iv, data) => {
        expect(sameBytes(twofishCtr(key, iv).encrypt(data), refCtr(key, iv, data))).toBe('equal');
      }),
      RUNS,
    );
  });

  it('CTR carries across every 32-bit word boundary and wraps at 2^128', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const ivs = [
      '000000000000000000000000fffffffe',
      '0000000000000000fffffffffffffffe',
      '00000000fffffffffffffffffffffffe',
      'fffffffffffffffffffffffffffffffe',
      '0123456789abcdef01234567ffffffff',
    ];
    const data = Uint8Array.from({ length: 16 * 5 + 7 }, (_, i) => i);
    for (const h of ivs) {
      const iv = Uint8Array.from(Buffer.from(h, 'hex'));
      expect(sameBytes(twofishCtr(key, iv).encrypt(data), refCtr(key, iv, data))).toBe('equal');
    }
  });
});

describe('Twofish block agrees with the table-free reference in test/misc', () => {
  it('random keys of every size, encrypt and decrypt', () => {
    fc.assert(
      fc.property(keyArb, ivArb, (key, block) => {
        const fast = new Twofish(key);
        const slow = new SlowTwofish(key);
        const ct = fast.encryptBlock(block);
        expect(sameBytes(ct, slow.encrypt(block))).toBe('equal');
        expect(sameBytes(fast.decryptBlock(block), slow.decrypt(block))).toBe('equal');
      }),
      { numRuns: 30 },
    );
  });
});
