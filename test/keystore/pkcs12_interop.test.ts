/**
 * PKCS#12 files made at test time by the real keytool and openssl binaries: we read them, and
 * every recovered key matches its certificate (SPKI of the key derived via node:crypto equals the
 * certificate's).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPkcs12 } from '../../src/keystore/pkcs12/index.js';
import type { Keystore, PrivateKeyEntry } from '../../src/keystore/model.js';
import { makeOpensslChain } from './tools.js';
import { requireTool } from '../helpers/tools.js';

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

const HAS_JDK = requireTool('jdk', import.meta.url);

let dir: string;
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const openssl = (...args: string[]) => run('openssl', args);
const keytool = (...args: string[]) => run('keytool', args);
const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

function spkiOfKey(pkcs8: Uint8Array): string {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('hex');
}
function spkiOfCert(der: Uint8Array): string {
  return new X509Certificate(der).publicKey.export({ format: 'der', type: 'spki' }).toString('hex');
}
function pemToDer(pemFile: string): Uint8Array {
  return new Uint8Array(new X509Certificate(readFileSync(join(dir, pemFile))).raw);
}
function keys(ks: Keystore): PrivateKeyEntry[] {
  return ks.entries.filter((e): e is PrivateKeyEntry => e.kind === 'privateKey');
}
function expectKeysMatchCerts(ks: Keystore): void {
  for (const k of keys(ks)) {
    expect(k.chain.length).toBeGreaterThan(0);
    expect(spkiOfKey(k.pkcs8)).toBe(spkiOfCert(k.chain[0]!));
  }
}
function summary(ks: Keystore): string[] {
  return ks.entries.map(
    (e) => `${e.kind}:${e.alias}${e.kind === 'privateKey' ? `:${e.chain.length}` : ''}`,
  );
}

beforeAll(() => {
  if (!HAS_OPENSSL) return;
  dir = mkdtempSync(join(tmpdir(), 'p12-interop-'));
  // A 3-certificate chain of EC P-256 keys (root, intermediate, leaf) and an RSA identity.
  makeOpensslChain(
    dir,
    { root: '/CN=Test Root', intermediate: '/CN=Test Intermediate', leaf: '/CN=leaf.example' },
    'ec',
  );
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'rsa-key.pem',
    '-out',
    'rsa.pem',
    '-sha256',
    '-days',
    '30',
    '-subj',
    '/CN=Test OpenSSL RSA',
  );
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(HAS_OPENSSL)('files written by openssl pkcs12 -export', () => {
  const exportRsa = (out: string, ...extra: string[]) =>
    openssl(
      'pkcs12',
      '-export',
      '-in',
      'rsa.pem',
      '-inkey',
      'rsa-key.pem',
      '-name',
      'ossl key',
      '-out',
      out,
      '-passout',
      'pass:changeit',
      ...extra,
    );

  it('default (PBES2 AES-256-CBC, HMAC-SHA256 MAC)', () => {
    exportRsa('default.p12');
    const ks = readPkcs12(file('default.p12'), 'changeit');
    expect(summary(ks)).toEqual(['privateKey:ossl key:1']);
    expectKeysMatchCerts(ks);
    expect(keys(ks)[0]!.chain[0]).toEqual(pemToDer('rsa.pem'));
    expect(keys(ks)[0]!.localKeyId?.length).toBe(20); // OpenSSL: SHA-1 of the certificate
  });

  it('-legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', () => {
    exportRsa('legacy.p12', '-legacy');
    // `-info` prints the algorithms on stderr: make sure this really is a legacy file.
    const info = execFileSync(
      'sh',
      ['-c', `openssl pkcs12 -info -noout -legacy -in legacy.p12 -passin pass:changeit 2>&1`],
      { cwd: dir },
    ).toString();
    expect(info).toContain('pbeWithSHA1And40BitRC2-CBC');
    expect(info).toContain('MAC: sha1');
    const ks = readPkcs12(file('legacy.p12'), 'changeit');
    expect(summary(ks)).toEqual(['privateKey:ossl key:1']);
    expectKeysMatchCerts(ks);
  });

  it('3DES with SHA-1 MAC (-keypbe/-certpbe DES-EDE3-CBC: PBES2 3DES; and PBE-SHA1-3DES)', () => {
    exportRsa('3des.p12', '-keypbe', 'DES-EDE3-CBC', '-certpbe', 'DES-EDE3-CBC', '-macalg', 'sha1');
    exportRsa(
      'pbe3des.p12',
      '-keypbe',
      'PBE-SHA1-3DES',
      '-certpbe',
      'PBE-SHA1-3DES',
      '-macalg',
      'sha1',
    );
    for (const f of ['3des.p12', 'pbe3des.p12']) {
      const ks = readPkcs12(file(f), 'changeit');
      expect(summary(ks)).toEqual(['privateKey:ossl key:1']);
      expectKeysMatchCerts(ks);
    }
  });

  it('PBES2 AES-128-CBC keys and certificates with a SHA-1 MAC', () => {
    exportRsa('aes128.p12', '-keypbe', 'AES-128-CBC', '-certpbe', 'AES-128-CBC', '-macalg', 'sha1');
    const ks = readPkcs12(file('aes128.p12'), 'changeit');
    expect(summary(ks)).toEqual(['privateKey:ossl key:1']);
    expectKeysMatchCerts(ks);
  });

  it('empty password', () => {
    openssl(
      'pkcs12',
      '-export',
      '-in',
      'leaf.pem',
      '-inkey',
      'leaf-key.pem',
      '-certfile',
      'int.pem',
      '-name',
      'leaf',
      '-out',
      'empty.p12',
      '-passout',
      'pass:',
    );
    const ks = readPkcs12(file('empty.p12'), '');
    expect(summary(ks)).toEqual(['privateKey:leaf:2']);
    expectKeysMatchCerts(ks);
    expect(() => readPkcs12(file('empty.p12'), 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_INTEGRITY' }),
    );
  });

  it('a chain of 3 certificates, leaf first', () => {
    execFileSync('sh', ['-c', 'cat int.pem root.pem > cas.pem'], { cwd: dir });
    openssl(
      'pkcs12',
      '-export',
      '-in',
      'leaf.pem',
      '-inkey',
      'leaf-key.pem',
      '-certfile',
      'cas.pem',
      '-name',
      'leaf',
      '-out',
      'chain.p12',
      '-passout',
      'pass:changeit',
    );
    const ks = readPkcs12(file('chain.p12'), 'changeit');
    expect(summary(ks)).toEqual(['privateKey:leaf:3']);
    expectKeysMatchCerts(ks);
    expect(keys(ks)[0]!.chain).toEqual([
      pemToDer('leaf.pem'),
      pemToDer('int.pem'),
      pemToDer('root.pem'),
    ]);
  });

  it('certificates only (-nokeys)', () => {
    openssl(
      'pkcs12',
      '-export',
      '-nokeys',
      '-in',
      'cas.pem',
      '-out',
      'nokeys.p12',
      '-passout',
      'pass:changeit',
    );
    const ks = readPkcs12(file('nokeys.p12'), 'changeit');
    expect(ks.entries.map((e) => e.kind)).toEqual(['trustedCertificate', 'trustedCertificate']);
    const certs = ks.entries.map((e) =>
      e.kind === 'trustedCertificate' ? e.certificate : undefined,
    );
    expect(certs).toEqual([pemToDer('int.pem'), pemToDer('root.pem')]);
  });

  it('no MAC (-nomac), encrypted and unencrypted certificates', () => {
    exportRsa('nomac.p12', '-nomac');
    exportRsa('nomac-plain.p12', '-nomac', '-certpbe', 'NONE');
    for (const f of ['nomac.p12', 'nomac-plain.p12']) {
      const ks = readPkcs12(file(f), 'changeit');
      expect(summary(ks)).toEqual(['privateKey:ossl key:1']);
      expectKeysMatchCerts(ks);
    }
    // Without a MAC a wrong password shows when the first safe or key fails to decrypt.
    for (const f of ['nomac.p12', 'nomac-plain.p12']) {
      let code = 'none';
      try {
        readPkcs12(file(f), 'wrong');
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(['ERR_KEYSTORE_INTEGRITY', 'ERR_KEYSTORE_KEY_UNRECOVERABLE']).toContain(code);
    }
  });

  it('an unencrypted keyBag (-keypbe NONE), which Java ignores, is read', () => {
    exportRsa('plainkey.p12', '-keypbe', 'NONE', '-certpbe', 'NONE');
    const ks = readPkcs12(file('plainkey.p12'), 'changeit');
    expect(summary(ks)).toEqual(['privateKey:ossl key:1']);
    expectKeysMatchCerts(ks);
  });
});

describe.runIf(HAS_OPENSSL)('files written by keytool (JDK 17)', () => {
  it.runIf(HAS_JDK)(
    '-storetype PKCS12 defaults: private key entry and a trusted certificate entry',
    () => {
      keytool(
        '-genkeypair',
        '-keystore',
        'keytool.p12',
        '-storetype',
        'PKCS12',
        '-storepass',
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
        'CN=Test P12',
        '-validity',
        '30',
      );
      keytool(
        '-importcert',
        '-noprompt',
        '-keystore',
        'keytool.p12',
        '-storetype',
        'PKCS12',
        '-storepass',
        'changeit',
        '-alias',
        'trustedca',
        '-file',
        'root.pem',
      );
      const ks = readPkcs12(file('keytool.p12'), 'changeit');
      expect(summary(ks)).toEqual(['privateKey:mykey:1', 'trustedCertificate:trustedca']);
      expectKeysMatchCerts(ks);
      const key = keys(ks)[0]!;
      // keytool's localKeyId is "Time <ms>": the entry date comes from it.
      expect(Math.abs(key.date!.getTime() - Date.now())).toBeLessThan(120_000);
      const trusted = ks.entries[1]!;
      expect(trusted.kind === 'trustedCertificate' && trusted.certificate).toEqual(
        pemToDer('root.pem'),
      );
      expect(() => readPkcs12(file('keytool.p12'), 'changeix')).toThrow(
        expect.objectContaining({ code: 'ERR_KEYSTORE_INTEGRITY' }),
      );
    },
  );

  it.runIf(HAS_JDK)(
    '-J-Dkeystore.pkcs12.legacy (3DES keys, RC2-40 certificates, SHA-1 MAC at 100,000)',
    () => {
      keytool(
        '-J-Dkeystore.pkcs12.legacy',
        '-importkeystore',
        '-srckeystore',
        'keytool.p12',
        '-srcstorepass',
        'changeit',
        '-destkeystore',
        'keytool-legacy.p12',
        '-deststoretype',
        'PKCS12',
        '-deststorepass',
        'changeit',
      );
      const ks = readPkcs12(file('keytool-legacy.p12'), 'changeit');
      expect(summary(ks)).toEqual(['privateKey:mykey:1', 'trustedCertificate:trustedca']);
      expectKeysMatchCerts(ks);
      expect(keys(ks)[0]!.pkcs8).toEqual(
        keys(readPkcs12(file('keytool.p12'), 'changeit'))[0]!.pkcs8,
      );
    },
  );

  it.runIf(HAS_JDK)('secret keys (-genseckey): Java secret bags', () => {
    keytool(
      '-genseckey',
      '-keystore',
      'secret.p12',
      '-storetype',
      'PKCS12',
      '-storepass',
      'changeit',
      '-alias',
      'aes1',
      '-keyalg',
      'AES',
      '-keysize',
      '256',
    );
    keytool(
      '-genseckey',
      '-keystore',
      'secret.p12',
      '-storetype',
      'PKCS12',
      '-storepass',
      'changeit',
      '-alias',
      'mac1',
      '-keyalg',
      'HmacSHA256',
      '-keysize',
      '256',
    );
    const ks = readPkcs12(file('secret.p12'), 'changeit');
    expect(
      ks.entries
        .map((e) => (e.kind === 'secretKey' ? `${e.alias}:${e.algorithm}:${e.key.length}` : e.kind))
        .sort(),
    ).toEqual(['aes1:AES:32', 'mac1:HmacSHA256:32']);
  });

  it.runIf(HAS_JDK)('a passwordless truststore (no MAC, unencrypted certificates)', () => {
    keytool(
      '-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE',
      '-J-Dkeystore.pkcs12.macAlgorithm=NONE',
      '-importcert',
      '-noprompt',
      '-alias',
      'ca',
      '-file',
      'root.pem',
      '-keystore',
      'trust.p12',
      '-storetype',
      'PKCS12',
      '-storepass',
      'changeit',
    );
    const ks = readPkcs12(file('trust.p12'), '');
    expect(summary(ks)).toEqual(['trustedCertificate:ca']);
  });
});
