import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSepmError, TwofishError } from '../../src/errors.js';
import { twofishCbc, twofishEcb } from '../../src/twofish/index.js';

const key = Uint8Array.from({ length: 16 }, (_, i) => i * 3);
const iv = Uint8Array.from({ length: 16 }, (_, i) => 255 - i);

const modes = [
  ['ECB', twofishEcb(key), twofishEcb(key, { padding: false })],
  ['CBC', twofishCbc(key, iv), twofishCbc(key, iv, { padding: false })],
] as const;

/** Expects `f` to throw the one fixed decrypt error. */
function expectDecryptFailed(f: () => unknown): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TwofishError);
  expect(isSepmError(caught)).toBe(true);
  expect(caught).toMatchObject({
    code: 'ERR_TWOFISH_DECRYPT_FAILED',
    message: 'decryption failed',
  });
}

describe.each(modes)('PKCS#7 with %s', (_name, padded, raw) => {
  it('pads empty input to one full block of 0x10', () => {
    const ct = padded.encrypt(new Uint8Array(0));
    expect(ct.length).toBe(16);
    expect(raw.decrypt(ct)).toEqual(new Uint8Array(16).fill(16));
    expect(padded.decrypt(ct)).toEqual(new Uint8Array(0));
  });

  it('adds a whole block to exact multiples of 16', () => {
    for (const n of [16, 32, 48, 4096]) {
      const data = new Uint8Array(n).fill(7);
      const ct = padded.encrypt(data);
      expect(ct.length).toBe(n + 16);
      expect(raw.decrypt(ct).subarray(n)).toEqual(new Uint8Array(16).fill(16));
    }
  });

  it('pads with k bytes of value k for every k in 1..16', () => {
    for (let n = 0; n < 16; n++) {
      const k = 16 - n;
      const plain = raw.decrypt(padded.encrypt(new Uint8Array(n).fill(0xaa)));
      expect(plain.subarray(n)).toEqual(new Uint8Array(k).fill(k));
    }
  });

  it('accepts every valid pad 1..16 on a decrypted block', () => {
    for (let p = 1; p <= 16; p++) {
      const block = new Uint8Array(32).fill(0x55);
      block.fill(p, 32 - p);
      expect(padded.decrypt(raw.encrypt(block))).toEqual(new Uint8Array(32 - p).fill(0x55));
    }
  });

  it('refuses every wrong last byte: 0 and 17..255', () => {
    for (const v of [0, ...Array.from({ length: 239 }, (_, i) => 17 + i)]) {
      const block = new Uint8Array(32).fill(v);
      expectDecryptFailed(() => padded.decrypt(raw.encrypt(block)));
    }
  });

  it('refuses inconsistent pad bytes: every pad length, every wrong position, every wrong value kind', () => {
    for (let p = 2; p <= 16; p++) {
      for (let j = 2; j <= p; j++) {
        for (const wrong of [0, p - 1, p + 1, 255]) {
          const block = new Uint8Array(32).fill(0x33);
          block.fill(p, 32 - p);
          block[32 - j] = wrong;
          expectDecryptFailed(() => padded.decrypt(raw.encrypt(block)));
        }
      }
    }
  });

  it('refuses an empty ciphertext with the fixed error', () => {
    expectDecryptFailed(() => padded.decrypt(new Uint8Array(0)));
  });

  it('reports a length that is not a block multiple as ERR_TWOFISH_INPUT_LENGTH', () => {
    for (const n of [1, 15, 17, 31]) {
      expect(() => padded.decrypt(new Uint8Array(n))).toThrow(
        expect.objectContaining({ code: 'ERR_TWOFISH_INPUT_LENGTH' }),
      );
      expect(() => raw.encrypt(new Uint8Array(n))).toThrow(
        expect.objectContaining({ code: 'ERR_TWOFISH_INPUT_LENGTH' }),
      );
      expect(() => raw.decrypt(new Uint8Array(n))).toThrow(TwofishError);
    }
  });
});

describe('hostile ciphertexts', () => {
  it('random bytes of any length either decrypt or throw a TwofishError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (data, cbc) => {
        const mode = cbc ? twofishCbc(key, iv) : twofishEcb(key);
        try {
          const out = mode.decrypt(data);
          expect(out.length).toBeGreaterThan(data.length - 17);
          expect(out.length).toBeLessThan(data.length);
        } catch (e) {
          expect(e).toBeInstanceOf(TwofishError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
