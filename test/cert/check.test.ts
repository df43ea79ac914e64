import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '../../src/cert/x509.js';
import {
  assertServerIdentity,
  checkServerIdentity,
  generateServerIdentity,
  IMPORT_RULES,
  type ServerIdentity,
} from '../../src/cert/index.js';
import { CertificateError, isSepmError } from '../../src/errors.js';
import { PROVIDERS, cryptoKeyOf } from './helpers.js';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const nodeCrypto = webcrypto as unknown as Crypto;
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A self-signed certificate over `keys` made by @peculiar/x509 (the key pair may be anything). */
async function selfSigned(
  keys: CryptoKeyPair,
  signingAlgorithm: Algorithm,
  days = 30,
  notBefore = new Date(),
) {
  return x509.X509CertificateGenerator.createSelfSigned(
    {
      name: [{ CN: ['bad.example'] }],
      notBefore,
      notAfter: new Date(notBefore.getTime() + days * 86_400_000),
      keys,
      signingAlgorithm,
    },
    nodeCrypto,
  );
}

/** Key pair of node:crypto turned into WebCrypto keys. */
async function nodeKeyPair(type: 'rsa' | 'ec', bits = 2048): Promise<CryptoKeyPair> {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: bits })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKey = await cryptoKeyOf(pair.privateKey);
  const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
  const publicKey = (await subtle.importKey(
    'spki',
    spki,
    type === 'rsa' ? RSA : { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['verify'],
  )) as CryptoKeyPair['publicKey'];
  return { privateKey, publicKey };
}

function rules(report: { violations: readonly { rule: string }[] }): string[] {
  return report.violations.map((v) => v.rule);
}

describe('checkServerIdentity', () => {
  let good: ServerIdentity;
  let other: ServerIdentity;
  beforeAll(async () => {
    [good, other] = await Promise.all([
      generateServerIdentity({
        commonName: 'good.example',
        notBefore: new Date('2026-01-01T00:00:00Z'),
        validityDays: 365,
      }),
      generateServerIdentity({ commonName: 'other.example' }),
    ]);
  });

  it('accepts a generated identity inside its validity period', async () => {
    const report = await checkServerIdentity(good, { now: new Date('2026-06-01T00:00:00Z') });
    expect(report).toEqual({ ok: true, violations: [] });
  });

  it('detects a private key that does not match the certificate', async () => {
    const mixed = { ...good, privateKey: other.privateKey };
    const report = await checkServerIdentity(mixed, { now: new Date('2026-06-01T00:00:00Z') });
    expect(rules(report)).toEqual([IMPORT_RULES.KEY_MISMATCH]);
    expect(report.ok).toBe(false);
  });

  it('detects an RSA key shorter than 2048 bits (1024-bit key from node:crypto)', async () => {
    const keys = await nodeKeyPair('rsa', 1024);
    const certificate = await selfSigned(keys, RSA);
    const report = await checkServerIdentity({
      certificate,
      privateKey: keys.privateKey,
      chain: [certificate],
    });
    expect(rules(report)).toEqual([IMPORT_RULES.RSA_KEY_TOO_SMALL]);
    expect(report.violations[0]!.message).toContain('1024 bits');
  });

  it('detects an ECDSA-signed certificate with an EC key (two violations)', async () => {
    const keys = await nodeKeyPair('ec');
    const certificate = await selfSigned(keys, ECDSA);
    const report = await checkServerIdentity({
      certificate,
      privateKey: keys.privateKey,
      chain: [certificate],
    });
    expect(rules(report)).toEqual([IMPORT_RULES.KEY_NOT_RSA, IMPORT_RULES.SIGNATURE_NOT_RSA]);
    expect(report.violations[1]!.message).toContain('1.2.840.10045.4.3.2'); // ecdsa-with-SHA256
  });

  it('detects an RSA key in a certificate signed with ECDSA by another key', async () => {
    const rsa = await nodeKeyPair('rsa');
    const ec = await nodeKeyPair('ec');
    const certificate = await x509.X509CertificateGenerator.create(
      {
        subject: 'CN=rsa.example',
        issuer: 'CN=ec-ca.example',
        notBefore: new Date(Date.now() - 1000),
        notAfter: new Date(Date.now() + 86_400_000),
        publicKey: rsa.publicKey,
        signingKey: ec.privateKey,
        signingAlgorithm: ECDSA,
      },
      nodeCrypto,
    );
    const report = await checkServerIdentity({
      certificate,
      privateKey: rsa.privateKey,
      chain: [certificate],
    });
    expect(rules(report)).toEqual([IMPORT_RULES.SIGNATURE_NOT_RSA]);
  });

  it('detects not-yet-valid and expired certificates through `now`', async () => {
    const early = await checkServerIdentity(good, { now: new Date('2025-12-31T23:59:59Z') });
    expect(rules(early)).toEqual([IMPORT_RULES.NOT_YET_VALID]);
    expect(early.violations[0]!.message).toContain('2026-01-01T00:00:00.000Z');
    const late = await checkServerIdentity(good, { now: new Date('2027-01-01T00:00:01Z') });
    expect(rules(late)).toEqual([IMPORT_RULES.EXPIRED]);
    // The bounds themselves are inside the validity period (RFC 5280 section 4.1.2.5).
    expect((await checkServerIdentity(good, { now: good.certificate.notBefore })).ok).toBe(true);
    expect((await checkServerIdentity(good, { now: good.certificate.notAfter })).ok).toBe(true);
  });

  it('lists every violation at once', async () => {
    const small = await nodeKeyPair('rsa', 1024);
    const certificate = await selfSigned(small, RSA, 1, new Date('2020-01-01T00:00:00Z'));
    const report = await checkServerIdentity({
      certificate,
      privateKey: other.privateKey,
      chain: [certificate],
    });
    expect(rules(report)).toEqual([
      IMPORT_RULES.KEY_MISMATCH,
      IMPORT_RULES.RSA_KEY_TOO_SMALL,
      IMPORT_RULES.EXPIRED,
    ]);
  });

  it('assertServerIdentity throws ERR_CERT_IMPORT_RULES with every violation', async () => {
    const mixed = { ...good, privateKey: other.privateKey };
    const err = await assertServerIdentity(mixed, { now: new Date('2030-01-01T00:00:00Z') }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CertificateError);
    expect(isSepmError(err)).toBe(true);
    const e = err as CertificateError;
    expect(e.code).toBe('ERR_CERT_IMPORT_RULES');
    expect(e.violations).toEqual([
      'key-mismatch: private key does not match the certificate',
      `expired: certificate expired at ${good.certificate.notAfter.toISOString()}`,
    ]);
    expect(e.message).toContain('key-mismatch');
    await expect(
      assertServerIdentity(good, { now: new Date('2026-06-01T00:00:00Z') }),
    ).resolves.toBeUndefined();
  });

  it('refuses arguments that are not an identity', async () => {
    await expect(checkServerIdentity(null as never)).rejects.toThrow(TypeError);
    await expect(checkServerIdentity({ ...good, certificate: 'pem' } as never)).rejects.toThrow(
      TypeError,
    );
    await expect(
      checkServerIdentity({ ...good, privateKey: good.certificate } as never),
    ).rejects.toThrow(TypeError);
    await expect(checkServerIdentity(good, { now: new Date(NaN) })).rejects.toThrow(TypeError);
  });
});

describe.each(PROVIDERS)('checkServerIdentity with $name', ({ crypto }) => {
  it('matches keys made by the provider, and detects a mismatch', async () => {
    const opts = crypto ? { crypto } : {};
    const [a, b] = await Promise.all([
      generateServerIdentity({ commonName: 'a.example', ...opts }),
      generateServerIdentity({ commonName: 'b.example', ...opts }),
    ]);
    expect((await checkServerIdentity(a)).ok).toBe(true);
    const mixed: ServerIdentity = { ...a, privateKey: b.privateKey };
    expect(rules(await checkServerIdentity(mixed))).toEqual([IMPORT_RULES.KEY_MISMATCH]);
  });

  it('proves possession of a non-extractable key by signing', async () => {
    const provider = crypto ?? nodeCrypto;
    const id = await generateServerIdentity({
      commonName: 'ne.example',
      ...(crypto ? { crypto } : {}),
    });
    const pkcs8 = await provider.subtle.exportKey('pkcs8', id.privateKey);
    const locked = await provider.subtle.importKey('pkcs8', pkcs8, RSA, false, ['sign']);
    const report = await checkServerIdentity({ ...id, privateKey: locked, crypto: provider });
    expect(report.ok).toBe(true);
    const other = await generateServerIdentity({ commonName: 'other.example' });
    const wrong = await checkServerIdentity({ ...other, privateKey: locked, crypto: provider });
    expect(rules(wrong)).toEqual([IMPORT_RULES.KEY_MISMATCH]);
  });
});
