import { X509Certificate, createCipheriv, createHash, createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSepmError } from '../../src/errors.js';
import { TAG, tlv } from '../../src/keystore/der.js';
import {
  JCEKS_MAGIC,
  finishJavaKeystoreFile,
  startJavaKeystoreFile,
} from '../../src/keystore/java_keystore.js';
import {
  JCE_PBE_OID_DER,
  encodePbeParameter,
  jcePbeDecrypt,
  parsePbeParameter,
} from '../../src/keystore/jce_pbe.js';
import { DataReader } from '../../src/keystore/java_io.js';
import {
  readSealedKey,
  readSecretKeyObject,
  writeSealedKey,
  writeSecretKeySpec,
} from '../../src/keystore/java_serial.js';
import { readJceks, writeJceks } from '../../src/keystore/jceks.js';
import type { Keystore, PrivateKeyEntry, SecretKeyEntry } from '../../src/keystore/model.js';
import { TempDir, hexPassword, javaRead, keytool, makeIdentity, run, sha256 } from './tools.js';
import { requireTool } from '../helpers/tools.js';

const HAS_JDK = requireTool('jdk', import.meta.url);

describe.runIf(HAS_JDK)('JCEKS files made by keytool', () => {
  const tmp = new TempDir();
  beforeAll(() => {
    const ks = [
      '-keystore',
      tmp.path('store.jceks'),
      '-storetype',
      'JCEKS',
      '-storepass',
      'changeit',
    ];
    keytool(
      '-genkeypair',
      ...ks,
      '-keypass',
      'keypass1',
      '-alias',
      'rsakey',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-dname',
      'CN=Test JCEKS',
      '-validity',
      '365',
    );
    keytool('-exportcert', ...ks, '-alias', 'rsakey', '-file', tmp.path('rsa.cer'));
    keytool(
      '-genseckey',
      ...ks,
      '-keypass',
      'changeit',
      '-alias',
      'AesKey',
      '-keyalg',
      'AES',
      '-keysize',
      '256',
    );
    keytool('-importcert', '-noprompt', ...ks, '-alias', 'trusted', '-file', tmp.path('rsa.cer'));
    run(
      'keytool',
      [
        '-importpass',
        '-alias',
        'storedpw',
        '-keystore',
        tmp.path('pass.jceks'),
        '-storetype',
        'JCEKS',
        '-storepass',
        'changeit',
        '-keypass',
        'changeit',
      ],
      'secretpw\nsecretpw\n',
    );
  }, 30_000);
  afterAll(() => tmp.remove());

  it('reads a private key, an AES secret key and a trusted certificate; Java sees the same keys', () => {
    const ks = readJceks(tmp.read('store.jceks'), 'changeit', {
      keyPasswords: { rsakey: 'keypass1' },
    });
    expect(ks.format).toBe('jceks');
    const byAlias = new Map(ks.entries.map((e) => [e.alias, e]));
    expect([...byAlias.keys()].sort()).toEqual(['aeskey', 'rsakey', 'trusted']);
    const key = byAlias.get('rsakey') as PrivateKeyEntry;
    const cert = new X509Certificate(key.chain[0]!);
    expect(
      cert.checkPrivateKey(
        createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' }),
      ),
    ).toBe(true);
    expect(byAlias.get('trusted')).toMatchObject({
      kind: 'trustedCertificate',
      certificate: new Uint8Array(tmp.read('rsa.cer')),
    });
    const aes = byAlias.get('aeskey') as SecretKeyEntry;
    expect(aes).toMatchObject({ kind: 'secretKey', algorithm: 'AES' });
    expect(aes.key).toHaveLength(32);

    const java = javaRead([['JCEKS', tmp.path('store.jceks'), 'changeit', 'rsakey=keypass1']]).get(
      tmp.path('store.jceks'),
    )!;
    expect(java).toEqual([
      { kind: 'SECRET', alias: 'aeskey', sha256: sha256(aes.key), algorithm: 'AES' },
      { kind: 'KEY', alias: 'rsakey', chainLength: 1, sha256: sha256(key.pkcs8), algorithm: 'RSA' },
      { kind: 'CERT', alias: 'trusted', sha256: sha256(tmp.read('rsa.cer')) },
    ]);
  });

  it('reads a password stored by keytool -importpass (a KeyRep)', () => {
    const ks = readJceks(tmp.read('pass.jceks'), 'changeit');
    expect(ks.entries).toEqual([
      expect.objectContaining({
        kind: 'secretKey',
        alias: 'storedpw',
        algorithm: 'PBEWithMD5AndDES',
        key: new TextEncoder().encode('secretpw'),
      }),
    ]);
  });

  it('refuses a wrong key password, and checks iteration counts before any KDF', () => {
    const bytes = tmp.read('store.jceks');
    expect(() => readJceks(bytes, 'changeit')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_KEY_UNRECOVERABLE' }),
    );
    const t = performance.now();
    expect(() => readJceks(bytes, 'changeit', { maxIterations: 199_999 })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_LIMIT_EXCEEDED' }),
    );
    expect(performance.now() - t).toBeLessThan(100); // keytool's 200,000 iterations take ~250 ms each
  });

  it('refuses a wrong store password and every single-byte change before any KDF', () => {
    const original = tmp.read('store.jceks');
    expect(() => readJceks(original, 'wrong')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_INTEGRITY' }),
    );
    const t = performance.now();
    for (let i = 0; i < original.length; i += 3) {
      const bytes = original.slice();
      bytes[i]! ^= 0x40;
      let err: unknown;
      try {
        readJceks(bytes, 'changeit', { keyPasswords: { rsakey: 'keypass1' } });
      } catch (e) {
        err = e;
      }
      expect(isSepmError(err), `byte ${i}`).toBe(true);
    }
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it('refuses a sealed object of another class even with a valid digest', () => {
    const original = tmp.read('store.jceks');
    const body = original.slice(0, original.length - 20);
    const at = Buffer.from(body).indexOf('SealedObjectForKeyProtector');
    body[at] = 'T'.charCodeAt(0);
    expect(() =>
      readJceks(finishJavaKeystoreFile(body, 'changeit'), 'changeit', {
        keyPasswords: { rsakey: 'keypass1' },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_KEYSTORE_UNSUPPORTED' }));
  });
});

describe('JCEKS PBEWithMD5AndTripleDES', () => {
  // An independent restatement of the KDF (keystore-formats.md section 4.2).
  function kdf(password: string, salt: Uint8Array, iterations: number): Buffer {
    const halves = [salt.subarray(0, 4), salt.subarray(4, 8)];
    return Buffer.concat(
      halves.map((h) => {
        let x = createHash('md5').update(h).update(password).digest();
        for (let i = 1; i < iterations; i++)
          x = createHash('md5').update(x).update(password).digest();
        return x;
      }),
    );
  }

  async function jceksWithKey(
    salt: Uint8Array,
    derivationSalt: Uint8Array,
  ): Promise<{ bytes: Uint8Array; pkcs8: Uint8Array }> {
    const id = await makeIdentity('salt.example', { type: 'ec' });
    const k = kdf('keypw', derivationSalt, 1000);
    const c = createCipheriv('des-ede3-cbc', k.subarray(0, 24), k.subarray(24, 32));
    const ct = Buffer.concat([c.update(id.pkcs8), c.final()]);
    const epki = tlv(
      TAG.SEQUENCE,
      tlv(TAG.SEQUENCE, JCE_PBE_OID_DER, encodePbeParameter({ salt, iterations: 1000 })),
      tlv(TAG.OCTET_STRING, ct),
    );
    const w = startJavaKeystoreFile(JCEKS_MAGIC, 2, 1)
      .u32(1)
      .utf('k', 'alias')
      .date(new Date(0))
      .block(epki)
      .u32(1)
      .utf('X.509', 'type')
      .block(id.cert);
    return { bytes: finishJavaKeystoreFile(w.finish(), 'storepw'), pkcs8: id.pkcs8 };
  }

  it('reads keys with distinct salt halves', async () => {
    const salt = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const { bytes, pkcs8 } = await jceksWithKey(salt, salt);
    const ks = readJceks(bytes, 'storepw', { keyPasswords: { k: 'keypw' } });
    expect((ks.entries[0] as PrivateKeyEntry).pkcs8).toEqual(pkcs8);
    expect(() => readJceks(bytes, 'storepw', { keyPasswords: { k: 'other' } })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_KEY_UNRECOVERABLE' }),
    );
  });

  it('reads equal salt halves with both the current (reversed) and the old JDK derivation', async () => {
    const salt = Uint8Array.from([1, 2, 3, 4, 1, 2, 3, 4]);
    const current = await jceksWithKey(salt, Uint8Array.from([4, 3, 2, 1, 1, 2, 3, 4]));
    const legacy = await jceksWithKey(salt, Uint8Array.from([4, 1, 2, 4, 1, 2, 3, 4]));
    for (const { bytes, pkcs8 } of [current, legacy]) {
      const ks = readJceks(bytes, 'storepw', { keyPasswords: { k: 'keypw' } });
      expect((ks.entries[0] as PrivateKeyEntry).pkcs8).toEqual(pkcs8);
    }
  });

  it('accepts the JKS KeyProtector for private keys, as Java does', async () => {
    const { protectKey } = await import('../../src/keystore/key_protector.js');
    const id = await makeIdentity('kp.example', { type: 'ec' });
    const w = startJavaKeystoreFile(JCEKS_MAGIC, 2, 1)
      .u32(1)
      .utf('k', 'alias')
      .date(new Date(0))
      .block(protectKey(id.pkcs8, 'kp'))
      .u32(1)
      .utf('X.509', 'type')
      .block(id.cert);
    const ks = readJceks(finishJavaKeystoreFile(w.finish(), 'storepw'), 'storepw', {
      keyPasswords: { k: 'kp' },
    });
    expect((ks.entries[0] as PrivateKeyEntry).pkcs8).toEqual(id.pkcs8);
  });
});

describe('JCEKS files we write', () => {
  const tmp = new TempDir();
  afterAll(() => tmp.remove());

  it.runIf(HAS_JDK)('serializes SealedObject and SecretKeySpec byte for byte as Java does', () => {
    keytool(
      '-genseckey',
      '-keystore',
      tmp.path('aes.jceks'),
      '-storetype',
      'JCEKS',
      '-storepass',
      'changeit',
      '-keypass',
      'changeit',
      '-alias',
      'aes',
      '-keyalg',
      'AES',
      '-keysize',
      '128',
    );
    const file = tmp.read('aes.jceks');
    // The entry's stream starts after tag (4), alias "aes" (2 + 3) and date (8), past the 12-byte header.
    const r = new DataReader(file, 12 + 4 + 5 + 8, file.length - 20);
    const sealed = readSealedKey(r);
    expect(r.remaining).toBe(0);
    expect(writeSealedKey(sealed.encodedParams, sealed.encryptedContent)).toEqual(
      file.subarray(12 + 17, file.length - 20),
    );
    const params = parsePbeParameter(sealed.encodedParams, 200_000);
    const plain = jcePbeDecrypt(sealed.encryptedContent, 'changeit', params, (p) => p);
    const key = readSecretKeyObject(plain);
    expect(key.algorithm).toBe('AES');
    expect(writeSecretKeySpec(key.algorithm, key.key)).toEqual(plain);
  });

  it.runIf(HAS_JDK)(
    'keytool -list and the Java KeyStore API read private keys, trusted certificates and secret keys we wrote',
    async () => {
      const rsa = await makeIdentity('jceks.example');
      const ec = await makeIdentity('ec.jceks.example', { type: 'ec' });
      const aes = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
      const hmac = Uint8Array.from({ length: 20 }, (_, i) => 255 - i);
      const ks: Keystore = {
        format: 'jceks',
        entries: [
          { kind: 'privateKey', alias: 'RSA', pkcs8: rsa.pkcs8, chain: [rsa.cert] },
          { kind: 'privateKey', alias: 'ec', pkcs8: ec.pkcs8, chain: [ec.cert] },
          { kind: 'trustedCertificate', alias: 'peer', certificate: ec.cert },
          { kind: 'secretKey', alias: 'AesKey', algorithm: 'AES', key: aes },
          { kind: 'secretKey', alias: 'mac', algorithm: 'HmacSHA256', key: hmac },
        ],
      };
      // The store password is UTF-16 (any text); key passwords must be ASCII for JDK 17.
      const keyPasswords = { RSA: 'keypw1', ec: 'other-pw', AesKey: 'keypw1', mac: 'keypw1' };
      const bytes = writeJceks(ks, 'störepass', { iterations: 10_000, keyPasswords });
      tmp.write('ours.jceks', bytes);
      const list = keytool(
        '-list',
        '-v',
        '-storetype',
        'JCEKS',
        '-keystore',
        tmp.path('ours.jceks'),
        '-storepass',
        'störepass',
      );
      expect(list).toContain('Your keystore contains 5 entries');
      expect(list.match(/Entry type: SecretKeyEntry/g)).toHaveLength(2);
      expect(list.match(/Entry type: PrivateKeyEntry/g)).toHaveLength(2);
      expect(list.match(/Entry type: trustedCertEntry/g)).toHaveLength(1);

      const java = javaRead([
        [
          'JCEKS',
          tmp.path('ours.jceks'),
          hexPassword('störepass'),
          'ec=other-pw',
          'rsa=keypw1',
          'aeskey=keypw1',
          'mac=keypw1',
        ],
      ]).get(tmp.path('ours.jceks'))!;
      expect(java).toEqual([
        { kind: 'SECRET', alias: 'aeskey', sha256: sha256(aes), algorithm: 'AES' },
        { kind: 'KEY', alias: 'ec', chainLength: 1, sha256: sha256(ec.pkcs8), algorithm: 'EC' },
        { kind: 'SECRET', alias: 'mac', sha256: sha256(hmac), algorithm: 'HmacSHA256' },
        { kind: 'CERT', alias: 'peer', sha256: sha256(ec.cert) },
        { kind: 'KEY', alias: 'rsa', chainLength: 1, sha256: sha256(rsa.pkcs8), algorithm: 'RSA' },
      ]);
      const back = readJceks(bytes, 'störepass', { keyPasswords });
      expect(back.entries.map((e) => e.alias)).toEqual(['rsa', 'ec', 'peer', 'aeskey', 'mac']);
      expect(back.entries[3]).toMatchObject({ kind: 'secretKey', algorithm: 'AES', key: aes });
    },
  );

  it('refuses key passwords JDK 17 could not use, and iteration counts outside Java range', async () => {
    const id = await makeIdentity('x.example', { type: 'ec' });
    const ks: Keystore = {
      format: 'jceks',
      entries: [{ kind: 'privateKey', alias: 'k', pkcs8: id.pkcs8, chain: [id.cert] }],
    };
    expect(() => writeJceks(ks, 'пароль', { iterations: 10_000 })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_UNSUPPORTED' }),
    );
    expect(() => writeJceks(ks, 'pw', { iterations: 9_999 })).toThrow(RangeError);
  });
});
