// sepmRestModel: a manager's state mapped onto SEPM's records.
import { describe, it, expect } from 'vitest';
import { sepmRestModel, type ManagerView } from '../../src/node/sepm-rest/manager_model.js';
import type { SepmRegistrationRecord } from '../../src/node/sepm-rest/model.js';

function view(over: Partial<ManagerView> = {}): ManagerView {
  const pulls: string[] = [];
  return {
    now: () => 5_000,
    apiVersion: { version: '14.3.25029.9000' },
    domainId: 'A'.repeat(32),
    siteName: 'sepm.example',
    self: { address: '10.0.0.1', fingerprint: 'ab'.repeat(32) },
    policies: () => [
      { name: 'Old', serial: 3 },
      { name: 'New', serial: 1 },
    ],
    meta: (name) =>
      name === 'Old'
        ? { policytype: 'generic', desc: '', enabled: true, lastmodifiedtime: 10 }
        : { policytype: 'fw', desc: 'edge', enabled: false, lastmodifiedtime: 20 },
    policyId: (name) => name.toUpperCase().padEnd(32, '0'),
    content: async () => new Uint8Array(),
    clients: () => [
      { clientId: 'C1', hostname: 'h1', registeredAt: new Date(100), address: '10.0.0.9' },
      {
        clientId: 'C2',
        hostname: undefined,
        registeredAt: new Date(200),
        preferredGroup: 'My Company\\Lab',
      },
    ],
    activityOf: (id) =>
      id === 'C1'
        ? { lastSeen: new Date(900), lastAddress: '10.0.0.8' }
        : id === 'C2'
          ? { lastSeen: 0, lastAddress: undefined }
          : undefined,
    peers: () => [
      {
        name: '10.0.0.2:8443',
        fingerprint: 'cd'.repeat(32),
        lastAttempt: new Date(1000),
        lastSuccess: new Date(1000),
        lastError: undefined,
      },
      {
        name: '10.0.0.3:8443',
        fingerprint: 'ef'.repeat(32),
        lastAttempt: new Date(1200),
        lastSuccess: undefined,
        lastError: 'ERR_X: down',
      },
      {
        name: '10.0.0.4:8443',
        fingerprint: '01'.repeat(32),
        lastAttempt: undefined,
        lastSuccess: undefined,
        lastError: undefined,
      },
    ],
    replicationIntervalMs: 60_000,
    pullFrom: async (fp) => {
      pulls.push(fp);
      return true;
    },
    publish: async () => false,
    unpublish: async () => true,
    ...over,
  };
}

// A record's fields as the REST layer reads them (the last heartbeat and addresses are getters).
function plain(r: SepmRegistrationRecord): Record<string, unknown> {
  const keys = ['agentId', 'computerName', 'ipAddresses', 'preferredGroup', 'registeredAt'];
  const out = Object.fromEntries(keys.map((k) => [k, r[k as keyof SepmRegistrationRecord]]));
  return { ...out, lastHeartbeat: r.lastHeartbeat };
}

describe('sepmRestModel', () => {
  it('gives every policy a SEPM type (a stored non-SEPM type reads as av) and drops empty descriptions', () => {
    const m = sepmRestModel(view());
    expect(m.policies()).toEqual([
      {
        id: 'OLD'.padEnd(32, '0'),
        name: 'Old',
        type: 'av',
        enabled: true,
        lastModified: 10,
        serial: 3,
      },
      {
        id: 'NEW'.padEnd(32, '0'),
        name: 'New',
        type: 'fw',
        enabled: false,
        lastModified: 20,
        serial: 1,
        desc: 'edge',
      },
    ]);
  });

  it('joins registrations with activity: last heartbeat and addresses, newest first', () => {
    const [c1, c2] = sepmRestModel(view()).registrations().map(plain);
    expect(c1).toEqual({
      agentId: 'C1',
      computerName: 'h1',
      ipAddresses: ['10.0.0.8', '10.0.0.9'],
      registeredAt: 100,
      lastHeartbeat: 900,
    });
    expect(c2).toEqual({
      agentId: 'C2',
      ipAddresses: [],
      preferredGroup: 'My Company\\Lab',
      registeredAt: 200,
    });
  });

  it('keeps one list of records while no client comes or goes; heartbeats show at once', () => {
    let version = 1;
    let lastSeen = 900;
    const m = sepmRestModel(
      view({
        clientsVersion: () => version,
        activityOf: (id) => (id === 'C1' ? { lastSeen, lastAddress: '10.0.0.8' } : undefined),
      }),
    );
    const first = m.registrations();
    expect(m.registrations()).toBe(first);
    lastSeen = 950;
    expect(m.registrations()[0]!.lastHeartbeat).toBe(950);
    version = 2;
    expect(m.registrations()).not.toBe(first);
  });

  it('lists this manager then its peers; peers are replication partners with SEPM status codes', async () => {
    const m = sepmRestModel(view());
    expect(m.servers().map((s) => [s.id, s.self])).toEqual([
      ['AB'.repeat(16), true],
      ['CD'.repeat(16), false],
      ['EF'.repeat(16), false],
      ['01'.repeat(16), false],
    ]);
    const r = m.replication();
    expect(r.partners.map((p) => [p.status, p.lastRunTime, p.nextRunTime])).toEqual([
      ['SUCCEEDED', 1000, 61_000],
      ['FAILED_CONNECT', 1200, 61_200],
      ['NEVER_REPLICATED', 0, 0],
    ]);
    expect(await m.replicateNow('CD'.repeat(16))).toBe(true);
    expect(await m.replicateNow('99'.repeat(16))).toBe(false);
  });

  it('a publish the store refuses for its type is a type conflict', async () => {
    const m = sepmRestModel(view());
    expect(await m.publish!({ name: 'New', type: 'av', content: new Uint8Array(1) })).toEqual({
      refused: 'type_conflict',
    });
  });
});
