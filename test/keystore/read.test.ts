import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectKeystoreFormat } from '../../src/keystore/detect.js';
import {
  JCEKS_MAGIC,
  finishJavaKeystoreFile,
  startJavaKeystoreFile,
} from '../../src/keystore/java_keystore.js';
import type { Keystore, KeystoreEntry, KeystoreFormat } from '../../src/keystore/model.js';
import { readKeystore, writeKeystore } from '../../src/keystore/read.js';
import { TempDir, certPem, keytool, makeIdentity, type TestIdentity } from './tools.js';
import { requireTool } from '../helpers/tools.js';

const HAS_JDK = requireTool('jdk', import.meta.url);

/** What must survive any conversion: keys with chains, trusted certificates (aliases and dates may not). */
function content(ks: Keystore): string[] {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  return ks.entries
    .map((e: KeystoreEntry) =>
      e.kind === 'privateKey'
        ? `key ${hex(e.pkcs8)} ${e.chain.map(hex).join(',')}`
        : e.kind === 'trustedCertificate'
          ? `cert ${hex(e.certificate)}`
          : `secret ${e.alias}`,
    )
    .sort();
}

describe('readKeystore, writeKeystore and conversions', () => {
  const tmp = new TempDir();
  let ca: TestIdentity;
  let leaf: TestIdentity;
  let other: TestIdentity;
  let ks: Keystore;
  beforeAll(async () => {
    ca = await makeIdentity('Conv CA', { ca: true });
    leaf = await makeIdentity('conv.example', { issuer: ca });
    other = await makeIdentity('other CA', { type: 'ec', ca: true });
    ks = {
      format: 'jks',
      entries: [
        { kind: 'privateKey', alias: 'server', pkcs8: leaf.pkcs8, chain: [leaf.cert, ca.cert] },
        { kind: 'trustedCertificate', alias: 'other', certificate: other.cert },
      ],
    };
  });
  afterAll(() => tmp.remove());

  it('detects each format from its bytes', () => {
    const jceks = finishJavaKeystoreFile(startJavaKeystoreFile(JCEKS_MAGIC, 2, 0).finish(), 'pw');
    expect(detectKeystoreFormat(writeKeystore(ks, 'changeit', 'jks'))).toBe('jks');
    expect(detectKeystoreFormat(jceks)).toBe('jceks');
    expect(detectKeystoreFormat(writeKeystore(ks, 'changeit', 'pkcs12'))).toBe('pkcs12');
    expect(detectKeystoreFormat(writeKeystore(ks, 'changeit', 'pem'))).toBe('pem');
    expect(
      detectKeystoreFormat(new TextEncoder().encode('Bag Attributes\n' + certPem(ca.cert))),
    ).toBe('pem');
    expect(detectKeystoreFormat(ca.cert)).toBeUndefined(); // a bare DER certificate is no keystore
    expect(detectKeystoreFormat(new Uint8Array(0))).toBeUndefined();
    expect(readKeystore(jceks, 'pw')).toEqual({ format: 'jceks', entries: [] });
  });

  const formats: KeystoreFormat[] = ['jks', 'jceks', 'pkcs12', 'pem'];
  const opts = { jceksIterations: 10_000 };
  for (const from of formats) {
    for (const to of formats) {
      it(`converts ${from} -> ${to} without losing keys, chains or trusted certificates`, () => {
        const src = readKeystore(writeKeystore(ks, 'changeit', from, opts), 'changeit');
        expect(src.format).toBe(from);
        const dst = readKeystore(writeKeystore(src, 'changeit', to, opts), 'changeit');
        expect(dst.format).toBe(to);
        expect(content(dst)).toEqual(content(ks));
      });
    }
  }

  it.runIf(HAS_JDK)(
    'turns a PEM bundle of certificates into a JKS truststore that keytool lists',
    () => {
      const bundle =
        'CA bundle\n' +
        certPem(ca.cert) +
        '\n# second\n' +
        certPem(other.cert) +
        certPem(leaf.cert);
      const pem = readKeystore(new TextEncoder().encode(bundle), '');
      expect(pem.entries.map((e) => e.kind)).toEqual([
        'trustedCertificate',
        'trustedCertificate',
        'trustedCertificate',
      ]);
      tmp.write('truststore.jks', writeKeystore(pem, 'changeit', 'jks'));
      const list = keytool(
        '-list',
        '-keystore',
        tmp.path('truststore.jks'),
        '-storepass',
        'changeit',
      );
      expect(list).toContain('Your keystore contains 3 entries');
      expect(list.match(/trustedCertEntry/g)).toHaveLength(3);
    },
  );

  it('refuses unknown formats', () => {
    expect(() => readKeystore(new Uint8Array([1, 2, 3, 4, 5]), 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_UNSUPPORTED' }),
    );
    expect(() => writeKeystore(ks, 'x', 'zip' as never)).toThrow(TypeError);
  });
});
