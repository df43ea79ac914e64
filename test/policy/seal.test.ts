import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { constants, createPrivateKey, sign } from 'node:crypto';
import fc from 'fast-check';
import { generateServerIdentity, type ServerIdentity } from '../../src/cert/index.js';
import { openPolicy, sealPolicy } from '../../src/policy/index.js';
import { Kcs } from '../../src/kcs.js';
import { PolicyError, isSepmError } from '../../src/errors.js';
import { PROVIDERS, identityFromPem } from '../cert/helpers.js';
import { SEALED_CONTEXT, referenceSeal } from './sealed_reference.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const KEY_PEM = fixture('vector-identity.key.pem');
const CERT_PEM = fixture('vector-identity.crt.pem');
const KCS = Kcs.parse('000102030405060708090A0B0C0D0E0F');
const IV = new Uint8Array(Buffer.from('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff', 'hex'));
const fixedIv = () => IV.slice();
const VECTOR_PLAINTEXT = new TextEncoder().encode(
  '<Policy name="sepm-crypto sealed policy v2 test vector"/>\n',
);

/** The sealed-policy vector as printed in docs/formats.md (hex at the start of each line). */
function vectorFromDocs(): { sealed: Uint8Array; text: string } {
  const doc = readFileSync(new URL('../../docs/formats.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Sealed policy, version 2'));
  const block = /```hex\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('no ```hex block in the Sealed policy section');
  const hex = block
    .split('\n')
    .map((line) => /^[0-9a-f]+/.exec(line)?.[0] ?? '')
    .join('');
  return { sealed: new Uint8Array(Buffer.from(hex, 'hex')), text: section };
}

async function rejection(p: Promise<unknown>): Promise<PolicyError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(PolicyError);
  return e as PolicyError;
}

/** Re-signs a modified sealed policy with the fixture key, so that only the change is wrong. */
function resign(sealed: Uint8Array): Uint8Array {
  const out = sealed.slice();
  const sigAt = out.length - 256;
  const sig = sign('sha256', Buffer.concat([SEALED_CONTEXT, out.subarray(0, sigAt)]), {
    key: createPrivateKey(KEY_PEM),
    padding: constants.RSA_PKCS1_PADDING,
  });
  out.set(sig, sigAt);
  return out;
}

describe('sealed policy test vector (docs/formats.md)', () => {
  let id: ServerIdentity;
  beforeAll(async () => {
    id = await identityFromPem(KEY_PEM, CERT_PEM);
  });

  it('the documented inputs are the ones tested', () => {
    const { text } = vectorFromDocs();
    expect(text).toContain('Kcs        000102030405060708090A0B0C0D0E0F');
    expect(text).toContain('IV         f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const plain = /plaintext {2}([0-9a-f]+)\n {11}([0-9a-f]+)\n/.exec(text);
    expect(plain).not.toBeNull();
    expect(plain![1]! + plain![2]!).toBe(Buffer.from(VECTOR_PLAINTEXT).toString('hex'));
  });

  it('sealPolicy produces exactly the documented bytes', async () => {
    const { sealed } = vectorFromDocs();
    expect(sealed.length).toBe(388);
    const ours = await sealPolicy(VECTOR_PLAINTEXT, id, KCS, { randomBytes: fixedIv });
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(sealed).toString('hex'));
  });

  it('an independent implementation (twofish-ts + node:crypto) produces the same bytes', () => {
    const { sealed } = vectorFromDocs();
    const theirs = referenceSeal({
      kcs: KCS.bytes,
      iv: IV,
      data: VECTOR_PLAINTEXT,
      certificateDer: new Uint8Array(id.certificate.rawData),
      privateKey: createPrivateKey(KEY_PEM),
    });
    expect(Buffer.from(theirs).toString('hex')).toBe(Buffer.from(sealed).toString('hex'));
  });

  it('openPolicy opens the documented bytes', async () => {
    const { sealed } = vectorFromDocs();
    const r = await openPolicy(sealed, KCS, [id.certificate]);
    expect(r.data).toEqual(VECTOR_PLAINTEXT);
    expect(r.signer).toBe(id.certificate);
  });
});

describe.each(PROVIDERS)('sealPolicy / openPolicy with $name', ({ crypto }) => {
  let id: ServerIdentity;
  beforeAll(async () => {
    id = await generateServerIdentity({
      commonName: 'seal.example',
      ...(crypto ? { crypto } : {}),
    });
  });

  it.each([0, 1, 15, 16, 17, 4096, 65_537])(
    'round-trips %i bytes with a random IV',
    async (size) => {
      const data = new Uint8Array(size).map((_, i) => (i * 7 + 3) & 0xff);
      const kcs = Kcs.generate();
      const a = await sealPolicy(data, id, kcs);
      const b = await sealPolicy(data, id, kcs);
      expect(a.length).toBe(68 + (size + 16 - (size % 16)) + 256);
      expect(a.subarray(14, 30)).not.toEqual(b.subarray(14, 30));
      const opened = await openPolicy(a, kcs, [id.certificate]);
      expect(opened.data).toEqual(data);
      expect(opened.signer).toBe(id.certificate);
    },
  );
});

describe('openPolicy refuses every tampered sealed policy', () => {
  let id: ServerIdentity;
  let other: ServerIdentity;
  let sealed: Uint8Array;
  const data = new Uint8Array(1024).map((_, i) => (i * 31 + 7) & 0xff);

  beforeAll(async () => {
    id = await identityFromPem(KEY_PEM, CERT_PEM);
    other = await generateServerIdentity({ commonName: 'other.example' });
    // Fixed key, IV and signer: the sealed bytes, and so every outcome below, are deterministic.
    sealed = await sealPolicy(data, id, KCS, { randomBytes: fixedIv });
    expect(sealed.length).toBe(68 + 1040 + 256);
  });

  it('every single-bit flip (header, Kcs check, IV, length, ciphertext, fingerprint, signature) is refused', async () => {
    const n = 1040;
    const regions: [string, number, number, string][] = [
      ['magic, version, flags', 0, 6, 'ERR_POLICY_MALFORMED'],
      ['Kcs check', 6, 14, 'ERR_POLICY_SIGNATURE_INVALID'],
      ['IV', 14, 30, 'ERR_POLICY_SIGNATURE_INVALID'],
      ['ciphertext length', 30, 34, 'ERR_POLICY_MALFORMED'],
      ['ciphertext', 34, 34 + n, 'ERR_POLICY_SIGNATURE_INVALID'],
      ['signer fingerprint', 34 + n, 66 + n, 'ERR_POLICY_UNTRUSTED_SIGNER'],
      ['signature length', 66 + n, 68 + n, 'ERR_POLICY_MALFORMED'],
      ['signature', 68 + n, sealed.length, 'ERR_POLICY_SIGNATURE_INVALID'],
    ];
    const trusted = [other.certificate, id.certificate];
    const wrong: string[] = [];
    let flips = 0;
    for (const [name, from, to, code] of regions) {
      for (let byte = from; byte < to; byte++) {
        for (let bit = 0; bit < 8; bit++) {
          const t = sealed.slice();
          t[byte] ^= 1 << bit;
          flips++;
          const outcome = await openPolicy(t, KCS, trusted).then(
            () => 'accepted',
            (e: unknown) => (e instanceof PolicyError ? e.code : `non-PolicyError ${String(e)}`),
          );
          if (outcome !== code) wrong.push(`${name}: byte ${byte} bit ${bit} -> ${outcome}`);
        }
      }
    }
    expect(flips).toBe(sealed.length * 8);
    expect(wrong).toEqual([]);
  });

  it('every truncation and any trailing bytes are refused as malformed', async () => {
    const wrong: number[] = [];
    for (let len = 0; len < sealed.length; len++) {
      const code = await openPolicy(sealed.subarray(0, len), KCS, [id.certificate]).then(
        () => 'accepted',
        (e: unknown) => (e as PolicyError).code,
      );
      if (code !== 'ERR_POLICY_MALFORMED') wrong.push(len);
    }
    expect(wrong).toEqual([]);
    for (const extra of [1, 16, 256]) {
      const longer = new Uint8Array(sealed.length + extra);
      longer.set(sealed);
      expect((await rejection(openPolicy(longer, KCS, [id.certificate]))).code).toBe(
        'ERR_POLICY_MALFORMED',
      );
    }
  });

  it('a wrong Kcs fails with the decryption code, and only after the signature passed', async () => {
    const wrongKcs = Kcs.parse('000102030405060708090A0B0C0D0E0E');
    const e = await rejection(openPolicy(sealed, wrongKcs, [id.certificate]));
    expect(e.code).toBe('ERR_POLICY_DECRYPT_FAILED');
    expect(e.message).toBe('policy decryption failed');
    expect(e.cause).toBeUndefined();
    // With a bad signature or an untrusted signer the Kcs is never looked at.
    const badSig = sealed.slice();
    badSig[badSig.length - 1] ^= 1;
    expect((await rejection(openPolicy(badSig, wrongKcs, [id.certificate]))).code).toBe(
      'ERR_POLICY_SIGNATURE_INVALID',
    );
    expect((await rejection(openPolicy(sealed, wrongKcs, [other.certificate]))).code).toBe(
      'ERR_POLICY_UNTRUSTED_SIGNER',
    );
  });

  it('bad padding under a valid signature gives the same fixed error as a wrong Kcs', async () => {
    const t = sealed.slice();
    t[34 + 1040 - 1] ^= 0x55; // last ciphertext byte: garbles the padding block
    const e = await rejection(openPolicy(resign(t), KCS, [id.certificate]));
    expect(e.code).toBe('ERR_POLICY_DECRYPT_FAILED');
    expect(e.message).toBe('policy decryption failed');
  });

  it('refuses signed headers with another version or reserved flags set', async () => {
    for (const [offset, value] of [
      [4, 1],
      [4, 3],
      [5, 1],
      [5, 0x80],
    ] as const) {
      const t = sealed.slice();
      t[offset] = value;
      expect((await rejection(openPolicy(resign(t), KCS, [id.certificate]))).code).toBe(
        'ERR_POLICY_MALFORMED',
      );
    }
  });

  it('checks the length against maxBytes before anything else', async () => {
    const e = await rejection(openPolicy(sealed, KCS, [id.certificate], { maxBytes: 1024 }));
    expect(e.code).toBe('ERR_POLICY_MALFORMED');
    expect(e.message).toContain('limit');
    const huge = sealed.slice(0, 400);
    new DataView(huge.buffer).setUint32(30, 0xffff_fff0);
    expect((await rejection(openPolicy(huge, KCS, [id.certificate]))).code).toBe(
      'ERR_POLICY_MALFORMED',
    );
    expect((await openPolicy(sealed, KCS, [id.certificate], { maxBytes: 1040 })).data).toEqual(
      data,
    );
  });

  it('finds the signer among several trusted certificates by fingerprint (rotation)', async () => {
    const byOther = await sealPolicy(data, other, KCS);
    const trusted = [id.certificate, other.certificate];
    expect((await openPolicy(sealed, KCS, trusted)).signer).toBe(id.certificate);
    expect((await openPolicy(byOther, KCS, trusted)).signer).toBe(other.certificate);
    expect((await rejection(openPolicy(byOther, KCS, [id.certificate]))).code).toBe(
      'ERR_POLICY_UNTRUSTED_SIGNER',
    );
  });

  it('answers random bytes and random mutations with a PolicyError, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc
            .record({
              at: fc.nat(sealed.length - 1),
              v: fc.integer({ min: 0, max: 255 }),
              cut: fc.nat(sealed.length),
            })
            .map(({ at, v, cut }) => {
              const t = sealed.slice(0, Math.max(cut, at + 1));
              t[at] = v;
              return t;
            }),
        ),
        async (bytes) => {
          const e = await openPolicy(bytes, KCS, [id.certificate]).then(
            () => undefined,
            (err: unknown) => err,
          );
          if (e === undefined) return equalsSealed(bytes);
          return isSepmError(e) && e instanceof PolicyError;
        },
      ),
      { numRuns: 500 },
    );
    function equalsSealed(b: Uint8Array) {
      return b.length === sealed.length && b.every((x, i) => x === sealed[i]);
    }
  });

  it('refuses bad arguments with TypeError / RangeError', async () => {
    await expect(openPolicy(sealed, KCS.toHex() as never, [id.certificate])).rejects.toThrow(
      TypeError,
    );
    await expect(openPolicy(sealed, KCS, [])).rejects.toThrow(RangeError);
    await expect(openPolicy(sealed, KCS, [id.certificate], { maxBytes: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(openPolicy('x' as never, KCS, [id.certificate])).rejects.toThrow(TypeError);
    await expect(sealPolicy(data, id, 'k' as never)).rejects.toThrow(TypeError);
    await expect(sealPolicy(data, {} as never, KCS)).rejects.toThrow(TypeError);
    await expect(
      sealPolicy(data, id, KCS, { randomBytes: () => new Uint8Array(8) }),
    ).rejects.toThrow(RangeError);
    await expect(sealPolicy(data, id, KCS, null as never)).rejects.toThrow(TypeError);
  });

  it('names the new call form when given the 0.1 options-object form', async () => {
    await expect(sealPolicy(data, { identity: id, kcs: KCS } as never, KCS)).rejects.toThrow(
      'call sealPolicy(data, identity, kcs, options?)',
    );
    await expect(
      openPolicy(sealed, { kcs: KCS, trusted: [id.certificate] } as never, []),
    ).rejects.toThrow('call openPolicy(sealed, kcs, trusted, options?)');
  });
});
