import { createPrivateKey } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSepmError } from '../../src/errors.js';
import type { PrivateKeyEntry } from '../../src/keystore/model.js';
import { readPem, writePem } from '../../src/keystore/pem.js';
import { pemBlocks, toPem } from '../../src/keystore/pem_codec.js';
import { TempDir, certPem, makeIdentity, openssl, type TestIdentity } from './tools.js';
import { requireTool } from '../helpers/tools.js';

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

/** The PKCS#8 Node exports for a key in any form: a canonical form to compare keys. */
const canonical = (pem: string, passphrase?: string): Buffer =>
  createPrivateKey({ key: pem, passphrase }).export({ type: 'pkcs8', format: 'der' });

const keyOf = (e: unknown): Buffer =>
  createPrivateKey({
    key: Buffer.from((e as PrivateKeyEntry).pkcs8),
    format: 'der',
    type: 'pkcs8',
  }).export({ type: 'pkcs8', format: 'der' });

describe.runIf(HAS_OPENSSL)('PEM files made by openssl', () => {
  const tmp = new TempDir();
  beforeAll(() => {
    openssl(
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-out',
      tmp.path('rsa.pem'),
    );
    openssl(
      'req',
      '-x509',
      '-key',
      tmp.path('rsa.pem'),
      '-out',
      tmp.path('rsa.crt'),
      '-subj',
      '/CN=pem.example',
      '-days',
      '30',
    );
    openssl(
      'rsa',
      '-in',
      tmp.path('rsa.pem'),
      '-traditional',
      '-aes256',
      '-passout',
      'pass:secret',
      '-out',
      tmp.path('rsa-aes256.pem'),
    );
    openssl(
      'rsa',
      '-in',
      tmp.path('rsa.pem'),
      '-traditional',
      '-aes128',
      '-passout',
      'pass:secret',
      '-out',
      tmp.path('rsa-aes128.pem'),
    );
    openssl(
      'rsa',
      '-in',
      tmp.path('rsa.pem'),
      '-traditional',
      '-des3',
      '-passout',
      'pass:secret',
      '-out',
      tmp.path('rsa-des3.pem'),
    );
    openssl('rsa', '-in', tmp.path('rsa.pem'), '-traditional', '-out', tmp.path('rsa-pkcs1.pem'));
    openssl(
      'pkcs8',
      '-topk8',
      '-in',
      tmp.path('rsa.pem'),
      '-v2',
      'aes-256-cbc',
      '-v2prf',
      'hmacWithSHA256',
      '-passout',
      'pass:secret',
      '-out',
      tmp.path('rsa-enc.pem'),
    );
    openssl(
      'pkcs8',
      '-topk8',
      '-in',
      tmp.path('rsa.pem'),
      '-v2',
      'aes-256-cbc',
      '-v2prf',
      'hmacWithSHA256',
      '-iter',
      '300000',
      '-passout',
      'pass:secret',
      '-out',
      tmp.path('rsa-enc-300k.pem'),
    );
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-out', tmp.path('ec-params.pem'));
    openssl('ec', '-in', tmp.path('ec-params.pem'), '-out', tmp.path('ec.pem'));
    openssl(
      'req',
      '-x509',
      '-key',
      tmp.path('ec.pem'),
      '-out',
      tmp.path('ec.crt'),
      '-subj',
      '/CN=ec.example',
      '-days',
      '30',
    );
    openssl(
      'x509',
      '-in',
      tmp.path('ec.crt'),
      '-trustout',
      '-addtrust',
      'serverAuth',
      '-out',
      tmp.path('ec-trusted.pem'),
    );
  }, 60_000);
  afterAll(() => tmp.remove());

  it('reads a PKCS#8 key with its certificate', () => {
    const ks = readPem(tmp.text('rsa.pem') + tmp.text('rsa.crt'));
    expect(ks.format).toBe('pem');
    expect(ks.entries).toHaveLength(1);
    const [e] = ks.entries as PrivateKeyEntry[];
    expect(e!.alias).toBe('key');
    expect(Buffer.from(e!.pkcs8)).toEqual(canonical(tmp.text('rsa.pem')));
    expect(e!.chain).toEqual([new Uint8Array(pemBlocks(tmp.text('rsa.crt'))[0]!.der)]);
  });

  it('reads PKCS#1 keys, plain and with DEK-Info AES-256/AES-128/DES-EDE3 encryption', () => {
    const want = canonical(tmp.text('rsa.pem'));
    for (const f of ['rsa-pkcs1.pem', 'rsa-aes256.pem', 'rsa-aes128.pem', 'rsa-des3.pem']) {
      expect(tmp.text(f)).toContain('BEGIN RSA PRIVATE KEY');
      const ks = readPem(tmp.text(f), { password: 'secret' });
      expect(Buffer.from((ks.entries[0] as PrivateKeyEntry).pkcs8), f).toEqual(want);
    }
    expect(tmp.text('rsa-aes256.pem')).toContain('DEK-Info: AES-256-CBC');
    expect(() => readPem(tmp.text('rsa-aes256.pem'), { password: 'wrong' })).toThrow(
      expect.objectContaining({
        code: 'ERR_PEM_DECRYPT_FAILED',
        message: 'PEM key could not be decrypted: wrong password or tampered data',
      }),
    );
    expect(() => readPem(tmp.text('rsa-des3.pem'))).toThrow(
      expect.objectContaining({ code: 'ERR_PEM_DECRYPT_FAILED' }),
    );
  });

  it('reads a PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA256) ENCRYPTED PRIVATE KEY', () => {
    const ks = readPem(tmp.text('rsa-enc.pem') + tmp.text('rsa.crt'), { password: 'secret' });
    expect(keyOf(ks.entries[0])).toEqual(canonical(tmp.text('rsa.pem')));
    expect((ks.entries[0] as PrivateKeyEntry).chain).toHaveLength(1);
    expect(() => readPem(tmp.text('rsa-enc.pem'), { password: 'wrong' })).toThrow(
      expect.objectContaining({ code: 'ERR_PEM_DECRYPT_FAILED', cause: expect.anything() }),
    );
    expect(() => readPem(tmp.text('rsa-enc.pem'))).toThrow(
      expect.objectContaining({ code: 'ERR_PEM_DECRYPT_FAILED' }),
    );
  });

  it('checks the PBKDF2 iteration count against maxIterations before deriving', () => {
    expect(() => readPem(tmp.text('rsa-enc-300k.pem'), { password: 'secret' })).toThrow(
      expect.objectContaining({ code: 'ERR_PEM_LIMIT_EXCEEDED' }),
    );
    const ks = readPem(tmp.text('rsa-enc-300k.pem'), {
      password: 'secret',
      maxIterations: 300_000,
    });
    expect(keyOf(ks.entries[0])).toEqual(canonical(tmp.text('rsa.pem')));
  });

  it('reads a SEC1 EC key (after an EC PARAMETERS block) as PKCS#8, paired with its certificate', () => {
    const ks = readPem(tmp.text('ec-params.pem') + tmp.text('ec.crt'));
    const [e] = ks.entries as PrivateKeyEntry[];
    expect(keyOf(e)).toEqual(canonical(tmp.text('ec.pem')));
    expect(e!.chain).toHaveLength(1);
    expect(readPem(tmp.text('ec.pem')).entries).toHaveLength(1);
  });

  it('reads the certificate of a TRUSTED CERTIFICATE block', () => {
    expect(tmp.text('ec-trusted.pem')).toContain('BEGIN TRUSTED CERTIFICATE');
    const ks = readPem(tmp.text('ec-trusted.pem'));
    expect(ks.entries).toEqual([
      {
        kind: 'trustedCertificate',
        alias: 'cert-1',
        certificate: new Uint8Array(pemBlocks(tmp.text('ec.crt'))[0]!.der),
      },
    ]);
  });

  it('reads a bundle with CRLF line ends and text between blocks', () => {
    const text = [
      'Bag Attributes',
      '    friendlyName: my server',
      tmp.text('rsa.pem'),
      'subject=CN = pem.example',
      tmp.text('rsa.crt'),
      'junk text',
      tmp.text('ec.crt'),
    ]
      .join('\n')
      .replace(/\n/g, '\r\n');
    const ks = readPem(text);
    expect(ks.entries.map((e) => [e.kind, e.alias])).toEqual([
      ['privateKey', 'my server'],
      ['trustedCertificate', 'cert-1'],
    ]);
  });

  it('answers character-level mutations of real files with a keystore or a PemError', () => {
    const text =
      tmp.text('rsa-aes256.pem') +
      tmp.text('rsa-enc.pem') +
      tmp.text('ec-params.pem') +
      tmp.text('rsa.crt');
    const alphabet = 'A/+=-: \n\r0aZ9';
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.nat(alphabet.length - 1), (at, c) => {
        const mutated = text.slice(0, at) + alphabet[c] + text.slice(at + 1);
        try {
          readPem(mutated, { password: 'secret' });
        } catch (e) {
          expect(
            isSepmError(e) && (e as { code: string }).code.startsWith('ERR_PEM_'),
            String(e),
          ).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('writes PEM that openssl reads back: plain and encrypted keys, certificates', () => {
    const ks = readPem(tmp.text('rsa.pem') + tmp.text('rsa.crt'));
    tmp.write('out.pem', writePem(ks));
    tmp.write('out-enc.pem', writePem(ks, { password: 'pässwörd' }));
    const pub = openssl('x509', '-in', tmp.path('rsa.crt'), '-pubkey', '-noout');
    expect(openssl('pkey', '-in', tmp.path('out.pem'), '-pubout')).toBe(pub);
    expect(tmp.text('out-enc.pem')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(
      openssl('pkey', '-in', tmp.path('out-enc.pem'), '-passin', 'pass:pässwörd', '-pubout'),
    ).toBe(pub);
    expect(openssl('asn1parse', '-in', tmp.path('out-enc.pem'))).toMatch(
      /PBES2[\s\S]*PBKDF2[\s\S]*hmacWithSHA256[\s\S]*aes-256-cbc/,
    );
    expect(openssl('x509', '-in', tmp.path('out.pem'), '-noout', '-subject')).toContain(
      'pem.example',
    );
    expect(readPem(tmp.text('out-enc.pem'), { password: 'pässwörd' }).entries).toEqual(ks.entries);
  });
});

describe('PEM chains and aliases', () => {
  let ca: TestIdentity;
  let leaf: TestIdentity;
  let other: TestIdentity;
  beforeAll(async () => {
    ca = await makeIdentity('PEM CA', { ca: true });
    leaf = await makeIdentity('leaf.example', { issuer: ca });
    other = await makeIdentity('other.example', { type: 'ec' });
  });

  it('pairs a key with its leaf and the leaf issuers in the bundle, in any order', () => {
    const text =
      certPem(ca.cert) +
      certPem(other.cert) +
      toPem('PRIVATE KEY', leaf.pkcs8) +
      certPem(leaf.cert);
    const ks = readPem(text);
    expect(ks.entries).toEqual([
      { kind: 'privateKey', alias: 'key', pkcs8: leaf.pkcs8, chain: [leaf.cert, ca.cert] },
      { kind: 'trustedCertificate', alias: 'cert-1', certificate: other.cert },
    ]);
  });

  it('keeps a key without a certificate, and writes friendlyName lines it reads back', () => {
    const ks = readPem(toPem('PRIVATE KEY', other.pkcs8) + certPem(ca.cert));
    expect(ks.entries.map((e) => [e.kind, e.kind === 'privateKey' ? e.chain.length : -1])).toEqual([
      ['privateKey', 0],
      ['trustedCertificate', -1],
    ]);
    const named = {
      format: 'pem' as const,
      entries: ks.entries.map((e, i) => ({ ...e, alias: ['Mein Schlüssel', 'root ca'][i]! })),
    };
    expect(readPem(writePem(named, { friendlyNames: true })).entries).toEqual(named.entries);
  });

  it('refuses secret keys on write', () => {
    expect(() =>
      writePem({
        format: 'jceks',
        entries: [{ kind: 'secretKey', alias: 'a', algorithm: 'AES', key: new Uint8Array(16) }],
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_PEM_UNSUPPORTED' }));
  });
});

describe('PEM framing', () => {
  const cert = (): string => toPem('CERTIFICATE', Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]));
  const bad: [string, string, string][] = [
    [
      'mismatched END label',
      '-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n',
      'ERR_PEM_MALFORMED',
    ],
    ['unclosed block', '-----BEGIN CERTIFICATE-----\nMAMCAQE=\n', 'ERR_PEM_MALFORMED'],
    [
      'non-alphabet base64',
      '-----BEGIN CERTIFICATE-----\nMAMC*QE=\n-----END CERTIFICATE-----\n',
      'ERR_PEM_MALFORMED',
    ],
    [
      'bad padding',
      '-----BEGIN CERTIFICATE-----\nMAMCAQE\n-----END CERTIFICATE-----\n',
      'ERR_PEM_MALFORMED',
    ],
    [
      'empty block',
      '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
      'ERR_PEM_MALFORMED',
    ],
    [
      'bad BEGIN line',
      '-----BEGIN  CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n',
      'ERR_PEM_MALFORMED',
    ],
    [
      'headers on a certificate',
      '-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\nMAMCAQE=\n-----END CERTIFICATE-----\n',
      'ERR_PEM_MALFORMED',
    ],
    ['certificate that is not X.509', cert(), 'ERR_PEM_MALFORMED'],
    [
      'unknown label',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nMAMCAQE=\n-----END OPENSSH PRIVATE KEY-----\n',
      'ERR_PEM_UNSUPPORTED',
    ],
    [
      'unknown DEK-Info cipher',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: DES-CBC,0011223344556677\n\nMAMCAQE=\n-----END RSA PRIVATE KEY-----\n',
      'ERR_PEM_UNSUPPORTED',
    ],
    [
      'short DEK-Info IV',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011\n\nMAMCAQE=\n-----END RSA PRIVATE KEY-----\n',
      'ERR_PEM_MALFORMED',
    ],
    [
      'garbage PKCS#8',
      toPem('PRIVATE KEY', Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01])),
      'ERR_PEM_MALFORMED',
    ],
  ];
  it.each(bad)('refuses %s', (_name, text, code) => {
    expect(() => readPem(text, { password: 'x' })).toThrow(expect.objectContaining({ code }));
  });

  it('refuses invalid UTF-8 and input over maxBytes', () => {
    expect(() => readPem(Uint8Array.from([0x2d, 0xff, 0xfe]))).toThrow(
      expect.objectContaining({ code: 'ERR_PEM_MALFORMED' }),
    );
    expect(() => readPem('x'.repeat(100), { maxBytes: 99 })).toThrow(
      expect.objectContaining({ code: 'ERR_PEM_LIMIT_EXCEEDED' }),
    );
  });

  it('handles long pathological lines in linear time (no regex backtracking)', () => {
    const t = performance.now();
    for (const text of [
      'friendlyName: ' + ' '.repeat(300_000) + 'x',
      '-----BEGIN ' + 'A-'.repeat(200_000),
      '-----BEGIN RSA PRIVATE KEY-----\nDEK-Info:' + ' '.repeat(300_000) + 'x\n',
    ]) {
      try {
        readPem(text);
      } catch (e) {
        expect(isSepmError(e)).toBe(true);
      }
    }
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('round-trips any bytes through toPem/pemBlocks, with 64-character lines', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (der) => {
        const text = toPem('TEST BLOCK', der);
        expect(text.split('\n').every((l) => l.length <= 64)).toBe(true);
        const [b] = pemBlocks(text.replace(/\n/g, '\r\n'));
        expect(b!.label).toBe('TEST BLOCK');
        expect(b!.der).toEqual(der);
      }),
    );
  });

  it('answers arbitrary text with a keystore or a PemError, nothing else', () => {
    const pieces = fc.constantFrom(
      '-----BEGIN CERTIFICATE-----',
      '-----END CERTIFICATE-----',
      '-----BEGIN PRIVATE KEY-----',
      'MAMCAQE=',
      'Proc-Type: 4,ENCRYPTED',
      '\n',
      '\r\n',
      ' ',
      'abc',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 20 }), (parts) => {
        try {
          readPem(parts.join(''));
        } catch (e) {
          expect(isSepmError(e) && (e as { code: string }).code.startsWith('ERR_PEM_')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects caller bugs with TypeError/RangeError', () => {
    expect(() => toPem('bad\nlabel', new Uint8Array(1))).toThrow(TypeError);
    expect(() => readPem(42 as never)).toThrow(TypeError);
    expect(() => readPem('', { maxIterations: 10_000_000 })).toThrow(RangeError);
  });
});
