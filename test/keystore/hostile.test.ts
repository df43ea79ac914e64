import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSepmError } from '../../src/errors.js';
import {
  JCEKS_MAGIC,
  JKS_MAGIC,
  finishJavaKeystoreFile,
  startJavaKeystoreFile,
} from '../../src/keystore/java_keystore.js';
import { readJceks, writeJceks } from '../../src/keystore/jceks.js';
import { BudgetExceeded, buildChain, parseCert } from '../../src/keystore/key_match.js';
import type { Keystore } from '../../src/keystore/model.js';
import { readPem } from '../../src/keystore/pem.js';
import { toPem } from '../../src/keystore/pem_codec.js';
import { encryptPkcs8 } from '../../src/keystore/pbe/encrypted_pkcs8.js';
import { readJks, writeJks } from '../../src/keystore/jks.js';
import { readKeystore } from '../../src/keystore/read.js';
import { makeIdentity } from './tools.js';

function errorOf(f: () => unknown): { code: string } {
  try {
    f();
  } catch (e) {
    expect(isSepmError(e), String(e)).toBe(true);
    return e as { code: string };
  }
  throw new Error('expected an error');
}

/** A JKS-framed file with a valid digest around `body` (after the 12-byte header). */
function framed(magic: number, count: number, body: Uint8Array, password = 'pw'): Uint8Array {
  return finishJavaKeystoreFile(
    startJavaKeystoreFile(magic, 2, count).bytes(body).finish(),
    password,
  );
}

const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

describe('hostile JKS/JCEKS input', () => {
  let jks: Uint8Array;
  beforeAll(async () => {
    const id = await makeIdentity('hostile.example', { type: 'ec' });
    jks = writeJks(
      {
        format: 'jks',
        entries: [{ kind: 'privateKey', alias: 'k', pkcs8: id.pkcs8, chain: [id.cert] }],
      },
      'pw',
    );
  });

  it('refuses huge counts and lengths quickly, without allocating them', () => {
    const t = performance.now();
    const cases: [string, Uint8Array][] = [
      ['count 2^31-1', framed(JKS_MAGIC, 0x7fffffff, new Uint8Array(0))],
      ['count 2^32-1', framed(JKS_MAGIC, 0xffffffff, new Uint8Array(0))],
      [
        'key length 2^31-1',
        framed(
          JKS_MAGIC,
          1,
          Uint8Array.from([...u32(1), 0, 1, 0x6b, ...new Array(8).fill(0), ...u32(0x7fffffff)]),
        ),
      ],
      [
        'chain length 2^30',
        framed(
          JKS_MAGIC,
          1,
          Uint8Array.from([
            ...u32(1),
            0,
            1,
            0x6b,
            ...new Array(8).fill(0),
            ...u32(0),
            ...u32(0x40000000),
          ]),
        ),
      ],
      [
        'certificate length 2^32-1',
        framed(
          JKS_MAGIC,
          1,
          Uint8Array.from([
            ...u32(2),
            0,
            1,
            0x6b,
            ...new Array(8).fill(0),
            0,
            5,
            0x58,
            0x2e,
            0x35,
            0x30,
            0x39,
            ...u32(0xffffffff),
          ]),
        ),
      ],
      [
        'alias longer than the file',
        framed(JKS_MAGIC, 1, Uint8Array.from([...u32(2), 0xff, 0xff])),
      ],
      [
        'unknown tag',
        framed(
          JKS_MAGIC,
          1,
          Uint8Array.from([...u32(9), 0, 0, ...new Array(8).fill(0), ...u32(0)]),
        ),
      ],
      [
        'JCEKS secret entry of another class',
        framed(
          JCEKS_MAGIC,
          1,
          Uint8Array.from([
            ...u32(3),
            0,
            1,
            0x6b,
            ...new Array(8).fill(0),
            0xac,
            0xed,
            0,
            5,
            0x73,
            0x72,
            0,
            4,
            0x41,
            0x41,
            0x41,
            0x41,
          ]),
        ),
      ],
    ];
    for (const [name, bytes] of cases) {
      const read = bytes[0] === 0xce ? readJceks : readJks;
      const e = errorOf(() => read(bytes, 'pw'));
      expect(['ERR_KEYSTORE_MALFORMED', 'ERR_KEYSTORE_UNSUPPORTED'], name).toContain(e.code);
    }
    expect(performance.now() - t).toBeLessThan(500);
  });

  it('refuses every truncation', () => {
    for (let n = 0; n < jks.length; n++) {
      const e = errorOf(() => readJks(jks.subarray(0, n), 'pw'));
      expect(['ERR_KEYSTORE_MALFORMED', 'ERR_KEYSTORE_INTEGRITY']).toContain(e.code);
    }
  });

  it('ignores bytes after the digest, as Java does', () => {
    const longer = new Uint8Array(jks.length + 7);
    longer.set(jks);
    expect(readJks(longer, 'pw').entries).toEqual(readJks(jks, 'pw').entries);
    expect(errorOf(() => readJks(longer, 'bad')).code).toBe('ERR_KEYSTORE_INTEGRITY');
  });

  it('enforces maxBytes before reading', () => {
    expect(errorOf(() => readJks(jks, 'pw', { maxBytes: jks.length - 1 })).code).toBe(
      'ERR_KEYSTORE_LIMIT_EXCEEDED',
    );
  });

  it('answers random and mutated bytes with a SepmError from every reader', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.tuple(fc.nat(jks.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
            const b = jks.slice();
            b[i]! ^= x;
            return b;
          }),
          fc
            .uint8Array({ maxLength: 100 })
            .map((tail) => Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, ...tail])),
          fc
            .uint8Array({ maxLength: 100 })
            .map((tail) => Uint8Array.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2, ...tail])),
        ),
        (bytes) => {
          for (const read of [readJks, readJceks, readKeystore]) {
            try {
              read(bytes, 'pw');
            } catch (e) {
              expect(isSepmError(e), String(e)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('work budgets', () => {
  it('caps the total KDF work of a JCEKS file at 64 x maxIterations', async () => {
    const id = await makeIdentity('budget.example', { type: 'ec' });
    const entry = { kind: 'privateKey' as const, pkcs8: id.pkcs8, chain: [id.cert] };
    const many = (n: number): Keystore => ({
      format: 'jceks',
      entries: Array.from({ length: n }, (_, i) => ({ ...entry, alias: `k${i}` })),
    });
    expect(
      readJceks(writeJceks(many(2), 'pw', { iterations: 10_000 }), 'pw', { maxIterations: 10_000 })
        .entries,
    ).toHaveLength(2);
    const bytes = writeJceks(many(65), 'pw', { iterations: 10_000 });
    expect(errorOf(() => readJceks(bytes, 'pw', { maxIterations: 10_000 })).code).toBe(
      'ERR_KEYSTORE_LIMIT_EXCEEDED',
    );
    expect(readJceks(bytes, 'pw', { maxIterations: 20_000 }).entries).toHaveLength(65);
  }, 30_000);

  it('caps the total KDF work of a PEM input at 32 x maxIterations', async () => {
    const id = await makeIdentity('budget-pem.example', { type: 'ec' });
    const block = toPem(
      'ENCRYPTED PRIVATE KEY',
      encryptPkcs8(id.pkcs8, 'pw', { iterations: 1000 }),
    );
    expect(readPem(block.repeat(32), { password: 'pw', maxIterations: 1000 }).entries).toHaveLength(
      32,
    );
    const e = errorOf(() => readPem(block.repeat(33), { password: 'pw', maxIterations: 1000 }));
    expect(e.code).toBe('ERR_PEM_LIMIT_EXCEEDED');
  });

  it('caps the signature checks spent ordering chains', async () => {
    const ca = await makeIdentity('Same Name CA', { type: 'ec', ca: true });
    const leaf = await makeIdentity('leaf.example', { type: 'ec', issuer: ca });
    // Decoys with the issuer's name but other keys: each costs a signature check.
    const decoys = await Promise.all(
      [1, 2, 3].map(() => makeIdentity('Same Name CA', { type: 'ec', ca: true })),
    );
    const pool = [...decoys, ca].map((c) => parseCert(c.cert));
    const chain = buildChain(parseCert(leaf.cert), pool, { remaining: 10 });
    expect(chain.map((c) => c.der)).toEqual([leaf.cert, ca.cert]);
    expect(() => buildChain(parseCert(leaf.cert), pool, { remaining: 2 })).toThrow(BudgetExceeded);
  });
});
