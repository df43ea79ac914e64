// Every SEPM REST list answers a page within a second at the size a registration flood can reach
// (issue 14 §3, docs/node.md "Abuse limits"): 100,000 registrations spread over 400 networks
// (so that the per-network quota does not cap them) naming 50,000 distinct PreferredGroups. The
// state is restored through the registry from a store (fast), then each list is asked over real
// HTTPS through the manager. Before the lists scaled, /computers took seconds and the group tree
// (mode=tree) over 100 s at this size.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createManager, memoryStore, type Manager } from '../../src/node/index.js';
import { createClient } from '../../src/node/client/client.js';
import type { SavedClient } from '../../src/node/manager/state/store.js';
import { ALL_ZERO, call, makeSite, type Reply, type TestSite } from '../node-services/helpers.js';

const CLIENTS = 100_000;
const GROUPS = 50_000; // distinct PreferredGroups: 50 regions of 1,000 offices
const API = '/sepm/api/v1';

function state(now: number) {
  const clients: SavedClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const net = `10.${i % 200}.${Math.floor(i / 200) % 2}`; // 400 networks of 250
    clients.push({
      clientId: i.toString(16).toUpperCase().padStart(32, '0'),
      hostname: `host-${(i * 7919) % CLIENTS}`,
      registeredAt: now - 86_400_000 + i,
      heartbeats: 0,
      downloads: 0,
      lastSeen: now - 60_000 + (i % 1000),
      lastAddress: undefined,
      address: `${net}.${i % 250}`,
      network: `${net}.0/24`,
      ...(i < GROUPS ? { preferredGroup: `My Company\\Region ${i % 50}\\Office ${i}` } : {}),
    });
  }
  return {
    indexSerial: 0,
    policies: [],
    clients,
    totals: { registrations: CLIENTS, heartbeats: 0, downloads: 0 },
  };
}

async function timed(p: Promise<Reply>): Promise<Reply & { ms: number }> {
  const t0 = performance.now();
  const r = await p;
  return Object.assign(r, { ms: Math.round(performance.now() - t0) });
}

async function started(t: TestSite, limits: { maxGroups?: number }) {
  const store = memoryStore();
  await store.save(state(Date.now()));
  const manager = createManager({ site: t.site, ports: ALL_ZERO, store, limits });
  const ports = await manager.listen();
  const ws = ports.webServices.port;
  const login = await call(ws, 'POST', `${API}/identity/authenticate`, {
    json: { username: 'admin', password: t.adminPassword },
  });
  const headers = { Authorization: `Bearer ${login.json().token as string}` };
  const get = (path: string) => timed(call(ws, 'GET', API + path, { headers }));
  return { manager, get };
}

// Each list once, in an order where the first one pays for building the directory.
async function lists(get: (path: string) => Promise<Reply & { ms: number }>) {
  const byPath = async (path: string) =>
    (await get(`/groups?fullPathName=${encodeURIComponent(path)}`)).json().content[0].id as string;
  const out: Record<string, Reply & { ms: number }> = {};
  out.computers = await get('/computers');
  const defaultId = await byPath('My Company\\Default Group');
  const officeId = await byPath('My Company\\Region 7\\Office 7');
  out.computersLastPage = await get('/computers?pageIndex=5000&sort=COMPUTER_ID&order=DESC');
  out.computersByName = await get('/computers?computerName=host-1*&pageIndex=100');
  out.defaultGroupComputers = await get(`/groups/${defaultId}/computers?pageIndex=2000`);
  out.officeComputers = await get(`/groups/${officeId}/computers`);
  out.group = await get(`/groups/${officeId}`);
  out.groups = await get('/groups');
  out.groupsLastPage = await get('/groups?sort=fullPathName&order=DESC&pageIndex=800');
  out.groupTree = await get('/groups?mode=tree');
  out.policies = await get('/policies/summary');
  out.servers = await get('/admin/servers');
  return out;
}

function countTree(g: { childGroups?: unknown[] }): number {
  return 1 + (g.childGroups ?? []).reduce<number>((n, c) => n + countTree(c as never), 0);
}

function report(name: string, out: Record<string, Reply & { ms: number }>): void {
  for (const [k, r] of Object.entries(out)) {
    expect(r.status, k).toBe(200);
    expect(r.ms, k).toBeLessThan(1000);
  }
  console.log(
    `${name}: ` +
      Object.entries(out)
        .map(([k, r]) => `${k} ${r.ms} ms/${r.body.length} B`)
        .join(', '),
  );
}

describe('SEPM REST lists at 100,000 registrations and 50,000 groups', () => {
  let t: TestSite;
  let manager: Manager | undefined;
  beforeAll(async () => {
    t = await makeSite('listflood.test');
  });
  afterAll(async () => {
    await manager?.close();
    await t.cleanup();
  });

  it('with the default group cap (20,000): every list within 1 s, the rest in Default Group', async () => {
    const m = await started(t, {});
    manager = m.manager;
    expect(manager.clients.size).toBe(CLIENTS);
    const out = await lists(m.get);
    report('default cap', out);
    expect(out.computers.json()).toMatchObject({ totalElements: CLIENTS, numberOfElements: 20 });
    expect(out.computersLastPage.json()).toMatchObject({ totalElements: CLIENTS, lastPage: true });
    expect(out.computersLastPage.json().content).toHaveLength(20);
    // Oldest first: 19,948 offices (and their 50 regions) fit, the later 30,052 do not.
    expect(out.groups.json()).toMatchObject({ totalElements: 20_000, numberOfElements: 25 });
    expect(out.defaultGroupComputers.json().totalElements).toBe(CLIENTS - GROUPS + 30_052);
    expect(countTree(out.groupTree.json().content[0])).toBe(20_000);
    expect(out.officeComputers.json().totalElements).toBe(1);
    expect(out.servers.json()).toHaveLength(1);

    // A registration changes the state: the next list rebuilds, still within the second.
    const client = createClient({ sylink: manager.sylink() });
    await client.register();
    client.close();
    const again = await m.get('/computers');
    console.log(`after one more registration: computers ${again.ms} ms`);
    expect(again.json().totalElements).toBe(CLIENTS);
    expect(again.ms).toBeLessThan(1000);
    await manager.close();
    manager = undefined;
  }, 60_000);

  it('with the cap raised above 50,000 groups: the whole tree within 1 s', async () => {
    const m = await started(t, { maxGroups: 60_000 });
    manager = m.manager;
    const out = await lists(m.get);
    report('cap 60,000', out);
    expect(out.groups.json().totalElements).toBe(GROUPS + 50 + 2);
    expect(countTree(out.groupTree.json().content[0])).toBe(GROUPS + 50 + 2);
    expect(out.defaultGroupComputers.json().totalElements).toBe(CLIENTS - GROUPS);
  }, 60_000);
});
