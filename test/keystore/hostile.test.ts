import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSepmError } from '../../src/errors.js';
import {
  JCEKS_MAGIC,
  JKS_MAGIC,
  finishJavaKeystoreFile,
  startJavaKeystoreFile,
} from '../../src/keystore/java_keystore.js';
import { readJceks } from '../../src/keystore/jceks.js';
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
