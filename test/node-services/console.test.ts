// The web console on 8443 in a real browser: Debian's headless Chromium driven by playwright-core
// (never a browser download).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createManager, type Manager } from '../../src/node/manager/index.js';
import { createClient } from '../../src/node/client/client.js';
import { parseSylink } from '../../src/sylink/index.js';
import { ALL_ZERO, call, makeSite, type TestSite } from './helpers.js';
import { requireTool } from '../helpers/tools.js';
import { launchChromium } from '../helpers/chromium.js';

const HAS_CHROMIUM = requireTool('chromium', import.meta.url);

describe.runIf(HAS_CHROMIUM)('web console (8443) in headless Chromium', () => {
  let t: TestSite;
  let manager: Manager;
  let port: number;
  let browser: Browser;

  beforeAll(async () => {
    t = await makeSite('console.test');
    manager = createManager({ site: t.site, ports: ALL_ZERO });
    port = (await manager.listen()).manager.port;
    await manager.publishPolicy('Intrusion Prevention policy', new TextEncoder().encode('<ips/>'));
    const client = createClient({ sylink: manager.sylink(), hostname: 'workstation-1' });
    try {
      await client.register();
      await client.heartbeat();
    } finally {
      client.close();
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await manager?.close();
    await t?.cleanup();
  });

  it('logs in, shows the certificate and site, downloads sylink.xml, logs out', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    try {
      const res = await page.goto(`https://127.0.0.1:${port}/`);
      expect(page.url()).toBe(`https://127.0.0.1:${port}/console/`);
      const csp = res!.headers()['content-security-policy']!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      const html = await res!.text();
      // Every <script> has a src: no inline code.
      expect(html.match(/<script\b[^>]*>/g)!.every((tag) => / src="/.test(tag))).toBe(true);

      await page.waitForSelector('#login-form', { state: 'visible' });
      await page.fill('#username', 'admin');
      await page.fill('#password', 'wrong password');
      await page.click('#login-submit');
      await expect
        .poll(() => page.textContent('#login-error'))
        .toBe('invalid username or password');
      // The 401 of the failed login above is the only console error allowed.
      problems.length = 0;

      await page.fill('#password', t.adminPassword);
      await page.click('#login-submit');
      await page.waitForSelector('#overview', { state: 'visible' });

      const crt = new NodeX509(await readFile(join(t.dir, 'server.crt')));
      expect(await page.textContent('#cert-fingerprint')).toBe(crt.fingerprint256);
      expect(await page.textContent('#cert-subject')).toContain('CN=console.test');
      expect(await page.textContent('#kcs-fingerprint')).toBe(t.site.kcs.fingerprint());
      expect(await page.textContent('#domain-id')).toBe(t.site.domainId);
      expect(await page.textContent('#policies')).toContain('Intrusion Prevention policy');
      expect(await page.textContent('#clients')).toContain('workstation-1');
      // The Kcs itself is nowhere on the page.
      expect((await page.content()).toUpperCase()).not.toContain(t.site.kcs.toHex());

      const cookie = (await context.cookies()).find((c) => c.name === '__Host-sepm-console')!;
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#download-sylink'),
      ]);
      expect(download.suggestedFilename()).toBe('sylink.xml');
      const sylink = parseSylink(await readFile((await download.path())!));
      expect(sylink.domainId).toBe(t.site.domainId);
      expect(sylink.kcs.equals(t.site.kcs)).toBe(true);
      expect(sylink.certificates[0]!.certificate.equal(t.site.identity.certificate)).toBe(true);

      await page.click('#logout');
      await page.waitForSelector('#login-view', { state: 'visible' });
      const after = await page.evaluate(async () => (await fetch('/console/api/overview')).status);
      expect(after).toBe(401);
      expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses cross-origin posts and anonymous reads', async () => {
    const forged = await call(port, 'POST', '/console/api/login', {
      json: { username: 'admin', password: t.adminPassword },
      headers: { Origin: 'https://evil.example', Host: `127.0.0.1:${port}` },
    });
    expect(forged.status).toBe(403);
    const noOrigin = await call(port, 'POST', '/console/api/login', {
      json: { username: 'admin', password: t.adminPassword },
    });
    expect(noOrigin.status).toBe(403);
    const same = await call(port, 'POST', '/console/api/login', {
      json: { username: 'admin', password: t.adminPassword },
      headers: { Origin: `https://127.0.0.1:${port}`, Host: `127.0.0.1:${port}` },
    });
    expect(same.status).toBe(204);
    expect(String(same.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    // A session token is no REST bearer token, and a bearer token is no session.
    const session = /__Host-sepm-console=([^;]+)/.exec(String(same.headers['set-cookie']))![1]!;
    const ws = manager.addresses.webServices!.port;
    const asBearer = await call(ws, 'GET', '/sepm/api/v1/policies/summary', {
      headers: { Authorization: `Bearer ${session}` },
    });
    expect(asBearer.status).toBe(401);
    const bearer = (
      await call(ws, 'POST', '/sepm/api/v1/identity/authenticate', {
        json: { username: 'admin', password: t.adminPassword, domain: '' },
      })
    ).json().token as string;
    const asCookie = await call(port, 'GET', '/console/api/overview', {
      headers: { Cookie: `__Host-sepm-console=${bearer}` },
    });
    expect(asCookie.status).toBe(401);
    const withSession = await call(port, 'GET', '/console/api/overview', {
      headers: { Cookie: `__Host-sepm-console=${session}` },
    });
    expect(withSession.status).toBe(200);
    expect(withSession.body.toString('utf8')).not.toContain(t.site.kcs.toHex());
    expect((await call(port, 'GET', '/console/sylink.xml')).status).toBe(401);
    expect((await call(port, 'GET', '/console/api/overview')).status).toBe(401);
  });
});
