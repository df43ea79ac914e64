import { describe, expect, it } from 'vitest';
import { Twofish, twofishCbc, twofishCtr, twofishEcb } from '../../src/twofish/index.js';
import { encryptRun, MODE_CBC } from '../../src/twofish/kernel.js';
import { expandKey } from '../../src/twofish/key.js';
import { runChunks, swapWords } from '../../src/twofish/words.js';
import { refCbcEncrypt } from './reference-modes.js';
import { sameBytes } from './vectors.js';

const key = Uint8Array.from({ length: 32 }, (_, i) => (29 * i + 1) & 255);
const iv = Uint8Array.from({ length: 16 }, (_, i) => (7 * i + 3) & 255);
const sample = (n: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);

describe('decrypt(encrypt(x)) = x', () => {
  const modes = {
    ecb: twofishEcb(key),
    cbc: twofishCbc(key, iv),
    ctr: twofishCtr(key, iv),
  };
  for (const [name, mode] of Object.entries(modes)) {
    it(`${name}: every length 0..300`, () => {
      for (let n = 0; n <= 300; n++) {
        const data = sample(n);
        const ct = mode.encrypt(data);
        expect(ct.length).toBe(name === 'ctr' ? n : (Math.floor(n / 16) + 1) * 16);
        if (n >= 16) expect(ct.subarray(0, 16)).not.toEqual(data.subarray(0, 16));
        expect(sameBytes(mode.decrypt(ct), data)).toBe('equal');
      }
    });

    it(`${name}: 1 MiB`, () => {
      const data = sample(1 << 20);
      expect(sameBytes(mode.decrypt(mode.encrypt(data)), data)).toBe('equal');
    });
  }

  it('without padding: every multiple of 16 up to 320 bytes', () => {
    for (const mode of [
      twofishEcb(key, { padding: false }),
      twofishCbc(key, iv, { padding: false }),
    ]) {
      for (let n = 0; n <= 320; n += 16) {
        const data = sample(n);
        const ct = mode.encrypt(data);
        expect(ct.length).toBe(n);
        expect(sameBytes(mode.decrypt(ct), data)).toBe('equal');
      }
    }
  });
});

describe('inputs and outputs', () => {
  it('never modifies the input and returns fresh, unaliased arrays', () => {
    for (const mode of [twofishEcb(key), twofishCbc(key, iv), twofishCtr(key, iv)]) {
      const data = sample(100);
      const copy = data.slice();
      const a = mode.encrypt(data);
      const b = mode.encrypt(data);
      expect(sameBytes(data, copy)).toBe('equal');
      expect(sameBytes(a, b)).toBe('equal');
      expect(a.buffer).not.toBe(b.buffer);
      expect(a.buffer).not.toBe(data.buffer);
      const ctCopy = a.slice();
      mode.decrypt(a);
      expect(sameBytes(a, ctCopy)).toBe('equal');
    }
  });

  it('accepts unaligned views and Buffers', () => {
    const big = sample(1000);
    const view = big.subarray(3, 3 + 555);
    const buf = Buffer.from(view);
    const cbc = twofishCbc(key, iv);
    expect(sameBytes(cbc.encrypt(view), cbc.encrypt(view.slice()))).toBe('equal');
    expect(sameBytes(cbc.encrypt(buf), cbc.encrypt(view.slice()))).toBe('equal');
    expect(Buffer.isBuffer(cbc.encrypt(buf))).toBe(false);
  });

  it('copies the IV and key at creation', () => {
    const k = key.slice(0, 16);
    const v = iv.slice();
    const cbc = twofishCbc(k, v);
    const before = cbc.encrypt(sample(40));
    k.fill(0);
    v.fill(0);
    expect(sameBytes(cbc.encrypt(sample(40)), before)).toBe('equal');
  });

  it('each call starts again from the IV', () => {
    const ctr = twofishCtr(key, iv);
    expect(sameBytes(ctr.encrypt(sample(50)), ctr.encrypt(sample(50)))).toBe('equal');
  });

  it('the block class works at offsets and in place', () => {
    const tf = new Twofish(key);
    const buf = sample(40);
    const expected = tf.encryptBlock(buf.slice(5, 21));
    const out = new Uint8Array(30);
    tf.encryptBlock(buf, 5, out, 7);
    expect(sameBytes(out.subarray(7, 23), expected)).toBe('equal');
    tf.encryptBlock(buf, 5, buf, 5);
    expect(sameBytes(buf.subarray(5, 21), expected)).toBe('equal');
    tf.decryptBlock(buf, 5, buf, 5);
    expect(sameBytes(buf, sample(40))).toBe('equal');
    expect(tf.blockSize).toBe(16);
  });

  it('destroy() on a mode refuses later use', () => {
    for (const mode of [twofishEcb(key), twofishCbc(key, iv), twofishCtr(key, iv)]) {
      const ct = mode.encrypt(sample(20));
      mode.destroy();
      expect(() => mode.encrypt(sample(20))).toThrow(TypeError);
      expect(() => mode.decrypt(ct)).toThrow(/destroyed/);
    }
  });

  it('destroy() wipes the key and refuses later use', () => {
    const tf = new Twofish(key);
    tf.destroy();
    expect(() => tf.encryptBlock(new Uint8Array(16))).toThrow(TypeError);
  });
});

describe('big-endian host path', () => {
  it('byte-swapping around the kernel gives the same CBC output', () => {
    // Simulate how a big-endian host sees the buffer: each 4-byte group reversed in memory.
    const data = sample(16 * 700);
    const mem = new Int32Array(data.slice().buffer);
    swapWords(mem, 0, mem.length);
    const x = expandKey(key);
    const cv = new Int32Array(4);
    cv.set(new Int32Array(iv.slice().buffer));
    runChunks(true, x, mem, mem.length, MODE_CBC, cv, false);
    swapWords(mem, 0, mem.length);
    expect(sameBytes(new Uint8Array(mem.buffer), refCbcEncrypt(key, iv, data, false))).toBe(
      'equal',
    );
    expect(typeof encryptRun).toBe('function');
  });
});
