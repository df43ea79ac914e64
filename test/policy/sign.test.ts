import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Time } from '@peculiar/asn1-x509';
import {
  ContentInfo,
  SignedData,
  id_contentType,
  id_messageDigest,
  id_signingTime,
} from '@peculiar/asn1-cms';
import * as x509 from '../../src/cert/x509.js';
import { generateServerIdentity, type ServerIdentity } from '../../src/cert/index.js';
import { signPolicy, verifyPolicy } from '../../src/policy/index.js';
import { PolicyError } from '../../src/errors.js';
import fc from 'fast-check';
import { PROVIDERS, cryptoKeyOf, openssl, privateKeyPem, tempDir } from '../cert/helpers.js';
import { requireTool } from '../helpers/tools.js';

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

const POLICY = new TextEncoder().encode(
  '<Policy name="Virus and Spyware Protection">\r\n  <Setting a="1"/>\r\n</Policy>\r\n',
);

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(PolicyError);
  return (e as PolicyError).code;
}

describe.each(PROVIDERS)('signPolicy / verifyPolicy with $name', ({ crypto }) => {
  const tmp = tempDir();
  let oldId: ServerIdentity;
  let newId: ServerIdentity;
  let stranger: ServerIdentity;
  let policyPath: string;
  let oldCrt: string;
  let oldKey: string;
  let strangerCrt: string;

  beforeAll(async () => {
    const opts = crypto ? { crypto } : {};
    [oldId, newId, stranger] = await Promise.all([
      generateServerIdentity({ commonName: 'sepm-old.example', ...opts }),
      generateServerIdentity({ commonName: 'sepm-new.example', ...opts }),
      generateServerIdentity({ commonName: 'stranger.example', ...opts }),
    ]);
    policyPath = tmp.file('policy.xml', POLICY);
    oldCrt = tmp.file('old.crt', oldId.certificate.toString('pem'));
    oldKey = tmp.file('old.key', await privateKeyPem(oldId));
    strangerCrt = tmp.file('stranger.crt', stranger.certificate.toString('pem'));
    tmp.file('stranger.key', await privateKeyPem(stranger));
    tmp.file(
      'old.pub',
      createPublicKey({
        key: Buffer.from(oldId.certificate.publicKey.rawData),
        format: 'der',
        type: 'spki',
      }).export({ format: 'pem', type: 'spki' }),
    );
  });
  afterAll(() => tmp.dispose());

  describe('raw', () => {
    it.runIf(HAS_OPENSSL)(
      'makes a 256-byte signature that openssl dgst -sha256 -verify accepts',
      async () => {
        const sig = await signPolicy(POLICY, oldId);
        expect(sig.length).toBe(256);
        const sigPath = tmp.file('raw.sig', sig);
        const r = openssl(
          ['dgst', '-sha256', '-verify', 'old.pub', '-signature', sigPath, policyPath],
          tmp.dir,
        );
        expect(r.stdout.trim()).toBe('Verified OK');
        expect(r.status).toBe(0);
        // Deterministic (PKCS #1 v1.5), so openssl's own signature is byte-identical.
        const o = openssl(
          ['dgst', '-sha256', '-sign', oldKey, '-out', 'openssl-raw.sig', policyPath],
          tmp.dir,
        );
        expect(o.status).toBe(0);
        expect(new Uint8Array(readFileSync(tmp.file('openssl-raw.sig')))).toEqual(sig);
      },
    );

    it.runIf(HAS_OPENSSL)('verifies signatures made by openssl dgst -sha256 -sign', async () => {
      expect(
        openssl(['dgst', '-sha256', '-sign', oldKey, '-out', 'o.sig', policyPath], tmp.dir).status,
      ).toBe(0);
      const sig = new Uint8Array(readFileSync(tmp.file('o.sig')));
      const r = await verifyPolicy(POLICY, sig, [newId.certificate, oldId.certificate]);
      expect(r.signer).toBe(oldId.certificate);
      expect(r.format).toBe('raw');
    });

    it('refuses changed data, a changed signature and a signature of the wrong length', async () => {
      const sig = await signPolicy(POLICY, oldId, { format: 'raw' });
      const data = POLICY.slice();
      data[5] ^= 0x20;
      expect(await codeOf(verifyPolicy(data, sig, [oldId.certificate]))).toBe(
        'ERR_POLICY_SIGNATURE_INVALID',
      );
      const bad = sig.slice();
      bad[100] ^= 1;
      expect(await codeOf(verifyPolicy(POLICY, bad, [oldId.certificate]))).toBe(
        'ERR_POLICY_SIGNATURE_INVALID',
      );
      expect(await codeOf(verifyPolicy(POLICY, sig.subarray(1), [oldId.certificate]))).toBe(
        'ERR_POLICY_SIGNATURE_INVALID',
      );
      expect(await codeOf(verifyPolicy(POLICY, new Uint8Array(0), [oldId.certificate]))).toBe(
        'ERR_POLICY_SIGNATURE_INVALID',
      );
    });
  });

  describe('cms', () => {
    it.runIf(HAS_OPENSSL)(
      'makes a detached SignedData that openssl cms -verify accepts',
      async () => {
        const sig = await signPolicy(POLICY, oldId, { format: 'cms' });
        const sigPath = tmp.file('cms.sig', sig);
        const r = openssl(
          [
            'cms',
            '-verify',
            '-binary',
            '-inform',
            'DER',
            '-in',
            sigPath,
            '-content',
            policyPath,
            '-CAfile',
            oldCrt,
            '-out',
            'out.bin',
          ],
          tmp.dir,
        );
        expect(r.stderr.trim()).toBe('CMS Verification successful');
        expect(r.status).toBe(0);
        expect(new Uint8Array(readFileSync(tmp.file('out.bin')))).toEqual(POLICY);
      },
    );

    it.runIf(HAS_OPENSSL)(
      'carries contentType, messageDigest and signingTime and the signer certificate',
      async () => {
        const now = new Date('2031-02-03T04:05:06Z');
        const sig = await signPolicy(POLICY, oldId, { format: 'cms', now });
        const sd = AsnConvert.parse(AsnConvert.parse(sig, ContentInfo).content, SignedData);
        expect(sd.encapContentInfo.eContent).toBeUndefined();
        expect(sd.certificates?.length).toBe(1);
        expect(new Uint8Array(AsnConvert.serialize(sd.certificates![0]!.certificate!))).toEqual(
          new Uint8Array(oldId.certificate.rawData),
        );
        const attrs = sd.signerInfos[0]!.signedAttrs!;
        expect(attrs.map((a) => a.attrType).sort()).toEqual(
          [id_contentType, id_messageDigest, id_signingTime].sort(),
        );
        const st = attrs.find((a) => a.attrType === id_signingTime)!;
        expect(AsnConvert.parse(st.attrValues[0]!, Time).getTime().toISOString()).toBe(
          '2031-02-03T04:05:06.000Z',
        );
        const r = await verifyPolicy(POLICY, sig, [oldId.certificate]);
        expect(r).toEqual({ signer: oldId.certificate, format: 'cms', signingTime: now });
        const printed = openssl([
          'cms',
          '-cmsout',
          '-print',
          '-inform',
          'DER',
          '-in',
          tmp.file('attrs.sig', sig),
        ]);
        expect(printed.stdout).toContain('signingTime');
        expect(printed.stdout).toContain('messageDigest');
      },
    );

    it.runIf(HAS_OPENSSL)(
      'verifies signatures made by openssl cms -sign -binary -outform DER (with its default attributes)',
      async () => {
        const r = openssl(
          [
            'cms',
            '-sign',
            '-binary',
            '-outform',
            'DER',
            '-in',
            policyPath,
            '-signer',
            oldCrt,
            '-inkey',
            oldKey,
            '-out',
            'o.cms',
          ],
          tmp.dir,
        );
        expect(r.status).toBe(0);
        const sig = new Uint8Array(readFileSync(tmp.file('o.cms')));
        const v = await verifyPolicy(POLICY, sig, [newId.certificate, oldId.certificate]);
        expect(v.signer).toBe(oldId.certificate);
        expect(v.format).toBe('cms');
        expect(v.signingTime).toBeInstanceOf(Date);
        const data = POLICY.slice();
        data[0] ^= 1;
        expect(await codeOf(verifyPolicy(data, sig, [oldId.certificate]))).toBe(
          'ERR_POLICY_SIGNATURE_INVALID',
        );
      },
    );

    it.runIf(HAS_OPENSSL).each([
      ['-noattr (signature over the content itself)', ['-noattr']],
      ['-md sha512', ['-md', 'sha512']],
      ['-md sha384 with the subject key identifier as signer id', ['-md', 'sha384', '-keyid']],
    ])('verifies openssl cms -sign %s', async (_name, extra) => {
      const out = `o-${extra.join('')}.cms`;
      const r = openssl(
        [
          'cms',
          '-sign',
          '-binary',
          '-outform',
          'DER',
          '-in',
          policyPath,
          '-signer',
          oldCrt,
          '-inkey',
          oldKey,
          ...extra,
          '-out',
          out,
        ],
        tmp.dir,
      );
      expect(r.status, r.stderr).toBe(0);
      const sig = new Uint8Array(readFileSync(tmp.file(out)));
      expect((await verifyPolicy(POLICY, sig, [oldId.certificate])).signer).toBe(oldId.certificate);
      const data = POLICY.slice(1);
      expect(await codeOf(verifyPolicy(data, sig, [oldId.certificate]))).toBe(
        'ERR_POLICY_SIGNATURE_INVALID',
      );
    });

    it.runIf(HAS_OPENSSL)(
      'refuses a CMS whose signer is not trusted, although its certificate is inside',
      async () => {
        const ours = await signPolicy(POLICY, stranger, { format: 'cms' });
        expect(
          await codeOf(verifyPolicy(POLICY, ours, [oldId.certificate, newId.certificate])),
        ).toBe('ERR_POLICY_UNTRUSTED_SIGNER');
        const r = openssl(
          [
            'cms',
            '-sign',
            '-binary',
            '-outform',
            'DER',
            '-in',
            policyPath,
            '-signer',
            strangerCrt,
            '-inkey',
            'stranger.key',
            '-out',
            's.cms',
          ],
          tmp.dir,
        );
        expect(r.status).toBe(0);
        const theirs = new Uint8Array(readFileSync(tmp.file('s.cms')));
        expect(await codeOf(verifyPolicy(POLICY, theirs, [oldId.certificate]))).toBe(
          'ERR_POLICY_UNTRUSTED_SIGNER',
        );
        // openssl itself would accept it if told to trust the embedded certificate; we never do.
        expect(
          openssl(
            [
              'cms',
              '-verify',
              '-binary',
              '-inform',
              'DER',
              '-in',
              's.cms',
              '-content',
              policyPath,
              '-CAfile',
              strangerCrt,
              '-out',
              '/dev/null',
            ],
            tmp.dir,
          ).status,
        ).toBe(0);
      },
    );

    it('refuses a CMS that names a trusted certificate but was signed by another key', async () => {
      const forged: ServerIdentity = {
        certificate: oldId.certificate,
        privateKey: stranger.privateKey,
        chain: [oldId.certificate],
        ...(stranger.crypto ? { crypto: stranger.crypto } : {}),
      };
      const sig = await signPolicy(POLICY, forged, { format: 'cms' });
      expect(await codeOf(verifyPolicy(POLICY, sig, [oldId.certificate]))).toBe(
        'ERR_POLICY_SIGNATURE_INVALID',
      );
    });

    it.runIf(HAS_OPENSSL)(
      'refuses truncated, extended and attached signatures as malformed',
      async () => {
        const sig = await signPolicy(POLICY, oldId, { format: 'cms' });
        expect(
          await codeOf(verifyPolicy(POLICY, sig.subarray(0, sig.length - 1), [oldId.certificate])),
        ).toBe('ERR_POLICY_MALFORMED');
        const longer = new Uint8Array(sig.length + 1);
        longer.set(sig);
        expect(await codeOf(verifyPolicy(POLICY, longer, [oldId.certificate]))).toBe(
          'ERR_POLICY_MALFORMED',
        );
        expect(await codeOf(verifyPolicy(POLICY, sig.subarray(0, 40), [oldId.certificate]))).toBe(
          'ERR_POLICY_MALFORMED',
        );
        const r = openssl(
          [
            'cms',
            '-sign',
            '-binary',
            '-nodetach',
            '-outform',
            'DER',
            '-in',
            policyPath,
            '-signer',
            oldCrt,
            '-inkey',
            oldKey,
            '-out',
            'att.cms',
          ],
          tmp.dir,
        );
        expect(r.status).toBe(0);
        const attached = new Uint8Array(readFileSync(tmp.file('att.cms')));
        expect(await codeOf(verifyPolicy(POLICY, attached, [oldId.certificate]))).toBe(
          'ERR_POLICY_MALFORMED',
        );
        expect(
          await codeOf(
            verifyPolicy(POLICY, sig, [oldId.certificate], { maxSignatureBytes: sig.length - 1 }),
          ),
        ).toBe('ERR_POLICY_MALFORMED');
      },
    );
  });

  it('rotation: old and new trusted; each verifies as itself; dropping the old one refuses its policies', async () => {
    const trusted = [oldId.certificate, newId.certificate];
    for (const format of ['raw', 'cms'] as const) {
      const byOld = await signPolicy(POLICY, oldId, { format });
      const byNew = await signPolicy(POLICY, newId, { format });
      expect(await verifyPolicy(POLICY, byOld, trusted)).toMatchObject({
        signer: oldId.certificate,
        format,
      });
      expect(await verifyPolicy(POLICY, byNew, trusted)).toMatchObject({
        signer: newId.certificate,
        format,
      });
      expect(await verifyPolicy(POLICY, byOld, [...trusted].reverse())).toMatchObject({
        signer: oldId.certificate,
      });
      const code = await codeOf(verifyPolicy(POLICY, byOld, [newId.certificate]));
      expect(code).toBe(
        format === 'raw' ? 'ERR_POLICY_SIGNATURE_INVALID' : 'ERR_POLICY_UNTRUSTED_SIGNER',
      );
    }
  });

  it('imports the private key once, not on every signature', async () => {
    const id = await generateServerIdentity({
      commonName: 'cache.example',
      ...(crypto ? { crypto } : {}),
    });
    const provider = crypto ?? (webcrypto as unknown as Crypto);
    const exportKey = vi.spyOn(provider.subtle, 'exportKey');
    try {
      for (let i = 0; i < 5; i++) await signPolicy(POLICY, id);
      await signPolicy(POLICY, id, { format: 'cms' });
      // Node keys convert without export; foreign keys are exported exactly once.
      expect(exportKey).toHaveBeenCalledTimes(crypto ? 1 : 0);
    } finally {
      exportKey.mockRestore();
    }
  });
});

describe('verifyPolicy trust anchors and arguments', () => {
  let id: ServerIdentity;
  let sig: Uint8Array;
  beforeAll(async () => {
    id = await generateServerIdentity({ commonName: 'anchors.example' });
    sig = await signPolicy(POLICY, id);
  });

  it('parses a trusted certificate key once, not per verification', async () => {
    const cert = new x509.X509Certificate(id.certificate.rawData);
    const getter = vi.spyOn(x509.X509Certificate.prototype, 'publicKey', 'get');
    try {
      for (let i = 0; i < 5; i++) await verifyPolicy(POLICY, sig, [cert]);
      expect(getter).toHaveBeenCalledTimes(1);
    } finally {
      getter.mockRestore();
    }
  });

  it('accepts public KeyObjects and Node public CryptoKeys as anchors, and returns the one that matched', async () => {
    const spki = Buffer.from(id.certificate.publicKey.rawData);
    const ko = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const ck = (await webcrypto.subtle.importKey(
      'spki',
      spki,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['verify'],
    )) as unknown as CryptoKey;
    expect((await verifyPolicy(POLICY, sig, [ko])).signer).toBe(ko);
    expect((await verifyPolicy(POLICY, sig, [ck])).signer).toBe(ck);
    const cms = await signPolicy(POLICY, id, { format: 'cms' });
    expect((await verifyPolicy(POLICY, cms, [ko])).signer).toBe(ko);
  });

  it('ignores non-RSA anchors; with none left the signer is untrusted', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect((await verifyPolicy(POLICY, sig, [ec, id.certificate])).signer).toBe(id.certificate);
    expect(await codeOf(verifyPolicy(POLICY, sig, [ec]))).toBe('ERR_POLICY_UNTRUSTED_SIGNER');
  });

  it('refuses bad arguments with TypeError / RangeError', async () => {
    await expect(verifyPolicy(POLICY, sig, [])).rejects.toThrow(RangeError);
    await expect(verifyPolicy(POLICY, sig, id.certificate as never)).rejects.toThrow(TypeError);
    await expect(verifyPolicy(POLICY, sig, ['pem' as never])).rejects.toThrow(TypeError);
    const priv = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expect(verifyPolicy(POLICY, sig, [priv])).rejects.toThrow(TypeError);
    await expect(verifyPolicy('x' as never, sig, [id.certificate])).rejects.toThrow(TypeError);
    await expect(verifyPolicy(POLICY, [1] as never, [id.certificate])).rejects.toThrow(TypeError);
    await expect(signPolicy(POLICY, id, { format: 'pkcs7' as never })).rejects.toThrow(RangeError);
    await expect(signPolicy(POLICY, { certificate: id.certificate } as never)).rejects.toThrow(
      TypeError,
    );
    await expect(signPolicy(POLICY, id, { format: 'cms', now: new Date(NaN) })).rejects.toThrow(
      TypeError,
    );
  });

  it('refuses to sign with a non-RSA identity', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateKey = await cryptoKeyOf(pair.privateKey);
    const publicKey = (await webcrypto.subtle.importKey(
      'spki',
      pair.publicKey.export({ format: 'der', type: 'spki' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['verify'],
    )) as unknown as CryptoKey;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
      {
        name: 'CN=ec.example',
        keys: { privateKey, publicKey },
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      },
      webcrypto as unknown as Crypto,
    );
    const ecId = { certificate, privateKey, chain: [certificate] };
    expect(await codeOf(signPolicy(POLICY, ecId))).toBe('ERR_POLICY_UNSUPPORTED_ALGORITHM');
    expect(await codeOf(signPolicy(POLICY, ecId, { format: 'cms' }))).toBe(
      'ERR_POLICY_UNSUPPORTED_ALGORITHM',
    );
  });
});

describe.runIf(HAS_OPENSSL)(
  'verifyPolicy refuses CMS algorithms other than RSA PKCS #1 v1.5 with SHA-2',
  () => {
    const tmp = tempDir();
    let rsaCert: x509.X509Certificate;
    beforeAll(() => {
      tmp.file('policy.xml', POLICY);
      const mk = (args: string[]) => expect(openssl(args, tmp.dir).status).toBe(0);
      mk([
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'rsa.key',
        '-out',
        'rsa.crt',
        '-subj',
        '/CN=rsa',
        '-days',
        '2',
      ]);
      mk([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'ec.key',
        '-out',
        'ec.crt',
        '-subj',
        '/CN=ec',
        '-days',
        '2',
      ]);
      rsaCert = new x509.X509Certificate(readFileSync(tmp.file('rsa.crt'), 'utf8'));
    });
    afterAll(() => tmp.dispose());

    it.each([
      ['ECDSA', ['-signer', 'ec.crt', '-inkey', 'ec.key']],
      [
        'RSASSA-PSS',
        ['-signer', 'rsa.crt', '-inkey', 'rsa.key', '-keyopt', 'rsa_padding_mode:pss'],
      ],
      ['SHA-1', ['-signer', 'rsa.crt', '-inkey', 'rsa.key', '-md', 'sha1']],
    ])('%s', async (name, args) => {
      const out = `${name}.cms`;
      const r = openssl(
        ['cms', '-sign', '-binary', '-outform', 'DER', '-in', 'policy.xml', ...args, '-out', out],
        tmp.dir,
      );
      expect(r.status, r.stderr).toBe(0);
      const sig = new Uint8Array(readFileSync(tmp.file(out)));
      const ecCert = new x509.X509Certificate(readFileSync(tmp.file('ec.crt'), 'utf8'));
      expect(await codeOf(verifyPolicy(POLICY, sig, [rsaCert, ecCert]))).toBe(
        'ERR_POLICY_UNSUPPORTED_ALGORITHM',
      );
    });
  },
);

describe('verifyPolicy on hostile CMS input', () => {
  let id: ServerIdentity;
  let cms: Uint8Array;
  beforeAll(async () => {
    id = await generateServerIdentity({ commonName: 'hostile.example' });
    cms = await signPolicy(POLICY, id, { format: 'cms' });
  });

  const outcome = (sig: Uint8Array) =>
    verifyPolicy(POLICY, sig, [id.certificate]).then(
      () => 'accepted',
      (e: unknown) => (e instanceof PolicyError ? 'PolicyError' : `other: ${String(e)}`),
    );

  it('answers random bytes behind a CMS header with a PolicyError', async () => {
    const header = cms.subarray(0, 15);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (tail) => {
        const sig = new Uint8Array(header.length + tail.length);
        sig.set(header);
        sig.set(tail, header.length);
        return (await outcome(sig)) === 'PolicyError';
      }),
      { numRuns: 300 },
    );
  });

  it('answers byte changes of a valid CMS with a PolicyError, unless they miss everything signed', async () => {
    const results = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat(cms.length - 1), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const sig = cms.slice();
        sig[at] ^= x;
        const o = await outcome(sig);
        results.set(o, (results.get(o) ?? 0) + 1);
        return o === 'PolicyError' || o === 'accepted';
      }),
      { numRuns: 200 },
    );
    expect(results.get('PolicyError')).toBeGreaterThan(0);
    // Any change inside the signed attributes or the signature value is refused.
    const attrsAt = findBytes(
      cms,
      Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04),
    );
    expect(attrsAt).toBeGreaterThan(0);
    for (let at = attrsAt; at < cms.length; at++) {
      const sig = cms.slice();
      sig[at] ^= 0x01;
      expect(await outcome(sig), `byte ${at}`).toBe('PolicyError');
    }
  });

  it('refuses a nesting bomb quickly', async () => {
    const depth = 100_000;
    const body = new Uint8Array(depth * 5);
    for (let i = 0; i < depth; i++) {
      const rest = body.length - (i + 1) * 5;
      body.set([0x30, 0x83, rest >> 16, (rest >> 8) & 255, rest & 255], i * 5);
    }
    const inner = new Uint8Array(11 + 5 + body.length);
    inner.set([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
    inner.set([0xa0, 0x83, body.length >> 16, (body.length >> 8) & 255, body.length & 255], 11);
    inner.set(body, 16);
    const sig = new Uint8Array(5 + inner.length);
    sig.set([0x30, 0x83, inner.length >> 16, (inner.length >> 8) & 255, inner.length & 255]);
    sig.set(inner, 5);
    const t = performance.now();
    expect(await codeOf(verifyPolicy(POLICY, sig, [id.certificate]))).toBe('ERR_POLICY_MALFORMED');
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
