import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServerIdentity } from '../../src/cert/generate.js';
import {
  readJks,
  readKeystore,
  readPem,
  readPkcs12,
  serverFilesFromIdentity,
  serverFilesFromKeystore,
  writeJks,
  writeKeystore,
  writePem,
  writePkcs12,
  type Keystore,
  type PrivateKeyEntry,
} from '../../src/keystore/index.js';
import { pemBlocks } from '../../src/keystore/pem_codec.js';
import { TempDir, keytool, makeIdentity, openssl, type TestIdentity } from './tools.js';
import { requireTool } from '../helpers/tools.js';

const HAS_JDK = requireTool('jdk', import.meta.url);

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

let ca: TestIdentity;
let leaf: TestIdentity;
let other: TestIdentity;
/** One `tomcat` private-key entry (leaf + CA) and a trusted CA certificate. */
let tomcat: Keystore;

beforeAll(async () => {
  ca = await makeIdentity('Test CA', { ca: true });
  leaf = await makeIdentity('sepm.example', { issuer: ca });
  other = await makeIdentity('other.example');
  tomcat = {
    format: 'jks',
    entries: [
      { kind: 'privateKey', alias: 'tomcat', pkcs8: leaf.pkcs8, chain: [leaf.cert, ca.cert] },
      { kind: 'trustedCertificate', alias: 'rootca', certificate: ca.cert },
    ],
  };
});

const labels = (text: string) => pemBlocks(text).map((b) => b.label);
const aliases = (ks: Keystore) => ks.entries.map((e) => `${e.kind}:${e.alias}`);

describe('serverFilesFromKeystore', () => {
  it('gives the key alone and the chain alone, leaf first, each named by friendlyName', () => {
    const files = serverFilesFromKeystore(tomcat);
    expect(files.alias).toBe('tomcat');
    expect(labels(files.key)).toEqual(['PRIVATE KEY']);
    expect(labels(files.cert)).toEqual(['CERTIFICATE', 'CERTIFICATE']);
    expect(files.key.startsWith('Bag Attributes\n    friendlyName: tomcat\n-----BEGIN')).toBe(true);
    expect(files.cert.startsWith('Bag Attributes\n    friendlyName: tomcat\n-----BEGIN')).toBe(
      true,
    );
    expect(pemBlocks(files.key)[0]!.der).toEqual(leaf.pkcs8);
    expect(pemBlocks(files.cert).map((b) => b.der)).toEqual([leaf.cert, ca.cert]);
  });

  it('reads back (key + crt) as the same entry under the same alias', () => {
    const files = serverFilesFromKeystore(tomcat);
    const back = readPem(files.key + files.cert);
    expect(back.entries).toEqual([
      { kind: 'privateKey', alias: 'tomcat', pkcs8: leaf.pkcs8, chain: [leaf.cert, ca.cert] },
    ]);
    // server.crt alone keeps the alias on its leaf.
    expect(aliases(readPem(files.cert))).toContain('trustedCertificate:tomcat');
  });

  it('friendlyNames: false gives bare RFC 7468 blocks', () => {
    const files = serverFilesFromKeystore(tomcat, { friendlyNames: false });
    expect(files.key.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(files.cert.startsWith('-----BEGIN CERTIFICATE-----\n')).toBe(true);
    expect(readPem(files.key + files.cert).entries[0]!.alias).toBe('key');
  });

  it('encrypts the key with a password (ENCRYPTED PRIVATE KEY) that reads back', () => {
    const files = serverFilesFromKeystore(tomcat, { password: 'pw', iterations: 1000 });
    expect(labels(files.key)).toEqual(['ENCRYPTED PRIVATE KEY']);
    const back = readPem(files.key + files.cert, { password: 'pw' });
    expect((back.entries[0] as PrivateKeyEntry).pkcs8).toEqual(leaf.pkcs8);
    expect(() => readPem(files.key, { password: 'wrong' })).toThrow(
      expect.objectContaining({ code: 'ERR_PEM_DECRYPT_FAILED' }),
    );
  });

  it('picks an entry by alias: exact, else the only one that matches ignoring case', () => {
    const two: Keystore = {
      format: 'pkcs12',
      entries: [
        ...tomcat.entries,
        { kind: 'privateKey', alias: 'other', pkcs8: other.pkcs8, chain: [other.cert] },
      ],
    };
    expect(serverFilesFromKeystore(two, { alias: 'other' }).alias).toBe('other');
    expect(pemBlocks(serverFilesFromKeystore(two, { alias: 'Other' }).key)[0]!.der).toEqual(
      other.pkcs8,
    );
    expect(serverFilesFromKeystore(two, { alias: 'TOMCAT' }).alias).toBe('tomcat');
  });

  it('no private-key entry: ERR_KEYSTORE_ENTRY_NOT_FOUND naming what there is', () => {
    const trust: Keystore = { format: 'jks', entries: [tomcat.entries[1]!] };
    expect(() => serverFilesFromKeystore(trust)).toThrow(
      expect.objectContaining({
        code: 'ERR_KEYSTORE_ENTRY_NOT_FOUND',
        message: 'keystore has no private-key entry (it has only "rootca")',
      }),
    );
    expect(() => serverFilesFromKeystore({ format: 'pem', entries: [] })).toThrow(
      expect.objectContaining({
        code: 'ERR_KEYSTORE_ENTRY_NOT_FOUND',
        message: 'keystore has no private-key entry (it has no entries)',
      }),
    );
  });

  it('unknown alias, or an alias of a certificate entry: ERR_KEYSTORE_ENTRY_NOT_FOUND', () => {
    expect(() => serverFilesFromKeystore(tomcat, { alias: 'jetty' })).toThrow(
      expect.objectContaining({
        code: 'ERR_KEYSTORE_ENTRY_NOT_FOUND',
        message: 'keystore has no private-key entry with alias "jetty" (it has "tomcat")',
      }),
    );
    expect(() => serverFilesFromKeystore(tomcat, { alias: 'rootca' })).toThrow(
      expect.objectContaining({
        code: 'ERR_KEYSTORE_ENTRY_NOT_FOUND',
        message: 'keystore entry "rootca" is a trustedCertificate entry, not a private key',
      }),
    );
  });

  it('several private-key entries and no alias: ERR_KEYSTORE_ALIAS_REQUIRED listing them', () => {
    const two: Keystore = {
      format: 'pkcs12',
      entries: [
        tomcat.entries[0]!,
        { kind: 'privateKey', alias: 'other', pkcs8: other.pkcs8, chain: [other.cert] },
      ],
    };
    expect(() => serverFilesFromKeystore(two)).toThrow(
      expect.objectContaining({
        name: 'KeystoreError',
        code: 'ERR_KEYSTORE_ALIAS_REQUIRED',
        message: 'keystore has 2 private-key entries ("tomcat", "other"): give the alias of one',
      }),
    );
    const folded: Keystore = {
      format: 'pkcs12',
      entries: [
        { kind: 'privateKey', alias: 'A', pkcs8: leaf.pkcs8, chain: [leaf.cert] },
        { kind: 'privateKey', alias: 'a', pkcs8: other.pkcs8, chain: [other.cert] },
      ],
    };
    expect(serverFilesFromKeystore(folded, { alias: 'a' }).alias).toBe('a');
    expect(serverFilesFromKeystore(folded, { alias: 'A' }).alias).toBe('A');
  });

  it('an alias that matches several entries only ignoring case: ERR_KEYSTORE_ALIAS_REQUIRED', () => {
    const folded: Keystore = {
      format: 'pkcs12',
      entries: [
        { kind: 'privateKey', alias: 'Sepm', pkcs8: leaf.pkcs8, chain: [leaf.cert] },
        { kind: 'privateKey', alias: 'SEPM', pkcs8: other.pkcs8, chain: [other.cert] },
      ],
    };
    expect(() => serverFilesFromKeystore(folded, { alias: 'sepm' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_ALIAS_REQUIRED' }),
    );
  });

  it('an entry without certificate: ERR_KEYSTORE_ENTRY_NOT_FOUND (no server.crt to write)', () => {
    const bare: Keystore = {
      format: 'pem',
      entries: [{ kind: 'privateKey', alias: 'key', pkcs8: leaf.pkcs8, chain: [] }],
    };
    expect(() => serverFilesFromKeystore(bare)).toThrow(
      expect.objectContaining({
        code: 'ERR_KEYSTORE_ENTRY_NOT_FOUND',
        message: 'keystore entry "key" has no certificate to write as server.crt',
      }),
    );
  });

  it("a key that is not the leaf certificate's: ERR_CERT_KEY_MISMATCH; one that does not parse: ERR_KEYSTORE_MALFORMED", () => {
    const mismatch: Keystore = {
      format: 'jks',
      entries: [{ kind: 'privateKey', alias: 'x', pkcs8: other.pkcs8, chain: [leaf.cert] }],
    };
    expect(() => serverFilesFromKeystore(mismatch)).toThrow(
      expect.objectContaining({ name: 'CertificateError', code: 'ERR_CERT_KEY_MISMATCH' }),
    );
    const garbage: Keystore = {
      format: 'jks',
      entries: [
        { kind: 'privateKey', alias: 'x', pkcs8: new Uint8Array([0x30, 0x00]), chain: [leaf.cert] },
      ],
    };
    expect(() => serverFilesFromKeystore(garbage)).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSTORE_MALFORMED' }),
    );
  });

  it('caller bugs are TypeError / RangeError', () => {
    expect(() => serverFilesFromKeystore({} as Keystore)).toThrow(TypeError);
    expect(() => serverFilesFromKeystore(tomcat, { alias: 1 as unknown as string })).toThrow(
      TypeError,
    );
    expect(() => serverFilesFromKeystore(tomcat, { password: 'pw', iterations: 10 })).toThrow(
      RangeError,
    );
    expect(() =>
      serverFilesFromKeystore(tomcat, { friendlyNames: 'yes' as unknown as boolean }),
    ).toThrow(TypeError);
  });
});

describe('serverFilesFromIdentity', () => {
  it('gives the files of keystoreFromIdentity, named sepm by default', async () => {
    const identity = await generateServerIdentity({ commonName: 'sepm.example', keySize: 2048 });
    const files = await serverFilesFromIdentity(identity);
    expect(files.alias).toBe('sepm');
    const back = readPem(files.key + files.cert);
    expect(aliases(back)).toEqual(['privateKey:sepm']);
    expect((back.entries[0] as PrivateKeyEntry).chain[0]).toEqual(
      new Uint8Array(identity.certificate.rawData),
    );
    const named = await serverFilesFromIdentity(identity, {
      alias: 'tomcat',
      friendlyNames: false,
    });
    expect(named.alias).toBe('tomcat');
    expect(named.key).not.toContain('friendlyName');
  });
});

describe('aliases through every conversion', () => {
  it('JKS -> PEM -> JKS keeps tomcat', () => {
    const jks = writeJks(tomcat, 'changeit');
    const pem = writeKeystore(readKeystore(jks, 'changeit'), '', 'pem');
    const back = readJks(writeKeystore(readKeystore(pem, ''), 'changeit', 'jks'), 'changeit');
    expect(aliases(back)).toEqual(['privateKey:tomcat', 'trustedCertificate:rootca']);
  });

  it('PKCS#12 -> PEM (encrypted) -> PKCS#12 keeps tomcat', () => {
    const p12 = writePkcs12(tomcat, 'pw');
    const pem = writeKeystore(readKeystore(p12, 'pw'), 'pw', 'pem');
    const back = readPkcs12(writeKeystore(readKeystore(pem, 'pw'), 'pw', 'pkcs12'), 'pw');
    expect(aliases(back)).toEqual(['privateKey:tomcat', 'trustedCertificate:rootca']);
  });

  it('JKS -> PKCS#12 -> JKS keeps tomcat', () => {
    const p12 = writeKeystore(readJks(writeJks(tomcat, 'changeit'), 'changeit'), 'pw', 'pkcs12');
    const back = readJks(writeKeystore(readKeystore(p12, 'pw'), 'changeit', 'jks'), 'changeit');
    expect(aliases(back)).toEqual(['privateKey:tomcat', 'trustedCertificate:rootca']);
  });

  it('server.key + server.crt -> JKS keeps tomcat', () => {
    const { key, cert } = serverFilesFromKeystore(tomcat);
    const back = readJks(writeJks(readPem(key + cert), 'changeit'), 'changeit');
    expect(aliases(back)).toEqual(['privateKey:tomcat']);
  });

  it('writePem names the leaf too when friendlyNames is on, and stays bare by default', () => {
    const named = writePem(tomcat, { friendlyNames: true });
    expect(named.match(/friendlyName: tomcat\n/g)).toHaveLength(2);
    expect(named).toContain('friendlyName: rootca\n');
    expect(writePem(tomcat)).not.toContain('friendlyName');
  });
});

describe('interop: openssl and keytool accept the files and keep the alias', () => {
  const tmp = new TempDir();
  afterAll(() => tmp.remove());

  it.runIf(HAS_OPENSSL)(
    'openssl x509 reads server.crt, openssl rsa checks server.key, and their moduli are equal',
    () => {
      const { key, cert } = serverFilesFromKeystore(tomcat);
      tmp.write('server.key', key);
      tmp.write('server.crt', cert);
      openssl('x509', '-in', tmp.path('server.crt'), '-noout');
      expect(openssl('rsa', '-in', tmp.path('server.key'), '-check', '-noout')).toContain(
        'RSA key ok',
      );
      const certModulus = openssl('x509', '-in', tmp.path('server.crt'), '-noout', '-modulus');
      const keyModulus = openssl('rsa', '-in', tmp.path('server.key'), '-noout', '-modulus');
      expect(certModulus).toMatch(/^Modulus=[0-9A-F]{512}\n$/);
      expect(certModulus).toBe(keyModulus);
    },
  );

  it.runIf(HAS_JDK)('keytool lists tomcat in a JKS that went JKS -> PEM -> JKS', () => {
    const pem = writeKeystore(readJks(writeJks(tomcat, 'changeit'), 'changeit'), '', 'pem');
    tmp.write('back.jks', writeKeystore(readKeystore(pem, ''), 'changeit', 'jks'));
    const list = keytool('-list', '-keystore', tmp.path('back.jks'), '-storepass', 'changeit');
    expect(list).toMatch(/^tomcat, .*PrivateKeyEntry/m);
    expect(list).toMatch(/^rootca, .*trustedCertEntry/m);
  });

  it.runIf(HAS_OPENSSL)(
    'reads the friendlyName OpenSSL prints for a PKCS#12 (openssl pkcs12 -nodes)',
    () => {
      tmp.write('tomcat.p12', writePkcs12(tomcat, 'pw'));
      const text = openssl('pkcs12', '-in', tmp.path('tomcat.p12'), '-passin', 'pass:pw', '-nodes');
      expect(text).toContain('friendlyName: tomcat');
      expect(aliases(readPem(text))).toEqual(['privateKey:tomcat', 'trustedCertificate:rootca']);
    },
  );
});
