import { createHmac, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encrypt as tfEncrypt, makeSession } from 'twofish-ts';
import { describe, expect, it } from 'vitest';
import { decryptContent, encryptContent } from '../../src/content.js';
import { Kcs } from '../../src/kcs.js';
import { isSepmError } from '../../src/errors.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

interface Vector {
  kcs: string;
  iv: string;
  plaintext: string;
  envelope: string;
}
const vector = JSON.parse(
  readFileSync(new URL('../vectors/content-v1.json', import.meta.url), 'utf8'),
) as Vector;

/** An independent model of the v1 envelope: twofish-ts + node:crypto, no library code. */
function referenceEnvelope(kcs: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const salt = Buffer.from('sepm-crypto/content');
  const encKey = new Uint8Array(
    hkdfSync('sha256', kcs, salt, Buffer.from('v1 twofish-cbc key'), 16),
  );
  const macKey = Buffer.from(hkdfSync('sha256', kcs, salt, Buffer.from('v1 hmac-sha256 key'), 32));
  const pad = 16 - (plaintext.length % 16);
  const padded = new Uint8Array(plaintext.length + pad).fill(pad);
  padded.set(plaintext);
  const ct = new Uint8Array(padded.length);
  const session = makeSession(encKey);
  let prev = iv;
  for (let i = 0; i < padded.length; i += 16) {
    const block = padded.slice(i, i + 16);
    for (let j = 0; j < 16; j++) block[j]! ^= prev[j]!;
    tfEncrypt(block, 0, ct, i, session);
    prev = ct.subarray(i, i + 16);
  }
  const head = Buffer.from([0x53, 0x43, 0x45, 0x31, 1, 1, 0, 0]);
  const body = Buffer.concat([head, iv, ct]);
  const tag = createHmac('sha256', macKey).update(body).digest();
  return new Uint8Array(Buffer.concat([body, tag]));
}

function expectRefused(envelope: Uint8Array, kcs: Kcs): void {
  let caught: unknown;
  try {
    decryptContent(envelope, kcs);
  } catch (e) {
    caught = e;
  }
  expect(isSepmError(caught)).toBe(true);
  expect(caught).toMatchObject({
    code: 'ERR_CONTENT_DECRYPT_FAILED',
    message: 'content decryption failed',
  });
}

describe('content envelope v1', () => {
  const kcs = Kcs.generate();

  it('matches the committed test vector, which an independent model reproduces', () => {
    const key = Kcs.parse(vector.kcs);
    const iv = unhex(vector.iv);
    const pt = unhex(vector.plaintext);
    expect(hex(referenceEnvelope(key.bytes, iv, pt))).toBe(vector.envelope);
    expect(hex(encryptContent(pt, key, { randomBytes: () => iv }))).toBe(vector.envelope);
    expect(hex(decryptContent(unhex(vector.envelope), key))).toBe(vector.plaintext);
  });

  it('round-trips every size from 0 to 4 KiB and 1 MiB', () => {
    const data = new Uint8Array(4096);
    globalThis.crypto.getRandomValues(data);
    for (let n = 0; n <= 4096; n++) {
      const pt = data.subarray(0, n);
      const env = encryptContent(pt, kcs);
      expect(env.length).toBe(8 + 16 + (Math.floor(n / 16) + 1) * 16 + 32);
      // Buffer.equals: vitest's deep equality walks typed arrays element by element (slow).
      expect(Buffer.from(decryptContent(env, kcs)).equals(pt)).toBe(true);
    }
    const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 255);
    expect(Buffer.from(decryptContent(encryptContent(big, kcs), kcs)).equals(big)).toBe(true);
  });

  it('uses a fresh random IV per message', () => {
    const pt = new Uint8Array(32);
    const a = encryptContent(pt, kcs);
    const b = encryptContent(pt, kcs);
    expect(hex(a.subarray(8, 24))).not.toBe(hex(b.subarray(8, 24)));
    expect(hex(a)).not.toBe(hex(b));
  });

  it('refuses every single-bit flip of the envelope of a 100-byte message', () => {
    const env = encryptContent(new Uint8Array(100).fill(0x41), kcs);
    let refused = 0;
    for (let i = 0; i < env.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = env.slice();
        bad[i]! ^= 1 << bit;
        expectRefused(bad, kcs);
        refused++;
      }
    }
    expect(refused).toBe(env.length * 8);
  });

  it('refuses truncated and extended envelopes', () => {
    const env = encryptContent(new Uint8Array(100), kcs);
    for (let n = 0; n < env.length; n++) expectRefused(env.subarray(0, n), kcs);
    for (const extra of [1, 15, 16, 32]) {
      const longer = new Uint8Array(env.length + extra);
      longer.set(env);
      expectRefused(longer, kcs);
    }
  });

  it('refuses the wrong Kcs with the same error', () => {
    const env = encryptContent(new Uint8Array([1, 2, 3]), kcs);
    expectRefused(env, Kcs.generate());
  });

  it('throws TypeError for caller bugs', () => {
    expect(() => encryptContent('text' as unknown as Uint8Array, kcs)).toThrow(TypeError);
    expect(() => encryptContent(new Uint8Array(1), 'ABCD' as unknown as Kcs)).toThrow(TypeError);
    expect(() => decryptContent(new Uint8Array(80), {} as Kcs)).toThrow(TypeError);
  });
});
