// The signature-purpose vectors of docs/formats.md ("Signature purposes"): the context strings,
// and the manager's two index signatures over the documented index bytes, checked against the
// document and against node:crypto over context ‖ index (an implementation sharing no code).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { constants, createPrivateKey, sign } from 'node:crypto';
import type { ServerIdentity } from '../../src/cert/index.js';
import { signatureContext, type SignaturePurpose } from '../../src/policy/purpose.js';
import {
  signIndex,
  signReplicationIndex,
  verifyIndexSignature,
  verifyReplicationSignature,
} from '../../src/protocol/index.js';
import { identityFromPem } from '../cert/helpers.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const doc = readFileSync(new URL('../../docs/formats.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Signature purposes'));

/** The hex block that follows `heading` in the section. */
function hexAfter(heading: string): string {
  const at = section.indexOf(heading);
  expect(at, heading).toBeGreaterThan(0);
  const block = /```hex\n([\s\S]*?)```/.exec(section.slice(at))?.[1];
  return (block ?? '').replace(/\s/g, '');
}

const INDEX = new TextEncoder().encode(
  /```text\n(\{"format":"sepm-crypto\.index".*)\n```/.exec(section)![1]!,
);

let id: ServerIdentity;
beforeAll(async () => {
  id = await identityFromPem(
    fixture('vector-identity.key.pem'),
    fixture('vector-identity.crt.pem'),
  );
});

describe('signature purpose vectors (docs/formats.md)', () => {
  it('the context strings are the documented ones, none a prefix of another', () => {
    const purposes: SignaturePurpose[] = [
      'signed-index',
      'replication',
      'endorsement',
      'sealed-policy',
    ];
    for (const p of purposes) {
      const hex = Buffer.from(signatureContext(p)).toString('hex');
      expect(section).toContain(`${p.padEnd(15)}${hex}`);
      expect(Buffer.from(signatureContext(p)).toString('latin1')).toBe(
        `sepm-crypto signature v2 ${p}\0`,
      );
      for (const q of purposes.filter((x) => x !== p)) {
        expect(Buffer.from(signatureContext(q)).toString('hex').startsWith(hex)).toBe(false);
      }
    }
  });

  it('the index and replication signatures are the documented bytes, as node:crypto makes them', async () => {
    expect(INDEX.length).toBe(151);
    const key = createPrivateKey(fixture('vector-identity.key.pem'));
    const cases = [
      ['Index signature (`signed-index`', 'signed-index', await signIndex(INDEX, id, 'raw')],
      [
        'Replication signature (`replication`',
        'replication',
        await signReplicationIndex(INDEX, id),
      ],
    ] as const;
    for (const [heading, purpose, ours] of cases) {
      const ref = sign('sha256', Buffer.concat([signatureContext(purpose), INDEX]), {
        key,
        padding: constants.RSA_PKCS1_PADDING,
      });
      expect(Buffer.from(ours).toString('hex')).toBe(ref.toString('hex'));
      expect(Buffer.from(ours).toString('hex')).toBe(hexAfter(heading));
    }
    const [, , idx] = cases[0];
    const [, , rep] = cases[1];
    expect((await verifyIndexSignature(INDEX, idx, [id.certificate], 'raw')).signer).toBe(
      id.certificate,
    );
    expect((await verifyReplicationSignature(INDEX, rep, [id.certificate])).signer).toBe(
      id.certificate,
    );
  });
});
