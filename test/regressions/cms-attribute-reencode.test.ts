// Regression (found by `npm run fuzz`, target cms, seed 3 index 3923): a CMS signature whose
// signed attributes decode but do not re-encode (a mutated value the DER decoder let through
// and @peculiar/asn1-schema's serializer refuses) made verifyPolicy throw a plain Error "Wrong
// input string for conversion" instead of a PolicyError. The fixture is the fuzzer's minimised
// input; its messageDigest matches the policy below, so verification reaches the re-encoding.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateServerIdentity } from '../../src/cert/index.js';
import type { ServerIdentity } from '../../src/cert/types.js';
import { PolicyError } from '../../src/errors.js';
import { verifyPolicy } from '../../src/policy/index.js';

const POLICY = new TextEncoder().encode(
  '<FirewallPolicy default="block"><Rule port="443"/></FirewallPolicy>',
);
const signature = new Uint8Array(
  Buffer.from(
    readFileSync(join(import.meta.dirname, 'fixtures/cms-attr-reencode.hex'), 'utf8').trim(),
    'hex',
  ),
);

describe('CMS signed attributes that do not re-encode', () => {
  let identity: ServerIdentity;
  beforeAll(async () => {
    identity = await generateServerIdentity({ commonName: 'cms.test' });
  });

  it('are refused with PolicyError ERR_POLICY_MALFORMED, the low-level error as cause', async () => {
    const e = await verifyPolicy(POLICY, signature, [identity.certificate]).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(PolicyError);
    expect((e as PolicyError).code).toBe('ERR_POLICY_MALFORMED');
    expect((e as PolicyError).cause).toBeInstanceOf(Error);
  });
});
