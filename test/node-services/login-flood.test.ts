// No cheap denial of service on logins (SECURITY.md "Threats and their defences"): a flood of
// wrong passwords for `admin` from 200 addresses of one /24 must not stop the admin's own logins
// from another network. Failures count per network as well as per address, a "busy" answer
// counts, and the hashing slots go to the networks in turn.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Agent, request } from 'node:https';
import { createManager, type Manager } from '../../src/node/index.js';
import { ALL_ZERO, makeSite, type TestSite } from './helpers.js';

const LOGIN = '/sepm/api/v1/identity/authenticate';

function login(port: number, password: string, agent: Agent | false, localAddress: string) {
  return new Promise<number>((resolve, reject) => {
    const body = JSON.stringify({ username: 'admin', password, domain: '' });
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: LOGIN,
        localAddress,
        agent,
        rejectUnauthorized: false,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('a login flood from one network', () => {
  let t: TestSite;
  let manager: Manager;
  let port: number;

  beforeAll(async () => {
    t = await makeSite('flood.test');
    manager = createManager({ site: t.site, ports: ALL_ZERO });
    port = (await manager.listen()).webServices.port;
  });
  afterAll(async () => {
    await manager.close();
    await t.cleanup();
  });

  it('leaves 9 of 10 admin logins from another network succeeding within 2 s each', async () => {
    let flooding = true;
    const statuses = new Map<number, number>();
    const agents: Agent[] = [];
    // 200 attackers of 127.0.1.0/24, each sending wrong passwords back to back on its own
    // keep-alive connection, ignoring Retry-After.
    const attackers = Array.from({ length: 200 }, async (_, i) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      while (flooding) {
        const s = await login(port, `wrong-${i}`, agent, `127.0.1.${i + 1}`).catch(() => 0);
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
    });
    const started = Date.now();
    // Steady state: the network is locked out (first 429), then one more second.
    while ((statuses.get(429) ?? 0) === 0) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    const admin: { status: number; ms: number }[] = [];
    // The admin's browser or script keeps its connection, like the attackers.
    const adminAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(adminAgent);
    for (let i = 0; i < 10; i++) {
      const t0 = Date.now();
      const status = await login(port, t.adminPassword, adminAgent, '127.0.2.7');
      admin.push({ status, ms: Date.now() - t0 });
    }
    flooding = false;
    await Promise.all(attackers);
    for (const a of agents) a.destroy();
    const seconds = (Date.now() - started) / 1000;
    const flood = [...statuses].sort(([a], [b]) => a - b);
    const total = flood.reduce((n, [, c]) => n + c, 0);
    console.log(
      `login flood: ${total} attacker requests in ${seconds.toFixed(1)} s ` +
        `(${flood.map(([s, c]) => `${s}: ${c}`).join(', ')}); admin logins ` +
        admin.map((a) => `${a.status}/${a.ms}ms`).join(' '),
    );
    const good = admin.filter((a) => a.status === 200 && a.ms < 2000).length;
    expect(good, JSON.stringify(admin)).toBeGreaterThanOrEqual(9);
    // The flood was real: the attackers got answers, and most were refused without a hash.
    expect(total).toBeGreaterThan(200);
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
  }, 60_000);
});
