// `keystore convert` --key-out / --cert-out / --alias, and the refusal to put a private key into
// a file named as a certificate (issue 12 point 6), run as a user runs the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServerIdentity } from '../../src/cert/generate.js';
import {
  keystoreFromIdentity,
  readJks,
  readPem,
  writeJks,
  type PrivateKeyEntry,
} from '../../src/keystore/index.js';
import { pemBlocks } from '../../src/keystore/pem_codec.js';
import { requireTool } from '../helpers/tools.js';
import { cli } from './run.js';

const HAS_JDK = requireTool('jdk', import.meta.url);
const HAS_OPENSSL = requireTool('openssl', import.meta.url);

let dir: string;
/** tomcat (private key) + rootca (trusted certificate), password changeit. */
let tomcatJks: string;
/** tomcat and other, two private-key entries. */
let twoKeysJks: string;
let tomcat: PrivateKeyEntry;
let other: PrivateKeyEntry;
const PW = ['--password-env', 'KS'];
const env = { KS: 'changeit', NEW: 'n3w-password' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sepm-cli-convert-'));
  const [a, b] = await Promise.all([
    generateServerIdentity({ commonName: 'tomcat.example' }),
    generateServerIdentity({ commonName: 'other.example' }),
  ]);
  tomcat = (await keystoreFromIdentity(a, { alias: 'tomcat' })).entries[0] as PrivateKeyEntry;
  other = (await keystoreFromIdentity(b, { alias: 'other' })).entries[0] as PrivateKeyEntry;
  const root = {
    kind: 'trustedCertificate' as const,
    alias: 'rootca',
    certificate: other.chain[0]!,
  };
  tomcatJks = join(dir, 'tomcat.jks');
  await writeFile(tomcatJks, writeJks({ format: 'jks', entries: [tomcat, root] }, 'changeit'));
  twoKeysJks = join(dir, 'two.jks');
  await writeFile(twoKeysJks, writeJks({ format: 'jks', entries: [tomcat, other] }, 'changeit'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const path = (name: string) => join(dir, name);
const labels = (text: string) => pemBlocks(text).map((b) => b.label);

describe('keystore convert --key-out / --cert-out', () => {
  it('writes server.key (0600, the key alone) and server.crt (the chain alone) named tomcat', async () => {
    const r = await cli(
      [
        'keystore',
        'convert',
        tomcatJks,
        ...PW,
        '--key-out',
        path('server.key'),
        '--cert-out',
        path('server.crt'),
      ],
      { env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      `Wrote the private key of "tomcat" to ${path('server.key')} (mode 0600)`,
    );
    expect((await stat(path('server.key'))).mode & 0o777).toBe(0o600);
    const key = await readFile(path('server.key'), 'utf8');
    const crt = await readFile(path('server.crt'), 'utf8');
    expect(labels(key)).toEqual(['PRIVATE KEY']);
    expect(labels(crt)).toEqual(['CERTIFICATE']);
    expect(readPem(key + crt).entries).toEqual([
      { kind: 'privateKey', alias: 'tomcat', pkcs8: tomcat.pkcs8, chain: tomcat.chain },
    ]);
  });

  it('--json reports the alias and the files', async () => {
    const r = await cli(
      ['keystore', 'convert', tomcatJks, ...PW, '--cert-out', path('only.crt'), '--json'],
      { env },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ from: 'jks', alias: 'tomcat', certOut: path('only.crt') });
    expect(existsSync(path('only.key'))).toBe(false);
  });

  it('encrypts server.key when a new password is given', async () => {
    const r = await cli(
      [
        'keystore',
        'convert',
        tomcatJks,
        ...PW,
        '--key-out',
        path('enc.key'),
        '--out-password-env',
        'NEW',
      ],
      { env },
    );
    expect(r.code).toBe(0);
    const key = await readFile(path('enc.key'), 'utf8');
    expect(labels(key)).toEqual(['ENCRYPTED PRIVATE KEY']);
    expect((readPem(key, { password: env.NEW }).entries[0] as PrivateKeyEntry).pkcs8).toEqual(
      tomcat.pkcs8,
    );
  });

  it('several private keys: ERR_KEYSTORE_ALIAS_REQUIRED without --alias (nothing written); --alias picks one', async () => {
    const none = await cli(
      ['keystore', 'convert', twoKeysJks, ...PW, '--key-out', path('two.key')],
      { env },
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('ERR_KEYSTORE_ALIAS_REQUIRED');
    expect(none.stderr).toContain('"tomcat", "other"');
    expect(existsSync(path('two.key'))).toBe(false);
    const picked = await cli(
      ['keystore', 'convert', twoKeysJks, ...PW, '--alias', 'OTHER', '--key-out', path('two.key')],
      { env },
    );
    expect(picked.code).toBe(0);
    expect(pemBlocks(await readFile(path('two.key'), 'utf8'))[0]!.der).toEqual(other.pkcs8);
  });

  it('an unknown --alias: ERR_KEYSTORE_ENTRY_NOT_FOUND, for the split and for -o alike', async () => {
    const split = await cli(
      ['keystore', 'convert', tomcatJks, ...PW, '--alias', 'jetty', '--cert-out', path('j.crt')],
      { env },
    );
    expect(split.code).toBe(1);
    expect(split.stderr).toContain('ERR_KEYSTORE_ENTRY_NOT_FOUND');
    const whole = await cli(
      ['keystore', 'convert', tomcatJks, ...PW, '--alias', 'jetty', '-o', path('j.p12')],
      { env },
    );
    expect(whole.code).toBe(1);
    expect(whole.stderr).toContain(
      'keystore has no entry with alias "jetty" (it has "tomcat", "rootca")',
    );
    expect(existsSync(path('j.crt')) || existsSync(path('j.p12'))).toBe(false);
  });

  it('--alias with -o converts that entry alone', async () => {
    const r = await cli(
      ['keystore', 'convert', tomcatJks, ...PW, '--alias', 'rootca', '-o', path('root.jks')],
      { env },
    );
    expect(r.code).toBe(0);
    const back = readJks(new Uint8Array(await readFile(path('root.jks'))), 'changeit');
    expect(back.entries.map((e) => `${e.kind}:${e.alias}`)).toEqual(['trustedCertificate:rootca']);
  });

  it('the same file for two outputs is a usage error', async () => {
    const r = await cli(
      [
        'keystore',
        'convert',
        tomcatJks,
        ...PW,
        '--key-out',
        path('x.pem'),
        '--cert-out',
        path('x.pem'),
      ],
      { env },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must name different files');
  });
});

describe('keystore convert refuses a private key in a certificate file', () => {
  for (const [name, extra] of [
    ['leak.crt', []],
    ['leak.pem', []],
    ['leak.cer', ['--to', 'pem']],
  ] as const) {
    it(`-o ${name}: exit 2 with a clear message, nothing written; --allow-key-in-cert-file writes it`, async () => {
      const args = [
        'keystore',
        'convert',
        tomcatJks,
        ...PW,
        '--unencrypted',
        ...extra,
        '-o',
        path(name),
      ];
      const r = await cli(args, { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`refusing to write a private key into ${path(name)}`);
      expect(r.stderr).toContain('--key-out FILE --cert-out FILE');
      expect(r.stderr).toContain('--allow-key-in-cert-file');
      expect(existsSync(path(name))).toBe(false);
      const allowed = await cli([...args, '--allow-key-in-cert-file'], { env });
      expect(allowed.code).toBe(0);
      expect(labels(await readFile(path(name), 'utf8'))).toContain('PRIVATE KEY');
    });
  }

  it('--key-out server.crt: exit 2 before any password is asked', async () => {
    const r = await cli(['keystore', 'convert', tomcatJks, '--key-out', path('k.crt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refusing to write a private key into ${path('k.crt')}`);
    expect(existsSync(path('k.crt'))).toBe(false);
  });

  it('certificates alone may go to a .pem (a truststore has no key to leak)', async () => {
    const certs = path('certs.jks');
    await writeFile(
      certs,
      writeJks(
        {
          format: 'jks',
          entries: [{ kind: 'trustedCertificate', alias: 'rootca', certificate: tomcat.chain[0]! }],
        },
        'changeit',
      ),
    );
    const r = await cli(['keystore', 'convert', certs, ...PW, '-o', path('bundle.pem')], { env });
    expect(r.code).toBe(0);
    expect(labels(await readFile(path('bundle.pem'), 'utf8'))).toEqual(['CERTIFICATE']);
  });
});

describe('keystore convert keeps aliases; keytool and openssl accept the results', () => {
  it.runIf(HAS_JDK)('JKS -> PEM -> JKS keeps tomcat (keytool -list shows it)', async () => {
    const pem = path('all.pem');
    const a = await cli(
      [
        'keystore',
        'convert',
        tomcatJks,
        ...PW,
        '--unencrypted',
        '--allow-key-in-cert-file',
        '-o',
        pem,
      ],
      { env },
    );
    expect(a.code).toBe(0);
    const b = await cli(
      ['keystore', 'convert', pem, '--out-password-env', 'KS', '-o', path('back.jks')],
      { env },
    );
    expect(b.code).toBe(0);
    const list = execFileSync(
      'keytool',
      ['-list', '-keystore', path('back.jks'), '-storepass', 'changeit'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(list).toMatch(/^tomcat, .*PrivateKeyEntry/m);
    expect(list).toMatch(/^rootca, .*trustedCertEntry/m);
  });

  it.runIf(HAS_OPENSSL)(
    'openssl x509 / openssl rsa accept server.crt / server.key and the moduli are equal',
    async () => {
      const r = await cli(
        [
          'keystore',
          'convert',
          tomcatJks,
          ...PW,
          '--key-out',
          path('o.key'),
          '--cert-out',
          path('o.crt'),
        ],
        { env },
      );
      expect(r.code).toBe(0);
      const ossl = (...args: string[]) =>
        execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      ossl('x509', '-in', path('o.crt'), '-noout');
      expect(ossl('rsa', '-in', path('o.key'), '-check', '-noout')).toContain('RSA key ok');
      const certModulus = ossl('x509', '-in', path('o.crt'), '-noout', '-modulus');
      expect(certModulus).toMatch(/^Modulus=[0-9A-F]{512}\n$/);
      expect(ossl('rsa', '-in', path('o.key'), '-noout', '-modulus')).toBe(certModulus);
    },
  );
});
