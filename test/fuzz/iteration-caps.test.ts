// The KDF iteration caps keep mutated counts bounded: an iteration count above maxIterations
// (default 200,000; at most 5,000,000) is refused with ERR_KEYSTORE_LIMIT_EXCEEDED before any
// KDF runs, so a fuzzed or hostile count costs nothing. Each file below is written with 65,536
// iterations (DER INTEGER 02 03 01 00 00), then that count is patched to a huge value and to
// one just above the default cap; JCEKS gets its integrity digest recomputed so that the check
// reached is the cap, not the digest.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  readJceks,
  readPem,
  readPkcs12,
  writeJceks,
  writePem,
  writePkcs12,
  DEFAULT_MAX_ITERATIONS,
  MAX_ITERATIONS_CAP,
} from '../../src/keystore/index.js';
import { KeystoreError, PemError, isSepmError } from '../../src/errors.js';

const ks = readPem(
  readFileSync(join(import.meta.dirname, '../../scripts/fuzz/corpus/identity.pem')),
);
const COUNT_65536 = Buffer.from([0x02, 0x03, 0x01, 0x00, 0x00]);

function patchCounts(file: Uint8Array, value: number): { bytes: Buffer; patched: number } {
  const b = Buffer.from(file);
  let patched = 0;
  for (let at = b.indexOf(COUNT_65536); at >= 0; at = b.indexOf(COUNT_65536, at + 1)) {
    b.writeUIntBE(value, at + 2, 3);
    patched++;
  }
  return { bytes: b, patched };
}

/** JKS/JCEKS integrity: SHA-1(password as UTF-16BE, "Mighty Aphrodite", the bytes before it). */
function redigest(b: Buffer, password: string): Buffer {
  const body = b.subarray(0, b.length - 20);
  const d = createHash('sha1')
    .update(Buffer.from(password, 'utf16le').swap16())
    .update('Mighty Aphrodite')
    .update(body)
    .digest();
  return Buffer.concat([body, d]);
}

function refusal(f: () => unknown): { error: unknown; ms: number } {
  const t0 = performance.now();
  try {
    f();
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
  throw new Error('expected a refusal');
}

const HUGE = 0x7fffff; // 8,388,607: above the 5,000,000 cap
const JUST_ABOVE = DEFAULT_MAX_ITERATIONS + 1;

describe('KDF iteration caps against mutated counts', () => {
  it('the caps are the documented ones', () => {
    expect(DEFAULT_MAX_ITERATIONS).toBe(200_000);
    expect(MAX_ITERATIONS_CAP).toBe(5_000_000);
    expect(HUGE).toBeGreaterThan(MAX_ITERATIONS_CAP);
  });

  it('PKCS#12: counts above maxIterations are refused before the MAC KDF runs', () => {
    const p12 = writePkcs12(ks, 'pw', { iterations: 65_536 });
    for (const v of [HUGE, JUST_ABOVE]) {
      const { bytes, patched } = patchCounts(p12, v);
      expect(patched).toBeGreaterThanOrEqual(3); // MAC, certificate safe, key bag
      const r = refusal(() => readPkcs12(bytes, 'pw'));
      expect(r.error).toBeInstanceOf(KeystoreError);
      expect((r.error as KeystoreError).code).toBe('ERR_KEYSTORE_LIMIT_EXCEEDED');
      expect(r.ms).toBeLessThan(100);
    }
    // With the cap raised above the patched count, the KDF runs and the MAC fails instead.
    const { bytes } = patchCounts(p12, JUST_ABOVE);
    const r = refusal(() => readPkcs12(bytes, 'pw', { maxIterations: 300_000 }));
    expect((r.error as KeystoreError).code).toBe('ERR_KEYSTORE_INTEGRITY');
  });

  it('encrypted PEM (PBES2): a count above maxIterations is refused before PBKDF2 runs', () => {
    const pem = writePem(ks, { password: 'pw', iterations: 65_536 });
    const block = /-----BEGIN ENCRYPTED PRIVATE KEY-----\n([^-]+)-----END/.exec(pem)!;
    const der = Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64');
    for (const v of [HUGE, JUST_ABOVE]) {
      const { bytes, patched } = patchCounts(der, v);
      expect(patched).toBe(1);
      const b64 = bytes.toString('base64').replace(/(.{64})/g, '$1\n');
      const text = pem.replace(block[1]!, `${b64}\n`);
      const r = refusal(() => readPem(text, { password: 'pw' }));
      expect(isSepmError(r.error)).toBe(true);
      expect(r.error instanceof KeystoreError || r.error instanceof PemError).toBe(true);
      expect((r.error as KeystoreError).code).toMatch(/LIMIT_EXCEEDED$/);
      expect(r.ms).toBeLessThan(100);
    }
  });

  it('JCEKS: a count above maxIterations is refused before the key KDF runs', () => {
    const jceks = writeJceks(ks, 'pw', { iterations: 65_536 });
    for (const v of [HUGE, JUST_ABOVE]) {
      const { bytes, patched } = patchCounts(jceks, v);
      expect(patched).toBe(1);
      const r = refusal(() => readJceks(redigest(bytes, 'pw'), 'pw'));
      expect(r.error).toBeInstanceOf(KeystoreError);
      expect((r.error as KeystoreError).code).toBe('ERR_KEYSTORE_LIMIT_EXCEEDED');
      expect(r.ms).toBeLessThan(100);
    }
  });
});
