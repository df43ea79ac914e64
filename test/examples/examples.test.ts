// Runs every example as a user would (`node --import tsx examples/X.ts`) and checks what it says.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../cli/run.js';
import { requireTool } from '../helpers/tools.js';

const HAS_JDK = requireTool('jdk', import.meta.url);

interface Run {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

function example(
  name: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('examples', name), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err, ms: performance.now() - started }));
  });
}

const HEX32 = /[0-9A-F]{32}/;

describe('examples', () => {
  it('sign-and-verify.ts: raw and CMS verify; tampering and strangers are refused', async () => {
    const r = await example('sign-and-verify.ts');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^raw: 256-byte signature verified by CN=sepm01\.example/m);
    expect(r.out).toMatch(/^cms: \d+-byte signature verified by CN=sepm01\.example/m);
    expect(r.out).toContain('tampered policy: refused with ERR_POLICY_SIGNATURE_INVALID');
    expect(r.out).toContain('untrusted signer: refused with ERR_POLICY_UNTRUSTED_SIGNER');
  });

  it('seal-and-open.ts: round trip; a wrong site key fails; the key is never printed', async () => {
    const r = await example('seal-and-open.ts');
    expect(r.code).toBe(0);
    expect(r.out).toContain('opened: "<AvPolicy scan="daily"/>", signed by CN=sepm01.example');
    expect(r.out).toContain('wrong site key: ERR_POLICY_DECRYPT_FAILED');
    expect(r.out).toMatch(/site key Kcs\(fingerprint=[0-9a-f]{16}\)/);
    expect(r.out).not.toMatch(HEX32);
  });

  it('parse-sylink.ts: servers in priority order, rewrite, DOCTYPE refused', async () => {
    const r = await example('parse-sylink.ts');
    expect(r.code).toBe(0);
    const order = [...r.out.matchAll(/^priority (\d): (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(order).toEqual(['1 10.0.0.5', '1 10.0.0.6', '2 sepm-dr.example']);
    expect(r.out).toContain('rewritten: 600 s heartbeat');
    expect(r.out).toContain('DOCTYPE refused: ERR_SYLINK_DTD_FORBIDDEN');
    expect(r.out).not.toContain('5CD564A466665A0333B3B710C0D506F1');
  });

  it('run-manager.ts: five ports, the client gets the policy, clean stop', async () => {
    const r = await example('run-manager.ts');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const port of ['client', 'clientHttp', 'manager', 'reporting', 'webServices']) {
      expect(r.out).toMatch(new RegExp(`^${port}\\s+https?://127\\.0\\.0\\.1:\\d+/$`, 'm'));
    }
    expect(r.out).toMatch(
      /got "Firewall" serial 1 from https:\/\/127\.0\.0\.1:\d+: <Firewall default="block"\/>/,
    );
    expect(r.out.trim().endsWith('manager stopped')).toBe(true);
  });

  describe('read-jks.ts', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sepm-example-jks-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('reads its own sample keystore.jks', async () => {
      const r = await example('read-jks.ts');
      expect(r.code).toBe(0);
      expect(r.out).toContain('format: jks, 1 entry');
      expect(r.out).toContain('- sepm: private key + 1 certificate(s)');
    });

    it.runIf(HAS_JDK)(
      'reads a keystore.jks made by keytool, with the same fingerprint keytool shows',
      async () => {
        const jks = join(dir, 'keytool.jks');
        const run = promisify(execFile);
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
            'sepm',
            '-keyalg',
            'RSA',
            '-keysize',
            '2048',
            '-sigalg',
            'SHA256withRSA',
            '-dname',
            'CN=keytool-made',
            '-validity',
            '30',
          ],
          { env: { ...process.env, KSP: 'example-pass' } },
        );
        const listed = await run('keytool', ['-list', '-keystore', jks, '-storepass:env', 'KSP'], {
          env: { ...process.env, KSP: 'example-pass' },
        });
        const keytoolFp = /\(SHA-256\): ([0-9A-F:]+)/.exec(listed.stdout)![1];
        const r = await example('read-jks.ts', [jks], { KEYSTORE_PASSWORD: 'example-pass' });
        expect(r.code).toBe(0);
        expect(r.out).toContain('identity: CN=keytool-made');
        expect(r.out).toContain(`SHA-256 (as keytool -list prints it): ${keytoolFp}`);
      },
    );
  });

  it('demo.ts (npm run demo): the whole flow in under 30 s, exit 0', async () => {
    // --keep, so that the test can read the site's Kcs and check it was never printed.
    const r = await example('demo.ts', ['--keep']);
    const siteDir = /Site:\s+(\S+) \(kept\)/.exec(r.out)?.[1];
    expect(siteDir).toBeDefined();
    const config = JSON.parse(await readFile(join(siteDir!, 'site.json'), 'utf8')) as {
      kcs: string;
    };
    await rm(siteDir!, { recursive: true, force: true });
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain(config.kcs);
    expect(r.out).toContain('sepm-crypto demo: OK');
    expect(r.out.match(/decrypted bytes equal the published policy: yes/g)).toHaveLength(2);
    expect(r.out).toMatch(/HTTPS heartbeat https:\/\/127\.0\.0\.1:\d+\//);
    expect(r.out).toMatch(/HTTP {2}heartbeat http:\/\/127\.0\.0\.1:\d+\//);
    expect(r.out).toContain('the site certificate');
    // keytool is optional for the demo: without it the demo says so and still passes.
    expect(r.out).toContain(
      HAS_JDK
        ? 'keytool -list: same SHA-256 fingerprint as the site certificate: yes'
        : 'keytool -list: keytool is not installed',
    );
    expect(r.ms).toBeLessThan(30_000);
  });
});
