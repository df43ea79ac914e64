import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalBytes, fromBase64, toBase64 } from '../../src/bytes.js';

describe('base64 (pure, no Buffer)', () => {
  it('encodes like Buffer for every length and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), (data) => {
        const text = toBase64(data);
        expect(text).toBe(Buffer.from(data).toString('base64'));
        expect(fromBase64(text)).toEqual(data);
      }),
      { numRuns: 200 },
    );
  });

  it('encodes RFC 4648 §10 test vectors', () => {
    const cases = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
    const want = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy'];
    expect(cases.map((c) => toBase64(new TextEncoder().encode(c)))).toEqual(want);
    expect(want.map((w) => new TextDecoder().decode(fromBase64(w)))).toEqual(cases);
  });

  it('ignores whitespace and rejects anything else outside the alphabet or bad padding', () => {
    expect(fromBase64('Zm9v\r\nYmFy')).toEqual(new TextEncoder().encode('foobar'));
    for (const bad of ['Zm9', 'Zm9v=', 'Zm=v', 'Z===', 'Zm9*', 'Zm9vYg=', '====']) {
      expect(fromBase64(bad)).toBeUndefined();
    }
  });
});

describe('equalBytes', () => {
  it('is true only for equal contents of equal length', () => {
    expect(equalBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(equalBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
