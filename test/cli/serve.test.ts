import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { parseSylink } from '../../src/sylink/index.js';
import { createClient } from '../../src/node/client/client.js';
import { loadSite } from '../../src/node/site/site.js';
import { cli, collect, spawnCli } from './run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sepm-cli-serve-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** GET over HTTPS without CA checks; returns the body and the SHA-256 of the server's leaf. */
function httpsHello(url: string): Promise<{ status: number; body: string; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL('/secars/secars.dll?hello,secars', url),
      { rejectUnauthorized: false, agent: false },
      (res) => {
        const der = (res.socket as TLSSocket).getPeerCertificate().raw;
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            sha256: createHash('sha256').update(der).digest('hex'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function httpHello(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(new URL('/secars/secars.dll?hello,secars', url), { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('cli init + serve', () => {
  it('init creates a site without printing its secrets; serve runs it until SIGTERM', async () => {
    const siteDir = join(dir, 'site');
    const pwFile = join(dir, 'admin.txt');
    const init = await cli([
      'init',
      siteDir,
      '--common-name',
      'serve-test',
      '--admin-password-out',
      pwFile,
      '--json',
    ]);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const created = JSON.parse(init.out) as {
      domainId: string;
      certificate: { sha256: string };
      kcs?: string;
    };
    expect(created.kcs).toBeUndefined();
    const site = await loadSite(siteDir);
    const adminPassword = (await readFile(pwFile, 'utf8')).trim();
    expect((await stat(pwFile)).mode & 0o777).toBe(0o600);
    expect(await site.verifyAdminPassword(adminPassword)).toBe(true);
    expect(init.out).not.toContain(site.kcs.toHex());
    expect(init.out).not.toContain(adminPassword);
    expect(created.domainId).toBe(site.domainId);

    // A second init in the same directory is refused (exit 1, the site is kept).
    const again = await cli(['init', siteDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('ERR_MANAGER_SITE_EXISTS');

    const policy = Buffer.from('<Policy name="served"/>\n');
    const policyFile = join(dir, 'served.xml');
    await writeFile(policyFile, policy);
    const sylinkOut = join(dir, 'client-sylink.xml');
    const child = spawnCli([
      'serve',
      siteDir,
      '--ephemeral',
      '--json',
      '--policy',
      `Served=${policyFile}`,
      '--sylink-out',
      sylinkOut,
    ]);
    const done = collect(child);
    try {
      const first = await new Promise<string>((resolve, reject) => {
        let buf = '';
        const onData = (d: Buffer) => {
          buf += d.toString();
          const nl = buf.indexOf('\n');
          if (nl >= 0) {
            child.stdout!.off('data', onData);
            resolve(buf.slice(0, nl));
          }
        };
        child.stdout!.on('data', onData);
        child.on('close', () => reject(new Error(`serve exited early`)));
      });
      const ready = JSON.parse(first) as {
        event: string;
        urls: Record<string, string>;
        certificateSha256: string;
        policies: { name: string }[];
      };
      expect(ready.event).toBe('listening');
      expect(Object.keys(ready.urls).sort()).toEqual(
        ['client', 'clientHttp', 'manager', 'reporting', 'webServices'].sort(),
      );
      expect(ready.urls.clientHttp).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(ready.policies.map((p) => p.name)).toEqual(['Served']);

      // HTTPS presents the site certificate; plain HTTP answers the same health check.
      const hello = await httpsHello(ready.urls.client!);
      expect(hello).toMatchObject({ status: 200, body: 'OK' });
      expect(hello.sha256.toUpperCase().match(/../g)!.join(':')).toBe(ready.certificateSha256);
      expect((await httpHello(ready.urls.clientHttp!)).trim()).toBe('OK');

      // A client of the written sylink gets the published policy, verified and decrypted.
      const client = createClient({
        sylink: parseSylink(await readFile(sylinkOut)),
        connectTimeoutMs: 5000,
      });
      try {
        const hb = await client.heartbeat();
        const got = hb.policies.find((p) => p.name === 'Served')!;
        expect(Buffer.from(got.data).equals(policy)).toBe(true);
        expect(got.signer.equal(site.identity.certificate)).toBe(true);
      } finally {
        client.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
    const t = performance.now();
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.signal).toBeNull();
    expect(result.out.trim().split('\n').at(-1)).toBe('{"event":"stopped"}');
    expect(performance.now() - t).toBeLessThan(15_000);
  });
});
