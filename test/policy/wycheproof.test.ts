// All 259 Wycheproof RSASSA-PKCS1-v1_5 / SHA-256 / 2048-bit cases through verifyPolicy.
// `valid` must verify, `invalid` must be refused with a PolicyError, `acceptable` (tcId 8,
// MissingNull) may go either way; each case is its own test, named by its tcId.
import { readFileSync } from 'node:fs';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyPolicy } from '../../src/policy/index.js';
import { PolicyError } from '../../src/errors.js';

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofFile {
  numberOfTests: number;
  testGroups: { publicKeyDer: string; sha: string; tests: WycheproofTest[] }[];
}

const file = JSON.parse(
  readFileSync(
    new URL('../vectors/wycheproof/rsa_signature_2048_sha256_test.json', import.meta.url),
    'utf8',
  ),
) as WycheproofFile;

const cases: { key: KeyObject; test: WycheproofTest }[] = [];
for (const group of file.testGroups) {
  expect(group.sha).toBe('SHA-256');
  const key = createPublicKey({
    key: Buffer.from(group.publicKeyDer, 'hex'),
    format: 'der',
    type: 'spki',
  });
  for (const test of group.tests) cases.push({ key, test });
}

describe('Wycheproof rsa_signature_2048_sha256_test.json through verifyPolicy', () => {
  it('has all 259 cases', () => {
    expect(file.numberOfTests).toBe(259);
    expect(cases.length).toBe(259);
    expect(cases.filter((c) => c.test.result === 'valid').length).toBe(9);
    expect(cases.filter((c) => c.test.result === 'invalid').length).toBe(249);
  });

  it.each(
    cases.map((c) => ({ ...c, tcId: c.test.tcId, result: c.test.result, comment: c.test.comment })),
  )('tcId $tcId ($result) $comment', async ({ key, test }) => {
    const msg = new Uint8Array(Buffer.from(test.msg, 'hex'));
    const sig = new Uint8Array(Buffer.from(test.sig, 'hex'));
    const outcome = await verifyPolicy(msg, sig, [key]).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    if (test.result === 'valid') {
      expect(outcome.ok, `tcId ${test.tcId} is valid but was refused`).toBe(true);
      if (outcome.ok) {
        expect(outcome.r.signer).toBe(key);
        expect(outcome.r.format).toBe('raw');
      }
    } else if (test.result === 'invalid') {
      expect(outcome.ok, `tcId ${test.tcId} is invalid but was accepted`).toBe(false);
      if (!outcome.ok) {
        expect(outcome.e, `tcId ${test.tcId} must fail with a PolicyError`).toBeInstanceOf(
          PolicyError,
        );
        expect((outcome.e as PolicyError).code).toMatch(
          /^ERR_POLICY_(SIGNATURE_INVALID|MALFORMED)$/,
        );
      }
    } else if (!outcome.ok) {
      // acceptable: either way, but a refusal must still be a typed error
      expect(outcome.e).toBeInstanceOf(PolicyError);
    }
  });
});
