import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeModifiedUtf8, encodeModifiedUtf8 } from '../../src/keystore/mutf8.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('Java modified UTF-8', () => {
  it('matches the bytes Java writes for NUL and supplementary characters', () => {
    // keystore-formats.md section 2.2: the alias as stored by the Java KeyStore API.
    const alias = 'ünïcödé😀alias\0nul';
    expect(hex(encodeModifiedUtf8(alias))).toBe(
      'c3bc6ec3af63c3b664c3a9eda0bdedb880616c696173c0806e756c',
    );
    expect(decodeModifiedUtf8(encodeModifiedUtf8(alias))).toBe(alias);
  });

  it('round-trips every string, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
        (a, b) => {
          for (const s of [a, b]) expect(decodeModifiedUtf8(encodeModifiedUtf8(s))).toBe(s);
        },
      ),
    );
  });

  it('never writes a 00 byte or a four-byte form', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const b = encodeModifiedUtf8(s);
        expect(b.every((x) => x !== 0 && x < 0xf0)).toBe(true);
      }),
    );
  });

  it.each([
    ['standard UTF-8 four-byte form', 'f09f9880'],
    ['lone continuation byte', '80'],
    ['truncated two-byte form', 'c3'],
    ['truncated three-byte form', 'e282'],
    ['overlong two-byte form', 'c1bf'],
    ['overlong three-byte form', 'e08080'],
    ['bad continuation', 'c328'],
  ])('refuses %s', (_name, bytes) => {
    expect(decodeModifiedUtf8(Buffer.from(bytes, 'hex'))).toBeUndefined();
  });
});
