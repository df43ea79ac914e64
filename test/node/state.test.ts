// State that survives a restart (issue 13 point 4): published policies (sealed bytes, serials,
// metadata), registrations and activity are kept in the site folder by default, and a new
// manager on the same site continues from them; an in-memory store starts empty.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'node:https';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  createManager,
  memoryStore,
  fileStore,
  type Manager,
} from '../../src/node/manager/index.js';
import { decodeState, encodeState } from '../../src/node/manager/state/store.js';
import { createClient } from '../../src/node/client/client.js';
import { tlsCredentials } from '../../src/node/http/tls_credentials.js';
import { TLS_SERVER_PROFILE } from '../../src/node/http/tls_profile.js';
import { makeSite, type TestSite } from '../node-services/helpers.js';

const ALL_ZERO = { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 };
const bytes = (s: string) => new TextEncoder().encode(s);

describe('manager state across restarts', () => {
  let t: TestSite;
  beforeAll(async () => {
    t = await makeSite('state.test');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('keeps policies, serials, registrations and activity across close() + a new manager', async () => {
    const m1 = createManager({ site: t.site, ports: ALL_ZERO });
    await m1.listen();
    await m1.publishPolicy('Firewall', bytes('v1'));
    const second = await m1.publishPolicy('Firewall', bytes('v2'));
    expect(second.serial).toBe(2);
    const client = createClient({ sylink: m1.sylink() });
    const { clientId } = await client.register();
    await client.heartbeat();
    client.close();
    await m1.close();

    const m2 = createManager({ site: t.site, ports: ALL_ZERO });
    await m2.listen();
    try {
      const [p] = m2.policies();
      expect(p!.name).toBe('Firewall');
      expect(p!.serial).toBe(2);
      expect(Buffer.from(p!.sealed).equals(Buffer.from(second.sealed))).toBe(true);
      expect(m2.clients.has(clientId)).toBe(true);
      // Serials continue where they stopped.
      expect((await m2.publishPolicy('Firewall', bytes('v3'))).serial).toBe(3);
      // The client still opens what the restarted manager serves.
      const again = createClient({ sylink: m2.sylink() });
      const hb = await again.heartbeat();
      expect(new TextDecoder().decode(hb.policies[0]!.data)).toBe('v3');
      again.close();
    } finally {
      await m2.close();
    }
    // Activity was saved on close: the heartbeat of the first run is still counted.
    const saved = await fileStore(`${t.dir}/manager-state`).load();
    expect(saved!.totals.heartbeats).toBeGreaterThanOrEqual(2);
    expect(saved!.clients.find((c) => c.clientId === clientId)!.heartbeats).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('starts empty with an in-memory store', async () => {
    const m = createManager({ site: t.site, ports: ALL_ZERO, store: memoryStore() });
    await m.listen();
    try {
      expect(m.policies()).toEqual([]);
      expect(m.clients.size).toBe(0);
    } finally {
      await m.close();
    }
  });

  it('refuses to start over a state file it cannot read (rather than drop every policy)', async () => {
    const store = memoryStore();
    const broken = { load: () => Promise.reject(new Error('corrupt')), save: store.save };
    const m = createManager({ site: t.site, ports: ALL_ZERO, store: broken });
    await expect(m.listen()).rejects.toThrow('corrupt');
    expect(m.addresses).toEqual({});
  });
});

describe('replication marks in the manager state (issue 14 point 2)', () => {
  const DOMAIN = '1E814550AC1E00027245A393F26DBE37';
  const base = {
    indexSerial: 7,
    policies: [],
    clients: [],
    totals: { registrations: 0, heartbeats: 0, downloads: 0 },
  };

  it('keeps the marks per domain through the state file form', () => {
    const state = { ...base, replicationMarks: { [DOMAIN]: 1764182400123 } };
    expect(decodeState(encodeState(state)).replicationMarks).toEqual({ [DOMAIN]: 1764182400123 });
  });

  it('loads a state saved before the marks were kept with no marks', () => {
    const old = JSON.parse(encodeState(base)) as Record<string, unknown>;
    delete old.replicationMarks;
    expect(decodeState(JSON.stringify(old)).replicationMarks).toEqual({});
  });

  it.each([
    ['a negative serial', { [DOMAIN]: -1 }],
    ['a serial that is not a safe integer', { [DOMAIN]: 1.5 }],
    ['a string serial', { [DOMAIN]: '5' }],
    ['a key that is not a domain id', { [DOMAIN.toLowerCase()]: 5 }],
    ['a list', [5]],
    ['null', null],
  ])('refuses a state file whose marks are damaged (%s)', (_, marks) => {
    const doc = { ...(JSON.parse(encodeState(base)) as object), replicationMarks: marks };
    expect(() => decodeState(JSON.stringify(doc))).toThrow('state.json: bad replicationMarks');
  });

  it('refuses to start over a store that gives back damaged marks (rather than forget them)', async () => {
    const t = await makeSite('marks.test');
    try {
      const store = memoryStore();
      await store.save({ ...base, replicationMarks: { [t.site.domainId]: -1 } });
      const m = createManager({ site: t.site, ports: ALL_ZERO, store });
      await expect(m.listen()).rejects.toMatchObject({ code: 'ERR_MANAGER_STATE_INVALID' });
      await expect(m.replicate()).rejects.toMatchObject({ code: 'ERR_MANAGER_STATE_INVALID' });
      expect(m.addresses).toEqual({});
    } finally {
      await t.cleanup();
    }
  });
});

describe('what each replication peer listed last, in the manager state', () => {
  const PEER = 'ab'.repeat(32);
  const listing = {
    indexSerial: 1764182400123,
    policies: [{ name: 'Firewall', serial: 2, sha256: 'cd'.repeat(32) }],
  };
  const base = {
    indexSerial: 7,
    policies: [],
    clients: [],
    totals: { registrations: 0, heartbeats: 0, downloads: 0 },
  };

  it('keeps the listings per peer through the state file form', () => {
    const state = { ...base, replicationListings: { [PEER]: listing } };
    expect(decodeState(encodeState(state)).replicationListings).toEqual({ [PEER]: listing });
  });

  it('loads a state saved before the listings were kept with none', () => {
    const old = JSON.parse(encodeState(base)) as Record<string, unknown>;
    delete old.replicationListings;
    expect(decodeState(JSON.stringify(old)).replicationListings).toEqual({});
  });

  it.each([
    ['a key that is not a fingerprint', { [PEER.toUpperCase()]: listing }],
    ['a negative index serial', { [PEER]: { ...listing, indexSerial: -1 } }],
    [
      'a policy without a SHA-256',
      { [PEER]: { ...listing, policies: [{ name: 'X', serial: 1 }] } },
    ],
    [
      'a policy name an index may not carry',
      { [PEER]: { ...listing, policies: [{ ...listing.policies[0], name: 'a/b' }] } },
    ],
    ['policies that are not a list', { [PEER]: { ...listing, policies: {} } }],
    ['a list', [listing]],
    ['null', null],
  ])('refuses a state file whose listings are damaged (%s)', (_, listings) => {
    const doc = { ...(JSON.parse(encodeState(base)) as object), replicationListings: listings };
    expect(() => decodeState(JSON.stringify(doc))).toThrow('state.json: bad replicationListings');
  });

  it('refuses to start over a store that gives back damaged listings (rather than forget them)', async () => {
    const t = await makeSite('listings.test');
    try {
      const store = memoryStore();
      const damaged = { [PEER]: { ...listing, indexSerial: 1.5 } };
      await store.save({ ...base, replicationListings: damaged });
      const m = createManager({ site: t.site, ports: ALL_ZERO, store });
      await expect(m.listen()).rejects.toMatchObject({ code: 'ERR_MANAGER_STATE_INVALID' });
      await expect(m.replicate()).rejects.toMatchObject({ code: 'ERR_MANAGER_STATE_INVALID' });
      expect(m.addresses).toEqual({});
    } finally {
      await t.cleanup();
    }
  });
});

describe('the copies withdrawn here, in the manager state', () => {
  const copy = { name: 'Firewall', serial: 2, sha256: 'cd'.repeat(32) };
  const base = {
    indexSerial: 7,
    policies: [],
    clients: [],
    totals: { registrations: 0, heartbeats: 0, downloads: 0 },
  };

  it('keeps the withdrawn copies, in order, through the state file form', () => {
    const other = { ...copy, name: 'Av', serial: 1 };
    const state = { ...base, withdrawnCopies: [copy, other] };
    expect(decodeState(encodeState(state)).withdrawnCopies).toEqual([copy, other]);
  });

  it('loads a state saved before the withdrawn copies were kept with none', () => {
    const old = JSON.parse(encodeState(base)) as Record<string, unknown>;
    delete old.withdrawnCopies;
    expect(decodeState(JSON.stringify(old)).withdrawnCopies).toEqual([]);
  });

  it.each([
    ['a copy without a SHA-256', [{ name: 'X', serial: 1 }]],
    ['an upper-case SHA-256', [{ ...copy, sha256: copy.sha256.toUpperCase() }]],
    ['a negative serial', [{ ...copy, serial: -1 }]],
    ['a serial that is not a safe integer', [{ ...copy, serial: 1.5 }]],
    ['a policy name an index may not carry', [{ ...copy, name: 'a/b' }]],
    ['more than 1000 copies', Array.from({ length: 1001 }, (_, i) => ({ ...copy, serial: i }))],
    ['an object', { [copy.name]: copy }],
    ['null', null],
  ])('refuses a state file whose withdrawn copies are damaged (%s)', (_, withdrawn) => {
    const doc = { ...(JSON.parse(encodeState(base)) as object), withdrawnCopies: withdrawn };
    expect(() => decodeState(JSON.stringify(doc))).toThrow('state.json: bad withdrawnCopies');
  });

  it('refuses to start over a store that gives back damaged withdrawn copies (rather than forget them)', async () => {
    const t = await makeSite('withdrawn.test');
    try {
      const store = memoryStore();
      const damaged = [{ ...copy, sha256: 'not hex' }];
      await store.save({ ...base, withdrawnCopies: damaged });
      const m = createManager({ site: t.site, ports: ALL_ZERO, store });
      await expect(m.listen()).rejects.toMatchObject({ code: 'ERR_MANAGER_STATE_INVALID' });
      await expect(m.replicate()).rejects.toMatchObject({ code: 'ERR_MANAGER_STATE_INVALID' });
      expect(m.addresses).toEqual({});
    } finally {
      await t.cleanup();
    }
  });

  it('saves the copy withdrawn by unpublishPolicy and forgets it on a new publication', async () => {
    const t = await makeSite('withdrawn-saved.test');
    const store = memoryStore();
    try {
      const m1 = createManager({ site: t.site, ports: ALL_ZERO, store });
      const p = await m1.publishPolicy('Firewall', bytes('v1'));
      await m1.unpublishPolicy('Firewall');
      await m1.close();
      const { serial, sha256 } = p;
      expect((await store.load())!.withdrawnCopies).toEqual([{ name: 'Firewall', serial, sha256 }]);
      // A restarted manager takes them back from the store, and its publication forgets them.
      const m2 = createManager({ site: t.site, ports: ALL_ZERO, store });
      await m2.publishPolicy('Av', bytes('av'));
      expect((await store.load())!.withdrawnCopies).toEqual([{ name: 'Firewall', serial, sha256 }]);
      await m2.publishPolicy('Firewall', bytes('v2'));
      expect((await store.load())!.withdrawnCopies).toEqual([]);
      await m2.close();
    } finally {
      await t.cleanup();
    }
  });
});

describe('embedding (issue 13 point 6)', () => {
  let t: TestSite;
  let m: Manager | undefined;
  beforeAll(async () => {
    t = await makeSite('embed.test');
  });
  afterAll(async () => {
    await m?.close();
    await t.cleanup();
  });

  it('binds nothing for a role set to false and mounts a role on the host server', async () => {
    m = createManager({
      site: t.site,
      ports: { client: 0, clientHttp: false, manager: false, reporting: false, webServices: false },
      store: memoryStore(),
    });
    const bound = await m.listen();
    expect(Object.keys(bound)).toEqual(['client']);
    const creds = await tlsCredentials(t.site.identity);
    const host = createServer(
      { ...TLS_SERVER_PROFILE, key: creds.key, cert: creds.cert },
      m.handler('webServices'),
    );
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    try {
      const port = (host.address() as AddressInfo).port;
      const body = await new Promise<string>((resolve, reject) => {
        request(
          { host: '127.0.0.1', port, path: '/sepm/api/v1/version', rejectUnauthorized: false },
          (res) => {
            let s = '';
            res.on('data', (c: Buffer) => (s += c.toString()));
            res.on('end', () => resolve(`${res.statusCode} ${s}`));
          },
        )
          .on('error', reject)
          .end();
      });
      expect(body).toMatch(/^200 \{.*"API_VERSION"/);
    } finally {
      await new Promise((r) => host.close(r));
    }
  });

  it('summarises sealed bytes in JSON instead of dumping them', async () => {
    const mm = createManager({ site: t.site, ports: ALL_ZERO, store: memoryStore() });
    const p = await mm.publishPolicy('Json', bytes('x'.repeat(100)));
    const json = JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['name', 'serial', 'sha256', 'size']);
    expect(JSON.stringify(mm.policies())).not.toContain('"0":');
    await mm.close();
  });
});
