// The web services port (8446) and reporting (8445) over real HTTPS on loopback; every 8446
// answer is checked against the SEPM spec.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createManager, type Manager } from '../../src/node/manager/index.js';
import { createClient } from '../../src/node/client/client.js';
import { hashPassword } from '../../src/node/manager/auth.js';
import { ALL_ZERO, call, makeSite, type CallOptions, type TestSite } from './helpers.js';
import { rest } from '../sepm-rest/harness.js';

const API = '/sepm/api/v1';

describe('web services (8446) and reporting (8445)', () => {
  let t: TestSite;
  let manager: Manager;
  let clock = Date.now();
  let ws: number;
  let rep: number;

  // Every answer of 8446 is checked against the SEPM spec (test/sepm-rest/spec.ts).
  const wsCall = (
    method: string,
    path: string,
    options: Omit<CallOptions, 'plain' | 'key' | 'cert'> = {},
  ) => rest(ws, method, path, { ...options, https: true });
  const login = (username: string, password: string, domain: unknown = '') =>
    wsCall('POST', `${API}/identity/authenticate`, { json: { username, password, domain } });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await makeSite('rest.test');
    manager = createManager({
      site: t.site,
      ports: ALL_ZERO,
      services: {
        now: () => clock,
        throttle: { maxFailures: 5, lockoutMs: 60_000 },
        accounts: [{ credential: await hashPassword('reader', 'reader-password'), role: 'reader' }],
      },
    });
    const a = await manager.listen();
    ws = a.webServices.port;
    rep = a.reporting.port;
  });
  afterAll(async () => {
    await manager.close();
    await t.cleanup();
  });

  it('GET /version answers without login, as SEPM does', async () => {
    const r = await wsCall('GET', `${API}/version`);
    expect(r.status).toBe(200);
    const v = r.json();
    expect(Object.keys(v).sort()).toEqual(['API_SEQUENCE', 'API_VERSION', 'version']);
    for (const k of Object.keys(v)) expect(typeof v[k]).toBe('string');
    expect(r.headers['strict-transport-security']).toBe('max-age=63072000');
  });

  it('logs in, uses the token, logs out; the token is then refused', async () => {
    const r = await login('admin', t.adminPassword);
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect(body.tokenExpiration).toBe(3600);
    expect(body.username).toBe('admin');
    expect(body.domainid).toBe(t.site.domainId);
    expect(r.headers['cache-control']).toBe('no-store');
    const me = await wsCall('GET', `${API}/sessions/currentuser`, {
      headers: bearer(body.token),
    });
    expect(me.status).toBe(200);
    expect(me.json().username).toBe('admin');
    // Issue 15: currentuser carries the token (the spec's UserToken requires it).
    expect(me.json().token).toBe(body.token);
    const out = await wsCall('POST', `${API}/identity/logout`, { headers: bearer(body.token) });
    expect(out.status).toBe(204);
    const after = await wsCall('GET', `${API}/policies/summary`, { headers: bearer(body.token) });
    expect(after.status).toBe(401);
    expect(after.json().errorCode).toBe('401');
  });

  it('two logins give two different tokens', async () => {
    const a = (await login('admin', t.adminPassword)).json().token;
    const b = (await login('admin', t.adminPassword)).json().token;
    expect(a).not.toBe(b);
  });

  it('refuses a wrong password, an unknown user and another domain with one answer', async () => {
    const answers = [
      await login('admin', t.adminPassword + 'x'),
      await login('nobody', t.adminPassword),
      await login('admin', t.adminPassword, 'Other'),
    ];
    for (const r of answers) {
      expect(r.status).toBe(401);
      expect(r.json()).toEqual({
        errorCode: '401',
        // Issue 15: SEPM's error body (appErrorCode, the spec's 401 message; no `error` tag).
        appErrorCode: '',
        errorMessage:
          'The user that is currently logged on has insufficient rights to execute the web method, or the user is unauthorized.',
      });
    }
    // Three failures made the throttle count; a success clears it.
    expect((await login('admin', t.adminPassword)).status).toBe(200);
  });

  it('refuses expired and forged tokens', async () => {
    const token = (await login('admin', t.adminPassword)).json().token as string;
    expect(
      (await wsCall('GET', `${API}/policies/summary`, { headers: bearer(token) })).status,
    ).toBe(200);
    // A forged token of the right shape, a token with one character changed, garbage.
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    for (const forged of ['A'.repeat(43), flipped, 'not a token', '']) {
      const r = await wsCall('GET', `${API}/policies/summary`, { headers: bearer(forged) });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toContain('Bearer');
    }
    clock += 3600 * 1000 + 1;
    const r = await wsCall('GET', `${API}/policies/summary`, { headers: bearer(token) });
    expect(r.status).toBe(401);
  });

  it('answers malformed requests with JSON 400/404/405/413/415', async () => {
    const bad = await wsCall('POST', `${API}/identity/authenticate`, {
      body: '{"username":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    // Issue 15: SEPM's error body instead of the `error` tag.
    expect(bad.json()).toEqual({
      errorCode: '400',
      appErrorCode: '',
      errorMessage: 'The parameters are invalid.',
    });
    const notUtf8 = await wsCall('POST', `${API}/identity/authenticate`, {
      body: Buffer.from([0x7b, 0xff, 0x7d]),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(notUtf8.status).toBe(400);
    const shape = await wsCall('POST', `${API}/identity/authenticate`, { json: ['admin'] });
    expect(shape.status).toBe(400);
    const type = await wsCall('POST', `${API}/identity/authenticate`, {
      body: 'username=admin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(type.status).toBe(415);
    const big = await wsCall('POST', `${API}/identity/authenticate`, {
      json: { username: 'admin', password: 'x'.repeat(100_000), domain: '' },
    });
    expect(big.status).toBe(413);
    const method = await wsCall('GET', `${API}/identity/authenticate`);
    expect(method.status).toBe(405);
    const token = (await login('admin', t.adminPassword)).json().token as string;
    const missing = await wsCall('GET', `${API}/no/such/thing`, { headers: bearer(token) });
    expect(missing.status).toBe(404);
    expect(missing.json().errorCode).toBe('404');
    const paging = await wsCall('GET', `${API}/policies/summary?pageSize=0`, {
      headers: bearer(token),
    });
    expect(paging.status).toBe(400);
  });

  it('publishes over REST; a client heartbeat then receives the new policy', async () => {
    const client = createClient({ sylink: manager.sylink(), connectTimeoutMs: 2000 });
    try {
      await client.register();
      const before = await client.heartbeat();
      expect(before.policies.map((p) => p.name)).not.toContain('Firewall policy');
      const token = (await login('admin', t.adminPassword)).json().token as string;
      const xml = '<FirewallPolicy><Rule action="block" port="445"/></FirewallPolicy>';
      const pub = await wsCall('POST', `${API}/policies/raw/fw`, {
        headers: bearer(token),
        json: { name: 'Firewall policy', content: xml, desc: 'blocks SMB' },
      });
      expect(pub.status).toBe(201);
      const item = pub.json();
      expect(item.id).toMatch(/^[0-9A-F]{32}$/);
      expect(item.policytype).toBe('fw');
      expect(pub.headers.location).toBe(`${API}/policies/raw/fw/${item.id}`);

      const hb = await client.heartbeat();
      const got = hb.updated.find((p) => p.name === 'Firewall policy');
      expect(got).toBeDefined();
      expect(new TextDecoder().decode(got!.data)).toBe(xml);
      expect(got!.signer.equal(t.site.identity.certificate)).toBe(true);

      const summary = await wsCall('GET', `${API}/policies/summary`, { headers: bearer(token) });
      const page = summary.json();
      expect(page).toMatchObject({ totalElements: 1, totalPages: 1, number: 0, firstPage: true });
      expect(page.content[0]).toMatchObject({
        name: 'Firewall policy',
        policytype: 'fw',
        desc: 'blocks SMB',
      });
      const byType = await wsCall('GET', `${API}/policies/summary/av`, {
        headers: bearer(token),
      });
      expect(byType.json().totalElements).toBe(0);

      const raw = await wsCall('GET', `${API}/policies/raw/fw/${item.id}`, {
        headers: bearer(token),
      });
      expect(raw.status).toBe(200);
      // Issue 15: SEPM's RawPolicy JSON, not the XML itself.
      expect(raw.headers['content-type']).toContain('application/json');
      expect(raw.json()).toEqual({ policy_xml: xml });
      const wrongType = await wsCall('GET', `${API}/policies/raw/av/${item.id}`, {
        headers: bearer(token),
      });
      expect(wrongType.status).toBe(404);

      // A reader may read but not publish.
      const rt = (await login('reader', 'reader-password')).json().token as string;
      expect((await wsCall('GET', `${API}/policies/summary`, { headers: bearer(rt) })).status).toBe(
        200,
      );
      const denied = await wsCall('POST', `${API}/policies/raw/fw`, {
        headers: bearer(rt),
        json: { name: 'Other', content: '<x/>' },
      });
      expect(denied.status).toBe(403);
      expect(denied.json().errorCode).toBe('403');

      // Reporting: the registration, heartbeats and the download are counted for this client.
      expect((await call(rep, 'GET', '/reporting/api/v1/activity')).status).toBe(401);
      const report = await call(rep, 'GET', '/reporting/api/v1/activity', {
        headers: bearer(token),
      });
      expect(report.status).toBe(200);
      const mine = report
        .json()
        .clients.find((c: { clientId: string }) => c.clientId === client.clientId);
      expect(mine).toMatchObject({ heartbeats: 2, downloads: 1 });
      expect(report.json().totals.registrations).toBeGreaterThanOrEqual(1);
    } finally {
      client.close();
    }
  });

  it('reporting HTML needs a token, escapes client data and forbids scripts', async () => {
    const token = (await login('admin', t.adminPassword)).json().token as string;
    const evil = createClient({
      sylink: manager.sylink(),
      hostname: '<img src=x onerror=alert(1)>',
    });
    try {
      await evil.register();
    } finally {
      evil.close();
    }
    expect((await call(rep, 'GET', '/reporting/')).status).toBe(401);
    const page = await call(rep, 'GET', '/reporting/', { headers: bearer(token) });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const html = page.body.toString('utf8');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('throttles failed logins per source address', async () => {
    // Five failures (the limit) lock 127.0.0.1 out, even for the right password.
    for (let i = 0; i < 5; i++) expect((await login('admin', 'wrong')).status).toBe(401);
    const locked = await login('admin', t.adminPassword);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    clock += 61_000;
    expect((await login('admin', t.adminPassword)).status).toBe(200);
  });
});
