/**
 * Reference ECB/CBC/CTR loops over the `twofish-ts` block functions (the package has no modes),
 * written plainly from NIST SP 800-38A and RFC 5652 §6.3, for the differential tests.
 */
import * as twofishTs from 'twofish-ts';

export function refSession(key: Uint8Array): twofishTs.Session {
  return twofishTs.makeSession(key);
}

function pad(data: Uint8Array): Uint8Array {
  const k = 16 - (data.length % 16);
  const out = new Uint8Array(data.length + k);
  out.set(data);
  out.fill(k, data.length);
  return out;
}

export function refEcbEncrypt(key: Uint8Array, data: Uint8Array, padding = true): Uint8Array {
  const s = refSession(key);
  const input = padding ? pad(data) : data;
  const out = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i += 16) twofishTs.encrypt(input, i, out, i, s);
  return out;
}

export function refCbcEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  padding = true,
): Uint8Array {
  const s = refSession(key);
  const input = padding ? pad(data) : data;
  const out = new Uint8Array(input.length);
  const block = new Uint8Array(16);
  let prev: Uint8Array = iv;
  for (let i = 0; i < input.length; i += 16) {
    for (let j = 0; j < 16; j++) block[j] = input[i + j]! ^ prev[j]!;
    twofishTs.encrypt(block, 0, out, i, s);
    prev = out.subarray(i, i + 16);
  }
  return out;
}

export function refCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const s = refSession(key);
  const counter = iv.slice();
  const ks = new Uint8Array(16);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 16) {
    twofishTs.encrypt(counter, 0, ks, 0, s);
    for (let j = 0; j < 16 && i + j < data.length; j++) out[i + j] = data[i + j]! ^ ks[j]!;
    // 128-bit big-endian increment.
    for (let j = 15; j >= 0; j--) {
      counter[j] = (counter[j]! + 1) & 255;
      if (counter[j] !== 0) break;
    }
  }
  return out;
}
