import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isSepmError } from '../../src/errors.js';
import {
  encodeIndex,
  encodeSignedIndexEnvelope,
  isPolicyName,
  parseIndex,
  parseRegistration,
  parseSignedIndexEnvelope,
  type PolicyIndex,
} from '../../src/protocol/index.js';
import { ifNoneMatchHits } from '../../src/node/http/response.js';

const sample: PolicyIndex = {
  format: 'sepm-crypto.index',
  version: 2,
  domainId: 'AB'.repeat(16),
  serial: 7,
  issuedAt: '2026-11-26T00:00:00.000Z',
  policies: [{ name: 'Firewall policy', serial: 2, sha256: 'a'.repeat(64), size: 10 }],
};

function onlyManagerErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isSepmError(e), String(e)).toBe(true);
    expect((e as { code: string }).code).toBe('ERR_PROTOCOL_MALFORMED');
  }
}

describe('protocol documents', () => {
  it('round-trips the index and the envelope', () => {
    const bytes = encodeIndex(sample);
    expect(parseIndex(bytes)).toEqual(sample);
    const env = parseSignedIndexEnvelope(
      encodeSignedIndexEnvelope(bytes, new Uint8Array([1, 2, 3]), 'cms'),
    );
    expect(env.signatureFormat).toBe('cms');
    expect(Buffer.from(env.index).equals(Buffer.from(bytes))).toBe(true);
    expect([...env.signature]).toEqual([1, 2, 3]);
  });

  it('refuses malformed indexes with ERR_PROTOCOL_MALFORMED', () => {
    const bad = [
      { ...sample, version: 1 },
      { ...sample, version: 3 },
      { ...sample, domainId: 'ab'.repeat(16) },
      { ...sample, serial: -1 },
      { ...sample, serial: 1.5 },
      { ...sample, policies: [{ ...sample.policies[0], name: 'a/b' }] },
      { ...sample, policies: [{ ...sample.policies[0], sha256: 'A'.repeat(64) }] },
      { ...sample, policies: [{ ...sample.policies[0], serial: 0 }] },
      { ...sample, policies: [sample.policies[0], sample.policies[0]] },
      { ...sample, policies: {} },
    ];
    for (const doc of bad) {
      expect(() => parseIndex(new TextEncoder().encode(JSON.stringify(doc)))).toThrow(/malformed/);
    }
    expect(() => parseIndex(new Uint8Array([0xff, 0xfe]))).toThrow(/malformed/);
  });

  it('never throws anything but ERR_PROTOCOL_MALFORMED on hostile bytes or JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.json().map((j) => new TextEncoder().encode(j)),
        ),
        (b) => {
          onlyManagerErrors(() => parseSignedIndexEnvelope(b));
          onlyManagerErrors(() => parseIndex(b));
          onlyManagerErrors(() => parseRegistration(b));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('validates policy names and If-None-Match lists', () => {
    expect(isPolicyName('Virus and Spyware Protection policy')).toBe(true);
    for (const n of ['', ' x', 'x ', 'a/b', 'a\\b', 'a\nb', 'x'.repeat(129), 5])
      expect(isPolicyName(n)).toBe(false);
    expect(ifNoneMatchHits('"a", W/"b"', '"b"')).toBe(true);
    expect(ifNoneMatchHits('*', '"b"')).toBe(true);
    expect(ifNoneMatchHits('"c"', '"b"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"b"')).toBe(false);
  });
});
