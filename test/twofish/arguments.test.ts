import { describe, expect, it } from 'vitest';
import { Twofish, twofishCbc, twofishCtr, twofishEcb } from '../../src/twofish/index.js';

const k16 = new Uint8Array(16);
const iv = new Uint8Array(16);
const notBytes: unknown[] = [
  undefined,
  null,
  'abc',
  16,
  [1, 2, 3],
  new ArrayBuffer(16),
  new Uint16Array(8),
  {},
];

describe('argument errors', () => {
  it('wrong key length is a RangeError naming "key"', () => {
    for (const n of [0, 1, 8, 15, 17, 20, 23, 25, 31, 33, 64]) {
      const key = new Uint8Array(n);
      for (const f of [
        () => new Twofish(key),
        () => twofishEcb(key),
        () => twofishCbc(key, iv),
        () => twofishCtr(key, iv),
      ]) {
        expect(f).toThrow(RangeError);
        expect(f).toThrow(/"key"/);
      }
    }
  });

  it('wrong IV length is a RangeError naming "iv"', () => {
    for (const n of [0, 8, 12, 15, 17, 32]) {
      for (const f of [
        () => twofishCbc(k16, new Uint8Array(n)),
        () => twofishCtr(k16, new Uint8Array(n)),
      ]) {
        expect(f).toThrow(RangeError);
        expect(f).toThrow(/"iv"/);
      }
    }
  });

  it('a non-Uint8Array key, IV or data is a TypeError', () => {
    for (const bad of notBytes) {
      const b = bad as Uint8Array;
      expect(() => new Twofish(b)).toThrow(TypeError);
      expect(() => twofishEcb(b)).toThrow(TypeError);
      expect(() => twofishCbc(b, iv)).toThrow(/"key"/);
      expect(() => twofishCbc(k16, b)).toThrow(/"iv"/);
      expect(() => twofishCtr(k16, b)).toThrow(TypeError);
      for (const mode of [twofishEcb(k16), twofishCbc(k16, iv), twofishCtr(k16, iv)]) {
        expect(() => mode.encrypt(b)).toThrow(TypeError);
        expect(() => mode.decrypt(b)).toThrow(/"data"/);
      }
    }
  });

  it('malformed options are a TypeError', () => {
    expect(() => twofishEcb(k16, 'x' as never)).toThrow(TypeError);
    expect(() => twofishCbc(k16, iv, { padding: 'no' as never })).toThrow(/padding/);
    expect(() => twofishCbc(k16, iv, null as never)).toThrow(TypeError);
  });

  it('block offsets that leave no room for a block are a RangeError', () => {
    const tf = new Twofish(k16);
    const buf = new Uint8Array(20);
    for (const off of [-1, 5, 20, 1.5, Number.NaN]) {
      expect(() => tf.encryptBlock(buf, off)).toThrow(RangeError);
      expect(() => tf.decryptBlock(new Uint8Array(16), 0, buf, off)).toThrow(RangeError);
    }
    expect(() => tf.encryptBlock(buf, 4)).not.toThrow();
    expect(() => tf.encryptBlock(new Uint8Array(15))).toThrow(/"input"/);
  });
});
