import { createCipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tripleDesCbc } from '../../src/keystore/pbe/des.js';

interface Vectors {
  variablePlaintext: { key: string; cases: { plaintext: string; ciphertext: string }[] };
  cbc: { key: string; iv: string; plaintext: string; ciphertext: string }[];
}
const vectors = JSON.parse(
  readFileSync(new URL('../vectors/des/tdes-known-answers.json', import.meta.url), 'utf8'),
) as Vectors;
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Triple DES (our code, the portable path)', () => {
  it('passes all 64 NIST SP 800-20 Table A.1 variable-plaintext known answers, both ways', () => {
    const key = hex(vectors.variablePlaintext.key);
    const zero = new Uint8Array(8);
    expect(vectors.variablePlaintext.cases).toHaveLength(64);
    for (const c of vectors.variablePlaintext.cases) {
      expect(toHex(tripleDesCbc(key, zero, hex(c.plaintext), false)).toUpperCase()).toBe(
        c.ciphertext,
      );
      expect(toHex(tripleDesCbc(key, zero, hex(c.ciphertext), true)).toUpperCase()).toBe(
        c.plaintext,
      );
    }
  });

  it('passes the NIST DESMMT three-key CBC multi-block vectors, both ways', () => {
    for (const c of vectors.cbc) {
      expect(toHex(tripleDesCbc(hex(c.key), hex(c.iv), hex(c.plaintext), false))).toBe(
        c.ciphertext,
      );
      expect(toHex(tripleDesCbc(hex(c.key), hex(c.iv), hex(c.ciphertext), true))).toBe(c.plaintext);
    }
  });

  it('equals OpenSSL des-ede3-cbc and des-ede-cbc on random keys, IVs and data', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 40 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        (three, iv, blocks, stream) => {
          const bytes = [...stream.take((three ? 24 : 16) + blocks * 8)];
          const key = new Uint8Array(bytes.slice(0, three ? 24 : 16));
          const data = new Uint8Array(bytes.slice(three ? 24 : 16));
          const c = createCipheriv(three ? 'des-ede3-cbc' : 'des-ede-cbc', key, iv);
          c.setAutoPadding(false);
          const want = Buffer.concat([c.update(data), c.final()]);
          const got = tripleDesCbc(key, iv, data, false);
          expect(Buffer.from(got)).toEqual(want);
          expect(tripleDesCbc(key, iv, got, true)).toEqual(data);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses wrong key, IV and data lengths with RangeError', () => {
    const k = new Uint8Array(24);
    const iv = new Uint8Array(8);
    expect(() => tripleDesCbc(new Uint8Array(8), iv, new Uint8Array(8), false)).toThrow(RangeError);
    expect(() => tripleDesCbc(k, new Uint8Array(16), new Uint8Array(8), false)).toThrow(RangeError);
    expect(() => tripleDesCbc(k, iv, new Uint8Array(7), false)).toThrow(RangeError);
  });
});
