import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey, KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as x509 from '../../src/cert/x509.js';
import {
  checkServerIdentity,
  generateServerIdentity,
  type ServerIdentity,
} from '../../src/cert/index.js';
import { PROVIDERS, openssl, privateKeyPem, tempDir } from './helpers.js';
import { requireTool } from '../helpers/tools.js';

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

describe.each(PROVIDERS)('generateServerIdentity with $name', ({ crypto }) => {
  const tmp = tempDir();
  let identity: ServerIdentity;
  let certPath: string;
  let text: string;

  beforeAll(async () => {
    identity = await generateServerIdentity({
      commonName: 'sepm01.corp.example',
      subjectAltNames: [
        'sepm01.corp.example',
        'sepm01',
        '10.0.0.5',
        '2001:db8::5',
        { dns: 'manager.example' },
        { ip: '127.0.0.1' },
      ],
      ...(crypto ? { crypto } : {}),
    });
    certPath = tmp.file('server.crt', identity.certificate.toString('pem'));
    if (!HAS_OPENSSL) return;
    const r = openssl(['x509', '-in', certPath, '-noout', '-text']);
    expect(r.status).toBe(0);
    text = r.stdout;
  });
  afterAll(() => tmp.dispose());

  it.runIf(HAS_OPENSSL)(
    'openssl x509 -text shows an RSA 2048 key and sha256WithRSAEncryption',
    () => {
      expect(text).toContain('Public Key Algorithm: rsaEncryption');
      expect(text).toMatch(/Public-Key: \(2048 bit\)/);
      expect(text).toContain('Exponent: 65537');
      expect(text.match(/Signature Algorithm: sha256WithRSAEncryption/g)?.length).toBe(2);
      expect(text).toContain('Subject: CN = sepm01.corp.example');
      expect(text).toContain('Issuer: CN = sepm01.corp.example');
      expect(text).toContain('Version: 3 (0x2)');
    },
  );

  it.runIf(HAS_OPENSSL)('has the SANs, key usage, extended key usage and basic constraints', () => {
    expect(text).toMatch(
      /X509v3 Subject Alternative Name:\s*\n\s*DNS:sepm01\.corp\.example, DNS:sepm01, IP Address:10\.0\.0\.5, IP Address:2001:DB8:0:0:0:0:0:5, DNS:manager\.example, IP Address:127\.0\.0\.1\n/,
    );
    expect(text).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature, Key Encipherment\n/);
    expect(text).toMatch(
      /X509v3 Extended Key Usage:\s*\n\s*TLS Web Server Authentication, TLS Web Client Authentication, E-mail Protection\n/,
    );
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s*\n\s*CA:FALSE\n/);
    expect(text).toContain('X509v3 Subject Key Identifier');
  });

  it.runIf(HAS_OPENSSL)(
    'openssl verify accepts the self-signed certificate as its own trust anchor',
    () => {
      const r = openssl(['verify', '-CAfile', certPath, certPath]);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe(`${certPath}: OK`);
    },
  );

  it.runIf(HAS_OPENSSL)('openssl accepts the private key as the certificate key', async () => {
    const keyPath = tmp.file('server.key', await privateKeyPem(identity));
    const certMod = openssl(['x509', '-in', certPath, '-noout', '-modulus']);
    const keyMod = openssl(['rsa', '-in', keyPath, '-noout', '-modulus']);
    expect(keyMod.status).toBe(0);
    expect(keyMod.stdout).toBe(certMod.stdout);
    expect(certMod.stdout).toMatch(/^Modulus=[0-9A-F]{512}\n$/);
  });

  it('returns an extractable RSASSA-PKCS1-v1_5 / SHA-256 private key and a one-element chain', async () => {
    const key = identity.privateKey;
    expect(key.type).toBe('private');
    expect(key.extractable).toBe(true);
    expect(key.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    expect((key.algorithm as RsaHashedKeyAlgorithm).hash.name).toBe('SHA-256');
    expect((key.algorithm as RsaHashedKeyAlgorithm).modulusLength).toBe(2048);
    expect(key.usages).toEqual(['sign']);
    expect(identity.chain).toEqual([identity.certificate]);
    expect(identity.crypto).toBe(crypto);
    expect(await checkServerIdentity(identity)).toEqual({ ok: true, violations: [] });
  });

  it('has a positive serial of 16 bytes', () => {
    const tbs = AsnConvert.parse(identity.certificate.rawData, Certificate).tbsCertificate;
    const serial = new Uint8Array(tbs.serialNumber);
    expect(serial.length).toBe(16);
    expect(serial[0]! & 0x80).toBe(0);
    expect(serial[0]! & 0x40).toBe(0x40);
  });
});

describe('generateServerIdentity options', () => {
  it('gives every identity a different random serial and key', async () => {
    const [a, b] = await Promise.all([
      generateServerIdentity({ commonName: 'a.example' }),
      generateServerIdentity({ commonName: 'a.example' }),
    ]);
    expect(a.certificate.serialNumber).not.toBe(b.certificate.serialNumber);
    expect(a.certificate.serialNumber).toMatch(/^[4-7][0-9a-f]{31}$/);
    const ka = createPublicKey({
      key: Buffer.from(a.certificate.publicKey.rawData),
      format: 'der',
      type: 'spki',
    });
    const kb = createPublicKey({
      key: Buffer.from(b.certificate.publicKey.rawData),
      format: 'der',
      type: 'spki',
    });
    expect(ka.equals(kb)).toBe(false);
  });

  it('honours notBefore and validityDays (to the second)', async () => {
    const notBefore = new Date('2030-01-02T03:04:05.678Z');
    const id = await generateServerIdentity({
      commonName: 'v.example',
      notBefore,
      validityDays: 10,
    });
    expect(id.certificate.notBefore.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(id.certificate.notAfter.toISOString()).toBe('2030-01-12T03:04:05.000Z');
    // The caller's Date is not modified.
    expect(notBefore.getUTCMilliseconds()).toBe(678);
  });

  it('defaults to a year of validity starting now', async () => {
    const before = Date.now();
    const id = await generateServerIdentity({ commonName: 'now.example' });
    expect(id.certificate.notBefore.getTime()).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000,
    );
    expect(id.certificate.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
    expect(id.certificate.notAfter.getTime() - id.certificate.notBefore.getTime()).toBe(
      365 * 86_400_000,
    );
  });

  it('uses the common name as the default SAN when it is a host name or address', async () => {
    const byName = await generateServerIdentity({ commonName: 'Host.Example' });
    const san = byName.certificate.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.names.toJSON()).toEqual([{ type: 'dns', value: 'host.example' }]);

    const byIp = await generateServerIdentity({ commonName: '192.168.1.10' });
    expect(
      byIp.certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON(),
    ).toEqual([{ type: 'ip', value: '192.168.1.10' }]);

    const none = await generateServerIdentity({ commonName: 'SEPM Server, Site 1' });
    expect(none.certificate.getExtension(x509.SubjectAlternativeNameExtension)).toBeNull();
    expect(none.certificate.subject).toBe('CN=SEPM Server\\, Site 1');

    const explicitNone = await generateServerIdentity({
      commonName: 'x.example',
      subjectAltNames: [],
    });
    expect(explicitNone.certificate.getExtension(x509.SubjectAlternativeNameExtension)).toBeNull();
  });

  it('generates 3072-bit keys on request', async () => {
    const id = await generateServerIdentity({ commonName: 'big.example', keySize: 3072 });
    const key = KeyObject.from(id.privateKey as Parameters<typeof KeyObject.from>[0]);
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it.each([1024, 2047, 2049, 4000, 16384, '2048', null])(
    'refuses keySize %j with a RangeError',
    async (keySize) => {
      await expect(
        generateServerIdentity({ commonName: 'x', keySize: keySize as number }),
      ).rejects.toThrow(RangeError);
    },
  );

  it.each([
    ['an empty commonName', { commonName: '' }, RangeError],
    ['a 65-character commonName', { commonName: 'a'.repeat(65) }, RangeError],
    ['a control character in commonName', { commonName: 'a\nb' }, RangeError],
    ['a non-string commonName', { commonName: 42 }, TypeError],
    ['validityDays 0', { commonName: 'x', validityDays: 0 }, RangeError],
    ['fractional validityDays', { commonName: 'x', validityDays: 1.5 }, RangeError],
    ['an invalid notBefore', { commonName: 'x', notBefore: new Date('nope') }, TypeError],
    ['a malformed SAN string', { commonName: 'x', subjectAltNames: ['bad name!'] }, RangeError],
    [
      'a malformed IPv4 SAN',
      { commonName: 'x', subjectAltNames: [{ ip: '256.1.1.1' }] },
      RangeError,
    ],
    ['a malformed IPv6 SAN', { commonName: 'x', subjectAltNames: ['2001:db8:::1'] }, RangeError],
    [
      'a DNS SAN with a label starting with a hyphen',
      { commonName: 'x', subjectAltNames: [{ dns: '-bad-.example' }] },
      RangeError,
    ],
    [
      'a SAN object of the wrong shape',
      { commonName: 'x', subjectAltNames: [{ uri: 'http://x' }] },
      TypeError,
    ],
    ['subjectAltNames not an array', { commonName: 'x', subjectAltNames: 'x.example' }, TypeError],
    ['a crypto that is no provider', { commonName: 'x', crypto: {} }, TypeError],
  ])('refuses %s', async (_name, options, error) => {
    await expect(generateServerIdentity(options as never)).rejects.toThrow(error);
  });
});
