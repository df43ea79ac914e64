import { afterEach, describe, expect, it } from 'vitest';
import { twofishCbc, twofishCtr, twofishEcb } from '../../src/twofish/index.js';
import { DATA, DATA_BYTES, kernelModuleBytes, wasmKernel } from '../../src/twofish/wasm.js';
import { setWasmEnabled } from '../../src/twofish/words.js';
import { refCbcEncrypt, refCtr } from './reference-modes.js';
import { sameBytes } from './vectors.js';

const sample = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed * 101) & 255);

afterEach(() => {
  setWasmEnabled(true);
});

describe('WebAssembly kernel', () => {
  it('assembles a valid module and instantiates on Node', () => {
    expect(WebAssembly.validate(kernelModuleBytes())).toBe(true);
    expect(wasmKernel()).toBeDefined();
  });

  it('gives the same bytes as the JavaScript kernel across its 64 KiB data window', () => {
    const key = sample(24, 3);
    const iv = sample(16, 4);
    for (const n of [0, 16, DATA_BYTES - 16, DATA_BYTES, DATA_BYTES + 16, 3 * DATA_BYTES + 5]) {
      const data = sample(n, n);
      for (const make of [
        () => twofishEcb(key),
        () => twofishCbc(key, iv),
        () => twofishCtr(key, iv),
      ]) {
        setWasmEnabled(true);
        const a = make().encrypt(data);
        setWasmEnabled(false);
        const b = make().encrypt(data);
        expect(sameBytes(a, b)).toBe('equal');
        setWasmEnabled(true);
        expect(sameBytes(make().decrypt(b), data)).toBe('equal');
      }
    }
  });

  it('switches keys correctly when modes with different keys are interleaved', () => {
    const k1 = sample(16, 5);
    const k2 = sample(32, 6);
    const iv = sample(16, 7);
    const a = twofishCbc(k1, iv);
    const b = twofishCtr(k2, iv);
    const data = sample(1000, 8);
    for (let i = 0; i < 3; i++) {
      expect(sameBytes(a.encrypt(data), refCbcEncrypt(k1, iv, data))).toBe('equal');
      expect(sameBytes(b.encrypt(data), refCtr(k2, iv, data))).toBe('equal');
    }
  });

  it('leaves no key, data or chaining value behind in its memory', () => {
    const k = wasmKernel()!;
    twofishCbc(sample(16), sample(16, 2)).encrypt(sample(5000, 9));
    expect(k.bytes.subarray(DATA, DATA + 5008).every((b) => b === 0)).toBe(true);
    expect(k.bytes.subarray(0, 4272).every((b) => b === 0)).toBe(true);
  });
});
