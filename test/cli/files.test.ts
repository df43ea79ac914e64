import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { readKeystore, writeKeystore } from '../../src/keystore/index.js';
import { parseSylink } from '../../src/sylink/index.js';
import { cli } from './run.js';
import { makeFixture, type Fixture } from './fixtures.js';
import { requireTool } from '../helpers/tools.js';

const HAS_JDK = requireTool('jdk', import.meta.url);

const run = promisify(execFile);
let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(() => fx.cleanup());

const fp = (der: ArrayBuffer) =>
  crypto.subtle
    .digest('SHA-256', der)
    .then((d) => Buffer.from(d).toString('hex').toUpperCase().match(/../g)!.join(':'));

describe('cli keystore', () => {
  it('lists keystore.jks with the password from the environment; never prints the password', async () => {
    const r = await cli(
      ['keystore', 'list', join(fx.siteDir, 'keystore.jks'), '--password-env', 'KS', '--json'],
      {
        env: { KS: fx.keystorePassword },
      },
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      format: string;
      entries: { alias: string; kind: string; key: string; certificates: { sha256: string }[] }[];
    };
    expect(doc.format).toBe('jks');
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]).toMatchObject({
      alias: 'sepm',
      kind: 'privateKey',
      key: 'RSA 2048 bits',
    });
    expect(doc.entries[0]!.certificates[0]!.sha256).toBe(
      await fp(fx.site.identity.certificate.rawData),
    );
    expect(r.out + r.stderr).not.toContain(fx.keystorePassword);
  });

  it('wrong password: exit 1 with the keystore error; no password and no terminal: exit 2', async () => {
    const wrong = await cli(
      ['keystore', 'list', join(fx.siteDir, 'keystore.jks'), '--password-env', 'KS'],
      {
        env: { KS: 'not-the-password' },
      },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ERR_KEYSTORE_INTEGRITY');
    const none = await cli(['keystore', 'list', join(fx.siteDir, 'keystore.jks')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--password-file');
  });

  it('converts JKS to PKCS#12 (mode 0600) that reads back with the same key and certificate', async () => {
    const out = join(fx.dir, 'server.p12');
    const r = await cli([
      'keystore',
      'convert',
      join(fx.siteDir, 'keystore.jks'),
      '--password-file',
      fx.passwordFile,
      '-o',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('JKS (1 entry) -> PKCS12');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const p12 = readKeystore(new Uint8Array(await readFile(out)), fx.keystorePassword);
    const jks = readKeystore(
      new Uint8Array(await readFile(join(fx.siteDir, 'keystore.jks'))),
      fx.keystorePassword,
    );
    expect(p12.format).toBe('pkcs12');
    const [a, b] = [p12.entries[0]!, jks.entries[0]!];
    if (a.kind !== 'privateKey' || b.kind !== 'privateKey') throw new Error('expected key entries');
    expect(Buffer.from(a.pkcs8).equals(Buffer.from(b.pkcs8))).toBe(true);
    expect(Buffer.from(a.chain[0]!).equals(Buffer.from(b.chain[0]!))).toBe(true);
    // keytool reads the converted file and sees the site certificate.
    if (!HAS_JDK) return;
    const listed = await run(
      'keytool',
      ['-list', '-storetype', 'PKCS12', '-keystore', out, '-storepass:env', 'KSP'],
      {
        env: { ...process.env, KSP: fx.keystorePassword },
      },
    );
    expect(listed.stdout).toContain(await fp(fx.site.identity.certificate.rawData));
  });

  it.runIf(HAS_JDK)(
    'lists a keystore made by keytool with the fingerprint keytool shows',
    async () => {
      const jks = join(fx.dir, 'keytool.jks');
      const env = { ...process.env, KSP: 'keytool-pass' };
      await run(
        'keytool',
        [
          '-genkeypair',
          '-keystore',
          jks,
          '-storetype',
          'JKS',
          '-storepass:env',
          'KSP',
          '-keypass:env',
          'KSP',
          '-alias',
          'made-by-keytool',
          '-keyalg',
          'RSA',
          '-keysize',
          '2048',
          '-dname',
          'CN=keytool',
          '-validity',
          '10',
        ],
        { env },
      );
      const keytoolFp = /\(SHA-256\): ([0-9A-F:]+)/.exec(
        (await run('keytool', ['-list', '-keystore', jks, '-storepass:env', 'KSP'], { env }))
          .stdout,
      )![1];
      const r = await cli(['keystore', 'list', jks, '--password-env', 'KSP', '--json'], {
        env: { KSP: 'keytool-pass' },
      });
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.out) as {
        entries: { alias: string; certificates: { sha256: string }[] }[];
      };
      expect(doc.entries[0]!.alias).toBe('made-by-keytool');
      expect(doc.entries[0]!.certificates[0]!.sha256).toBe(keytoolFp);
    },
  );

  it('shows secret-key bytes only with --show-secrets', async () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
    const file = join(fx.dir, 'secret.p12');
    const ks = writeKeystore(
      { format: 'pkcs12', entries: [{ kind: 'secretKey', alias: 'aes', algorithm: 'AES', key }] },
      'pw-secret',
      'pkcs12',
    );
    await writeFile(file, ks);
    const hex = Buffer.from(key).toString('hex').toUpperCase();
    const hidden = await cli(['keystore', 'list', file, '--password-env', 'P'], {
      env: { P: 'pw-secret' },
    });
    expect(hidden.code).toBe(0);
    expect(hidden.out).toContain('AES, 128 bits');
    expect(hidden.out).not.toContain(hex);
    const shown = await cli(
      ['keystore', 'list', file, '--password-env', 'P', '--show-secrets', '--json'],
      {
        env: { P: 'pw-secret' },
      },
    );
    expect(JSON.parse(shown.out).entries[0].secret).toBe(hex);
  });
});

describe('cli sylink and cert', () => {
  it('sylink show hides the Kcs unless --show-secrets', async () => {
    const file = join(fx.siteDir, 'sylink.xml');
    const hex = fx.site.kcs.toHex();
    const plain = await cli(['sylink', 'show', file]);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain(fx.site.domainId);
    expect(plain.out).toContain(fx.site.kcs.fingerprint());
    expect(plain.out).not.toContain(hex);
    const shown = await cli(['sylink', 'show', '-', '--json', '--show-secrets'], {
      input: await readFile(file),
    });
    const doc = JSON.parse(shown.out) as {
      kcs: string;
      serverLists: { blocks: { servers: { address: string }[] }[] }[];
    };
    expect(doc.kcs).toBe(hex);
    expect(doc.serverLists[0]!.blocks[0]!.servers[0]!.address).toBe('127.0.0.1');
  });

  it('sylink build writes a file the parser reads back, with the given servers and certificate', async () => {
    const out = join(fx.dir, 'built.xml');
    const r = await cli([
      'sylink',
      'build',
      '--server',
      '10.0.0.5,https=8443,http=8014',
      '--server',
      'backup.example,priority=2',
      '--cert',
      join(fx.siteDir, 'server.crt'),
      '--kcs-file',
      fx.kcsFile,
      '--domain-id',
      'ab'.repeat(16),
      '-o',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(fx.site.kcs.toHex());
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const s = parseSylink(await readFile(out));
    expect(s.domainId).toBe('AB'.repeat(16));
    expect(s.kcs.equals(fx.site.kcs)).toBe(true);
    expect(
      s.serverLists[0]!.blocks.map((b) => b.servers.map((x) => [x.address, x.httpsPort])),
    ).toEqual([[['10.0.0.5', 8443]], [['backup.example', 443]]]);
    expect(s.certificates[0]!.certificate.equal(fx.site.identity.certificate)).toBe(true);
  });

  it('cert show prints subject and the SHA-256 fingerprint; garbage is exit 1', async () => {
    const r = await cli(['cert', 'show', join(fx.siteDir, 'server.crt'), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      certificates: { subject: string; sha256: string; selfSigned: boolean }[];
    };
    expect(doc.certificates[0]).toMatchObject({ subject: 'CN=cli-test', selfSigned: true });
    expect(doc.certificates[0]!.sha256).toBe(await fp(fx.site.identity.certificate.rawData));
    const bad = await cli(['cert', 'show', '-'], { input: 'not a certificate' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/ERR_(CERT|PEM)_MALFORMED/);
  });
});
