import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Kcs } from '../../src/kcs.js';

const HEX = '0123456789ABCDEF0123456789abcdef';

describe('Kcs.parse', () => {
  it('accepts 32 hex digits in either case and prints upper case', () => {
    const kcs = Kcs.parse(HEX);
    expect(kcs.toHex()).toBe(HEX.toUpperCase());
    // toString() redacts like String(kcs); only toHex() reveals the key.
    expect(kcs.toString()).toBe(String(kcs));
    expect(kcs.toString()).not.toContain(HEX.toUpperCase());
    expect(kcs.toString()).toBe(`Kcs(fingerprint=${kcs.fingerprint()})`);
    expect(Array.from(kcs.bytes)).toEqual([
      0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
      0xef,
    ]);
  });

  const malformed: Record<string, string> = {
    empty: '',
    'length 31': HEX.slice(0, 31),
    'length 33': HEX + '0',
    'non-hex digit': HEX.slice(0, 31) + 'g',
    'leading whitespace': ' ' + HEX.slice(1),
    'trailing newline': HEX.slice(0, 31) + '\n',
    'inner space': HEX.slice(0, 16) + ' ' + HEX.slice(17),
    '0x prefix': '0x' + HEX.slice(2),
    'full-width digit': HEX.slice(0, 31) + '\uff10',
    'length 64': HEX + HEX,
  };
  for (const [name, input] of Object.entries(malformed)) {
    it(`refuses ${name} with ERR_KCS_INVALID and without echoing the input`, () => {
      let caught: unknown;
      try {
        Kcs.parse(input);
      } catch (e) {
        caught = e;
      }
      expect(caught).toMatchObject({ name: 'KcsError', code: 'ERR_KCS_INVALID' });
      if (input.length > 4) expect((caught as Error).message).not.toContain(input.trim());
    });
  }

  it('throws TypeError for a non-string', () => {
    expect(() => Kcs.parse(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('Kcs', () => {
  it('generate() gives distinct random 16-byte keys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) seen.add(Kcs.generate().toHex());
    expect(seen.size).toBe(64);
    for (const k of seen) expect(k).toMatch(/^[0-9A-F]{32}$/);
  });

  it('fromBytes copies its input and checks the length', () => {
    const raw = new Uint8Array(16).fill(7);
    const kcs = Kcs.fromBytes(raw);
    raw[0] = 0;
    expect(kcs.bytes[0]).toBe(7);
    kcs.bytes[1] = 0; // .bytes is a copy too
    expect(kcs.bytes[1]).toBe(7);
    expect(() => Kcs.fromBytes(new Uint8Array(15))).toThrow(RangeError);
    expect(() => Kcs.fromBytes(new Uint8Array(32))).toThrow(
      /"bytes" expected Uint8Array of length 16/,
    );
    expect(() => Kcs.fromBytes([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('never shows the key through inspect, JSON, String() or template strings', () => {
    const kcs = Kcs.parse(HEX);
    const secret = HEX.toUpperCase();
    const shown = [inspect(kcs), JSON.stringify({ kcs }), String(kcs), `${kcs}`, inspect({ kcs })];
    for (const s of shown) {
      expect(s).not.toContain(secret);
      expect(s.toLowerCase()).not.toContain(secret.toLowerCase());
      expect(s).toContain(kcs.fingerprint());
    }
  });

  it('fingerprint is 16 hex digits, stable, and differs between keys', () => {
    const a = Kcs.parse(HEX);
    expect(a.fingerprint()).toMatch(/^[0-9a-f]{16}$/);
    expect(Kcs.parse(HEX.toLowerCase()).fingerprint()).toBe(a.fingerprint());
    expect(Kcs.generate().fingerprint()).not.toBe(a.fingerprint());
  });

  it('equals compares keys', () => {
    expect(Kcs.parse(HEX).equals(Kcs.parse(HEX.toLowerCase()))).toBe(true);
    expect(Kcs.parse(HEX).equals(Kcs.generate())).toBe(false);
  });

  it('derive is PBKDF2-HMAC-SHA256 (published vector, first 16 bytes)', () => {
    // PBKDF2-HMAC-SHA256(P="passwordPASSWORDpassword", S="saltSALTsaltSALTsaltSALTsaltSALTsalt",
    // c=4096, dkLen=40) = 348c89dbcbd32b2f32d814b8116e84cf2b17347e...
    const salt = new TextEncoder().encode('saltSALTsaltSALTsaltSALTsaltSALTsalt');
    const kcs = Kcs.derive('passwordPASSWORDpassword', salt, 4096);
    expect(kcs.toHex()).toBe('348C89DBCBD32B2F32D814B8116E84CF');
    expect(() => Kcs.derive('p', new Uint8Array(7))).toThrow(RangeError);
    expect(() => Kcs.derive('p', new Uint8Array(8), 0)).toThrow(RangeError);
    expect(() => Kcs.derive('p', new Uint8Array(8), 1.5)).toThrow(RangeError);
  });
});
