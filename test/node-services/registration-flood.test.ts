// No cheap denial of service on registrations (issue 14 §3, SECURITY.md "Threats and their
// defences"): the domain id is public, so anyone can register. After a flood of 100,000
// registrations from one /24 over the plain-HTTP client port (8014), a client of another network
// still registers and heartbeats, every client list answers one page in under a second, and
// the table keeps its bounds across a restart.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createManager, type Manager } from '../../src/node/index.js';
import { createClient } from '../../src/node/client/client.js';
import { ALL_ZERO, call, makeSite, type Reply, type TestSite } from './helpers.js';
import { floodRegistrations } from './flood.js';

const FLOOD = 100_000;
const PER_NETWORK = 4_096; // the default `limits.maxClientsPerNetwork`
const FLOODERS = Array.from({ length: 200 }, (_, i) => `127.0.1.${i + 1}`);

async function timed(p: Promise<Reply>): Promise<Reply & { ms: number }> {
  const t0 = performance.now();
  const r = await p;
  return Object.assign(r, { ms: Math.round(performance.now() - t0) });
}

describe('a registration flood from one network', () => {
  let t: TestSite;
  let manager: Manager;
  beforeAll(async () => {
    t = await makeSite('regflood.test');
    manager = createManager({ site: t.site, ports: ALL_ZERO });
  });
  afterAll(async () => {
    await manager.close();
    await t.cleanup();
  });

  it('leaves room for a client of another network; every list answers a page within 1 s', async () => {
    const ports = await manager.listen();
    const flood = await floodRegistrations(ports.clientHttp.port, t.site.domainId, FLOODERS, FLOOD);
    const rate = Math.round(FLOOD / (flood.ms / 1000));
    // Never a permanent refusal: every registration was answered 200, and the flood's network
    // holds no more than its quota.
    expect(Object.fromEntries(flood.statuses)).toEqual({ 200: FLOOD });
    expect(manager.clients.size).toBe(PER_NETWORK);

    // A client of another network (127.0.0.1 is in 127.0.0.0/24) registers.
    const client = createClient({ sylink: manager.sylink() });
    const { clientId } = await client.register();
    expect(manager.clients.has(clientId)).toBe(true);

    // More flood does not push it out: the flood only churns its own network's entries.
    const again = await floodRegistrations(
      ports.clientHttp.port,
      t.site.domainId,
      FLOODERS,
      10_000,
    );
    expect(again.statuses.get(200)).toBe(10_000);
    expect(manager.clients.has(clientId)).toBe(true);
    expect(manager.clients.size).toBe(PER_NETWORK + 1);
    // And it heartbeats.
    await client.heartbeat();
    client.close();

    // Every list: one page, within a second.
    const ws = ports.webServices.port;
    const login = await call(ws, 'POST', '/sepm/api/v1/identity/authenticate', {
      json: { username: 'admin', password: t.adminPassword },
    });
    const bearer = { Authorization: `Bearer ${login.json().token as string}` };
    const mp = ports.manager.port;
    const consoleLogin = await call(mp, 'POST', '/console/api/login', {
      json: { username: 'admin', password: t.adminPassword },
      headers: { Origin: `https://127.0.0.1:${mp}`, Host: `127.0.0.1:${mp}` },
    });
    const session = /__Host-sepm-console=([^;]+)/.exec(String(consoleLogin.headers['set-cookie']));
    const cookie = { Cookie: `__Host-sepm-console=${session![1]!}` };
    const rp = ports.reporting.port;
    const lists = {
      reportingJson: await timed(
        call(rp, 'GET', '/reporting/api/v1/activity', { headers: bearer }),
      ),
      reportingJsonLast: await timed(
        call(rp, 'GET', '/reporting/api/v1/activity?pageIndex=5&pageSize=1000', {
          headers: bearer,
        }),
      ),
      reportingHtml: await timed(call(rp, 'GET', '/reporting/?pageIndex=2', { headers: bearer })),
      consoleOverview: await timed(call(mp, 'GET', '/console/api/overview', { headers: cookie })),
      consoleClients: await timed(
        call(mp, 'GET', '/console/api/clients?pageIndex=41', { headers: cookie }),
      ),
      restComputers: await timed(call(ws, 'GET', '/sepm/api/v1/computers', { headers: bearer })),
      restComputersLast: await timed(
        call(ws, 'GET', '/sepm/api/v1/computers?pageIndex=5&pageSize=1000', { headers: bearer }),
      ),
    };
    for (const [name, r] of Object.entries(lists)) {
      expect(r.status, name).toBe(200);
      expect(r.ms, name).toBeLessThan(1000);
    }
    // The page holds the legitimate client first (most recently seen), counted.
    const report = lists.reportingJson.json();
    expect(report.page).toEqual({
      pageIndex: 1,
      pageSize: 100,
      totalElements: PER_NETWORK + 1,
      totalPages: 41,
      lastPage: false,
    });
    expect(report.clients).toHaveLength(100);
    expect(report.clients[0]).toMatchObject({ clientId, heartbeats: 1 });
    expect(report.totals.registrations).toBe(FLOOD + 10_000 + 1);
    expect(lists.reportingJsonLast.json().clients).toHaveLength(97);
    expect(lists.consoleOverview.json().clientsPage.totalElements).toBe(PER_NETWORK + 1);
    expect(lists.consoleClients.json().clients).toHaveLength(97);
    // SEPM's computer list pages too (20 by default, as the spec's pageSize).
    expect(lists.restComputers.json().content).toHaveLength(20);
    expect(lists.restComputers.json().totalElements).toBe(PER_NETWORK + 1);
    expect(lists.restComputersLast.json().content).toHaveLength(97);
    console.log(
      `registration flood: ${FLOOD} over 8014 in ${(flood.ms / 1000).toFixed(1)} s ` +
        `(${rate}/s, 200 sources of 127.0.1.0/24); table ${manager.clients.size}; lists ` +
        Object.entries(lists)
          .map(([n, r]) => `${n} ${r.ms} ms/${r.body.length} B`)
          .join(', '),
    );

    // Across a restart: the legitimate client is still registered, the bounds still hold.
    await manager.close();
    manager = createManager({ site: t.site, ports: ALL_ZERO });
    await manager.listen();
    expect(manager.clients.has(clientId)).toBe(true);
    expect(manager.clients.size).toBe(PER_NETWORK + 1);
  }, 180_000);
});
