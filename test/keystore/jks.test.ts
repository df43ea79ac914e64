import { X509Certificate, createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSepmError } from '../../src/errors.js';
import { readJks, writeJks } from '../../src/keystore/jks.js';
import type { Keystore, PrivateKeyEntry } from '../../src/keystore/model.js';
import {
  TempDir,
  certPem,
  hexPassword,
  javaRead,
  keytool,
  makeIdentity,
  sha256,
  type TestIdentity,
} from './tools.js';
import { requireTool } from '../helpers/tools.js';

const HAS_JDK = requireTool('jdk', import.meta.url);

const keyMatchesCert = (pkcs8: Uint8Array, cert: Uint8Array): boolean =>
  new X509Certificate(cert).checkPrivateKey(
    createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }),
  );

const privateKeys = (ks: Keystore): PrivateKeyEntry[] =>
  ks.entries.filter((e): e is PrivateKeyEntry => e.kind === 'privateKey');

describe.runIf(HAS_JDK)('JKS files made by keytool', () => {
  const tmp = new TempDir();
  let certDer: Uint8Array;
  beforeAll(() => {
    keytool(
      '-genkeypair',
      '-keystore',
      tmp.path('rsa.jks'),
      '-storetype',
      'JKS',
      '-storepass',
      'changeit',
      '-keypass',
      'changeit',
      '-alias',
      'MyKey',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-sigalg',
      'SHA256withRSA',
      '-dname',
      'CN=Test RSA, O=Example, C=US',
      '-validity',
      '3650',
    );
    keytool(
      '-exportcert',
      '-keystore',
      tmp.path('rsa.jks'),
      '-storepass',
      'changeit',
      '-alias',
      'mykey',
      '-file',
      tmp.path('rsa.cer'),
    );
    certDer = tmp.read('rsa.cer');
    keytool(
      '-importcert',
      '-noprompt',
      '-keystore',
      tmp.path('trusted.jks'),
      '-storetype',
      'JKS',
      '-storepass',
      'changeit',
      '-alias',
      'TrustedCA',
      '-file',
      tmp.path('rsa.cer'),
    );
    keytool(
      '-genkeypair',
      '-keystore',
      tmp.path('ec.jks'),
      '-storetype',
      'JKS',
      '-storepass',
      'storepw1',
      '-keypass',
      'keypw222',
      '-alias',
      'k1',
      '-keyalg',
      'EC',
      '-groupname',
      'secp256r1',
      '-sigalg',
      'SHA256withECDSA',
      '-dname',
      'CN=Test EC',
      '-validity',
      '365',
    );
  });
  afterAll(() => tmp.remove());

  it('reads an RSA private-key entry whose key matches its certificate', () => {
    const ks = readJks(tmp.read('rsa.jks'), 'changeit');
    expect(ks.format).toBe('jks');
    expect(ks.entries).toHaveLength(1);
    const [e] = privateKeys(ks);
    expect(e!.alias).toBe('mykey'); // keytool lower-cases -alias MyKey
    expect(e!.chain).toHaveLength(1);
    expect(sha256(e!.chain[0]!)).toBe(sha256(certDer));
    expect(keyMatchesCert(e!.pkcs8, e!.chain[0]!)).toBe(true);
    expect(Math.abs(e!.date!.getTime() - Date.now())).toBeLessThan(10 * 60_000);
  });

  it('reads an EC key whose key password differs from the store password', () => {
    const ks = readJks(tmp.read('ec.jks'), 'storepw1', { keyPasswords: { k1: 'keypw222' } });
    const [e] = privateKeys(ks);
    expect(
      createPrivateKey({ key: Buffer.from(e!.pkcs8), format: 'der', type: 'pkcs8' })
        .asymmetricKeyType,
    ).toBe('ec');
    expect(keyMatchesCert(e!.pkcs8, e!.chain[0]!)).toBe(true);
    // The store password is not the key password: the KeyProtector check value refuses it.
    expect(() => readJks(tmp.read('ec.jks'), 'storepw1')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_KEY_UNRECOVERABLE' }),
    );
  });

  it('reads a truststore holding only a trusted certificate', () => {
    const ks = readJks(tmp.read('trusted.jks'), 'changeit');
    expect(ks.entries).toEqual([
      expect.objectContaining({
        kind: 'trustedCertificate',
        alias: 'trustedca',
        certificate: new Uint8Array(certDer),
      }),
    ]);
  });

  it('refuses a wrong store password with ERR_KEYSTORE_INTEGRITY and its fixed message', () => {
    for (const file of ['rsa.jks', 'trusted.jks', 'ec.jks']) {
      expect(() => readJks(tmp.read(file), 'wrong-password')).toThrow(
        expect.objectContaining({
          code: 'ERR_KEYSTORE_INTEGRITY',
          message: 'keystore was tampered with, or the password is incorrect',
        }),
      );
    }
  });

  it('gives a SepmError for every single-byte change of a keytool file, never a key', () => {
    const original = tmp.read('trusted.jks');
    const codes = new Set<string>();
    for (let i = 0; i < original.length; i++) {
      for (const flip of [0x01, 0x80]) {
        const bytes = original.slice();
        bytes[i]! ^= flip;
        try {
          readJks(bytes, 'changeit');
          expect.unreachable(`byte ${i} ^ ${flip} was accepted`);
        } catch (e) {
          expect(isSepmError(e)).toBe(true);
          codes.add((e as { code: string }).code);
        }
      }
    }
    // Digest mismatch, broken framing, or (a changed version number) an unsupported version.
    expect([...codes].sort()).toEqual([
      'ERR_KEYSTORE_INTEGRITY',
      'ERR_KEYSTORE_MALFORMED',
      'ERR_KEYSTORE_UNSUPPORTED',
    ]);
  });
});

describe('JKS files we write', () => {
  const tmp = new TempDir();
  let ca: TestIdentity;
  let leaf: TestIdentity;
  let ec: TestIdentity;
  let ks: Keystore;
  const unicodeAlias = 'Ünïcödé😀Alias';
  const storePassword = 'pässwörd€😀';
  const keyPasswords = { ec: 'ключ-пароль' };

  beforeAll(async () => {
    ca = await makeIdentity('Test CA', { ca: true });
    leaf = await makeIdentity('server.example', { issuer: ca });
    ec = await makeIdentity('ec.example', { type: 'ec' });
    ks = {
      format: 'jks',
      entries: [
        {
          kind: 'privateKey',
          alias: 'Server',
          date: new Date(1_700_000_000_000),
          pkcs8: leaf.pkcs8,
          chain: [leaf.cert, ca.cert],
        },
        { kind: 'privateKey', alias: 'ec', pkcs8: ec.pkcs8, chain: [ec.cert] },
        { kind: 'trustedCertificate', alias: 'TrustedCA', certificate: ca.cert },
        { kind: 'trustedCertificate', alias: unicodeAlias, certificate: ec.cert },
      ],
    };
    tmp.write('v2.jks', writeJks(ks, storePassword, { keyPasswords }));
    tmp.write('v1.jks', writeJks(ks, storePassword, { keyPasswords, version: 1 }));
    tmp.write('ascii.jks', writeJks(ks, 'changeit', { keyPasswords: { ec: 'keypw222' } }));
  });
  afterAll(() => tmp.remove());

  it.runIf(HAS_JDK)(
    'keytool -list -v shows the lower-cased aliases, entry kinds and chain lengths',
    () => {
      const out = keytool(
        '-list',
        '-v',
        '-keystore',
        tmp.path('ascii.jks'),
        '-storepass',
        'changeit',
      );
      expect(out).toContain('Your keystore contains 4 entries');
      const entries = out
        .split(/\*{10,}/)
        .map((block) => ({
          alias: /Alias name: (.*)/.exec(block)?.[1],
          type: /Entry type: (.*)/.exec(block)?.[1],
          chain: /Certificate chain length: (\d+)/.exec(block)?.[1],
        }))
        .filter((e) => e.alias !== undefined)
        .sort((a, b) => a.alias!.localeCompare(b.alias!));
      expect(entries).toEqual([
        { alias: 'ec', type: 'PrivateKeyEntry', chain: '1' },
        { alias: 'server', type: 'PrivateKeyEntry', chain: '2' },
        { alias: 'trustedca', type: 'trustedCertEntry', chain: undefined },
        { alias: unicodeAlias.toLowerCase(), type: 'trustedCertEntry', chain: undefined },
      ]);
    },
  );

  it.runIf(HAS_JDK)(
    'the Java KeyStore API loads v1 and v2 files (Unicode passwords) and recovers keys equal to ours',
    () => {
      const jobs = ['v2.jks', 'v1.jks'].map((f) => [
        'JKS',
        tmp.path(f),
        hexPassword(storePassword),
        `ec=${hexPassword(keyPasswords.ec)}`,
      ]);
      const result = javaRead(jobs);
      for (const f of ['v2.jks', 'v1.jks']) {
        const entries = result.get(tmp.path(f))!;
        expect(entries).toEqual([
          { kind: 'KEY', alias: 'ec', chainLength: 1, sha256: sha256(ec.pkcs8), algorithm: 'EC' },
          {
            kind: 'KEY',
            alias: 'server',
            chainLength: 2,
            sha256: sha256(leaf.pkcs8),
            algorithm: 'RSA',
          },
          { kind: 'CERT', alias: 'trustedca', sha256: sha256(ca.cert) },
          { kind: 'CERT', alias: unicodeAlias.toLowerCase(), sha256: sha256(ec.cert) },
        ]);
      }
    },
  );

  it('round-trips through our reader, keeping dates, keys and chains', () => {
    for (const f of ['v2.jks', 'v1.jks']) {
      const back = readJks(tmp.read(f), storePassword, { keyPasswords });
      expect(back.entries.map((e) => e.alias)).toEqual([
        'server',
        'ec',
        'trustedca',
        unicodeAlias.toLowerCase(),
      ]);
      const [server, ecEntry] = privateKeys(back);
      expect(server!.date).toEqual(new Date(1_700_000_000_000));
      expect(server!.pkcs8).toEqual(leaf.pkcs8);
      expect(server!.chain).toEqual([leaf.cert, ca.cert]);
      expect(ecEntry!.pkcs8).toEqual(ec.pkcs8);
    }
  });

  it('writes version 2 by default and version 1 on request', () => {
    expect(Array.from(tmp.read('v2.jks').subarray(0, 8))).toEqual([
      0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2,
    ]);
    expect(Array.from(tmp.read('v1.jks').subarray(0, 8))).toEqual([
      0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 1,
    ]);
  });

  it('uses a fresh KeyProtector salt each time', () => {
    const a = writeJks({ format: 'jks', entries: [ks.entries[1]!] }, 'pw', { now: new Date(0) });
    const b = writeJks({ format: 'jks', entries: [ks.entries[1]!] }, 'pw', { now: new Date(0) });
    expect(sha256(a)).not.toBe(sha256(b));
    expect(readJks(a, 'pw').entries).toEqual(readJks(b, 'pw').entries);
  });

  it('refuses aliases that collide once lower-cased, and secret keys', () => {
    const dup: Keystore = {
      format: 'jks',
      entries: [
        { kind: 'trustedCertificate', alias: 'CA', certificate: ca.cert },
        { kind: 'trustedCertificate', alias: 'ca', certificate: ca.cert },
      ],
    };
    expect(() => writeJks(dup, 'changeit')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_UNSUPPORTED' }),
    );
    const secret: Keystore = {
      format: 'jceks',
      entries: [{ kind: 'secretKey', alias: 'aes', algorithm: 'AES', key: new Uint8Array(16) }],
    };
    expect(() => writeJks(secret, 'changeit')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_UNSUPPORTED' }),
    );
  });

  it('an empty store password is a password, not "skip the check"', () => {
    const bytes = writeJks({ format: 'jks', entries: [ks.entries[2]!] }, '');
    expect(readJks(bytes, '').entries).toHaveLength(1);
    expect(() => readJks(bytes, 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_INTEGRITY' }),
    );
  });

  it('gives a SepmError for every single-byte change of a file we wrote, never a key', () => {
    const original = writeJks(
      { format: 'jks', entries: [ks.entries[1]!, ks.entries[2]!] },
      'changeit',
    );
    for (let i = 0; i < original.length; i++) {
      const bytes = original.slice();
      bytes[i]! ^= 1 << (i % 8);
      let err: unknown;
      try {
        readJks(bytes, 'changeit');
      } catch (e) {
        err = e;
      }
      expect(isSepmError(err), `byte ${i}`).toBe(true);
      expect([
        'ERR_KEYSTORE_INTEGRITY',
        'ERR_KEYSTORE_MALFORMED',
        'ERR_KEYSTORE_UNSUPPORTED',
      ]).toContain((err as { code: string }).code);
    }
  });

  it('checks arguments (caller bugs are TypeError/RangeError)', () => {
    expect(() => writeJks(null as never, 'x')).toThrow(TypeError);
    expect(() => writeJks(ks, 1 as never)).toThrow(TypeError);
    expect(() => writeJks(ks, 'x', { version: 3 as never })).toThrow(RangeError);
    expect(() => readJks('x' as never, 'x')).toThrow(TypeError);
    expect(() => readJks(new Uint8Array(40), 'x', { maxIterations: 0 })).toThrow(RangeError);
  });

  it('writes PEM of the chain that openssl can parse', () => {
    // A sanity check of the test identities themselves: openssl verifies the chain we put in the JKS.
    tmp.write('ca.pem', certPem(ca.cert));
    tmp.write('leaf.pem', certPem(leaf.cert));
    expect(keyMatchesCert(leaf.pkcs8, leaf.cert)).toBe(true);
  });
});
