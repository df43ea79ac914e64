import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServerIdentity } from '../../src/cert/generate.js';
import type { ServerIdentity } from '../../src/cert/types.js';
import { identityFromKeystore, keystoreFromIdentity } from '../../src/keystore/identity.js';
import { readJks, writeJks } from '../../src/keystore/jks.js';
import type { Keystore, PrivateKeyEntry } from '../../src/keystore/model.js';
import { readPem, writePem } from '../../src/keystore/pem.js';
import { TempDir, keytool, makeIdentity, openssl } from './tools.js';
import { requireTool } from '../helpers/tools.js';

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

const HAS_JDK = requireTool('jdk', import.meta.url);

const data = new TextEncoder().encode('policy bytes');

/** Signs with the identity's key and verifies with its certificate's public key. */
async function signsAsCertificate(identity: ServerIdentity): Promise<boolean> {
  const alg =
    identity.privateKey.algorithm.name === 'ECDSA'
      ? { name: 'ECDSA', hash: 'SHA-256' }
      : { name: 'RSASSA-PKCS1-v1_5' };
  const sig = await webcrypto.subtle.sign(alg, identity.privateKey as webcrypto.CryptoKey, data);
  const pub = await identity.certificate.publicKey.export(
    identity.privateKey.algorithm,
    ['verify'],
    webcrypto as unknown as Crypto,
  );
  return webcrypto.subtle.verify(alg, pub as webcrypto.CryptoKey, sig, data);
}

describe('identity <-> keystore', () => {
  const tmp = new TempDir();
  let identity: ServerIdentity;
  beforeAll(async () => {
    identity = await generateServerIdentity({ commonName: 'sepm.example' });
  });
  afterAll(() => tmp.remove());

  it('writes SEPM keystore.jks and server.key/server.crt from a generated identity, and loads it back', async () => {
    const ks = await keystoreFromIdentity(identity, { alias: 'SEPM' });
    expect(ks).toMatchObject({ format: 'jks', entries: [{ kind: 'privateKey', alias: 'SEPM' }] });
    tmp.write('keystore.jks', writeJks(ks, 'changeit'));
    const entry = ks.entries[0] as PrivateKeyEntry;
    tmp.write('server.key', writePem({ format: 'pem', entries: [{ ...entry, chain: [] }] }));
    tmp.write(
      'server.crt',
      writePem({
        format: 'pem',
        entries: entry.chain.map((c) => ({
          kind: 'trustedCertificate' as const,
          alias: 'c',
          certificate: c,
        })),
      }),
    );

    if (HAS_JDK) {
      const list = keytool(
        '-list',
        '-v',
        '-keystore',
        tmp.path('keystore.jks'),
        '-storepass',
        'changeit',
      );
      expect(list).toMatch(
        /Alias name: sepm\s+Creation date: .*\s+Entry type: PrivateKeyEntry\s+Certificate chain length: 1/,
      );
    }
    if (HAS_OPENSSL) {
      expect(openssl('x509', '-in', tmp.path('server.crt'), '-noout', '-subject')).toContain(
        'sepm.example',
      );
      expect(openssl('pkey', '-in', tmp.path('server.key'), '-pubout')).toBe(
        openssl('x509', '-in', tmp.path('server.crt'), '-pubkey', '-noout'),
      );
    }

    for (const back of [
      readJks(tmp.read('keystore.jks'), 'changeit'),
      readPem(tmp.text('server.key') + tmp.text('server.crt')),
    ]) {
      const loaded = await identityFromKeystore(back);
      expect(loaded.certificate.equal(identity.certificate)).toBe(true);
      expect(loaded.chain).toHaveLength(1);
      expect(loaded.privateKey.algorithm).toMatchObject({
        name: 'RSASSA-PKCS1-v1_5',
        hash: { name: 'SHA-256' },
      });
      expect(loaded.privateKey.extractable).toBe(true);
      expect(await signsAsCertificate(loaded)).toBe(true);
      expect(
        new Uint8Array(
          await webcrypto.subtle.exportKey('pkcs8', loaded.privateKey as webcrypto.CryptoKey),
        ),
      ).toEqual(
        new Uint8Array(
          await webcrypto.subtle.exportKey('pkcs8', identity.privateKey as webcrypto.CryptoKey),
        ),
      );
    }
  });

  it('selects an alias (case-insensitively) and reports missing entries', async () => {
    const ca = await makeIdentity('CA', { ca: true });
    const ks: Keystore = {
      format: 'jks',
      entries: [
        { kind: 'trustedCertificate', alias: 'ca', certificate: ca.cert },
        ...(await keystoreFromIdentity(identity, { alias: 'server' })).entries,
      ],
    };
    expect((await identityFromKeystore(ks, { alias: 'SERVER' })).certificate.subject).toBe(
      'CN=sepm.example',
    );
    await expect(identityFromKeystore(ks, { alias: 'ca' })).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_ENTRY_NOT_FOUND',
    });
    await expect(identityFromKeystore(ks, { alias: 'nope' })).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_ENTRY_NOT_FOUND',
    });
    await expect(
      identityFromKeystore({ format: 'jks', entries: [ks.entries[0]!] }),
    ).rejects.toMatchObject({ code: 'ERR_KEYSTORE_ENTRY_NOT_FOUND' });
  });

  it('refuses a key that does not match the leaf certificate with ERR_CERT_KEY_MISMATCH', async () => {
    const other = await makeIdentity('other.example');
    const [entry] = (await keystoreFromIdentity(identity, { alias: 'x' })).entries;
    const ks: Keystore = {
      format: 'jks',
      entries: [{ ...entry!, kind: 'privateKey', pkcs8: other.pkcs8 } as never],
    };
    await expect(identityFromKeystore(ks)).rejects.toMatchObject({
      name: 'CertificateError',
      code: 'ERR_CERT_KEY_MISMATCH',
    });
  });

  it('imports EC keys as ECDSA, and works with an injected WebCrypto provider', async () => {
    const ec = await makeIdentity('ec.example', { type: 'ec' });
    const ks: Keystore = {
      format: 'pem',
      entries: [{ kind: 'privateKey', alias: 'ec', pkcs8: ec.pkcs8, chain: [ec.cert] }],
    };
    const loaded = await identityFromKeystore(ks);
    expect(loaded.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(await signsAsCertificate(loaded)).toBe(true);

    const peculiar = new PeculiarCrypto() as unknown as Crypto;
    const rsa = await identityFromKeystore(await keystoreFromIdentity(identity, { alias: 'a' }), {
      crypto: peculiar,
    });
    const back = await keystoreFromIdentity(rsa, { alias: 'b', crypto: peculiar });
    expect(back.entries[0]).toMatchObject({ kind: 'privateKey', alias: 'b' });
  });

  it('puts the certificate first when the identity chain lacks it, and refuses non-extractable keys', async () => {
    const ks = await keystoreFromIdentity(
      { ...identity, chain: [] },
      { alias: 'a', format: 'pkcs12', date: new Date(5) },
    );
    expect(ks).toMatchObject({
      format: 'pkcs12',
      entries: [{ date: new Date(5), chain: [new Uint8Array(identity.certificate.rawData)] }],
    });
    const [entry] = ks.entries;
    const locked = await webcrypto.subtle.importKey(
      'pkcs8',
      (entry as { pkcs8: Uint8Array<ArrayBuffer> }).pkcs8,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    await expect(
      keystoreFromIdentity({ ...identity, privateKey: locked as CryptoKey }, { alias: 'a' }),
    ).rejects.toThrow(TypeError);
    await expect(keystoreFromIdentity({} as never, { alias: 'a' })).rejects.toThrow(TypeError);
    await expect(keystoreFromIdentity(identity, {} as never)).rejects.toThrow(TypeError);
    await expect(identityFromKeystore({ entries: 'x' } as never)).rejects.toThrow(TypeError);
  });
});
