// Every endpoint of the SEPM REST handler over an in-memory model on loopback HTTP; every answer
// is checked against the Swagger definitions (spec.ts) before any assertion runs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  DOMAIN_ID,
  memoryAuth,
  memoryModel,
  rest,
  startRest,
  type MemoryModel,
} from './harness.js';
import { definitionErrors, seen } from './spec.js';
import { groupId } from '../../src/node/sepm-rest/index.js';

const API = '/sepm/api/v1';
const xml = (n: number) => `<AvPolicy n="${n}"><Scan on="true"/></AvPolicy>`;

describe('the spec validator can fail', () => {
  it('refuses int32 out of range, a fraction, an unknown field, a missing required field', () => {
    expect(definitionErrors('UserRole', { bitMask: 8, title: 'x' })).toBe('');
    expect(definitionErrors('UserRole', { bitMask: 2 ** 31, title: 'x' })).toMatch(/int32/);
    expect(definitionErrors('UserRole', { bitMask: -(2 ** 31) - 1, title: 'x' })).toMatch(/int32/);
    expect(definitionErrors('UserRole', { bitMask: 1.5, title: 'x' })).not.toBe('');
    expect(definitionErrors('UserRole', { bitMask: 8 })).toMatch(/title/);
    expect(definitionErrors('UserRole', { bitMask: 8, title: 'x', extra: 1 })).toMatch(
      /additional/,
    );
    expect(definitionErrors('Group', { name: 'g', created: 2 ** 53 })).toMatch(/int64/);
    expect(definitionErrors('RawPolicy', { policy_xml: 1 })).toMatch(/string/);
    // A $ref'd definition is checked too: a role given as a string (the old answer) fails.
    expect(
      definitionErrors('identity_UserToken', { token: 't', adminId: 'a', role: 'SYSADMIN' }),
    ).not.toBe('');
    expect(
      definitionErrors('identity_UserToken', { token: 't', adminId: 'a', permissionSet: ['READ'] }),
    ).not.toBe('');
  });
});

describe('SEPM REST endpoints', () => {
  let model: MemoryModel;
  let port: number;
  let close: () => Promise<void>;
  let admin: string;
  let reader: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const get = (path: string, token = admin) =>
    rest(port, 'GET', API + path, { headers: as(token) });

  beforeAll(async () => {
    model = memoryModel();
    const server = await startRest(model, memoryAuth(model), 4096);
    port = server.port;
    close = server.close;
    for (let i = 0; i < 28; i++) {
      await model.publish!({
        name: `Policy ${String(i).padStart(2, '0')}`,
        type: i % 2 === 0 ? 'av' : 'fw',
        content: new TextEncoder().encode(xml(i)),
        ...(i === 0 ? { desc: 'first' } : {}),
      });
    }
    const t0 = model.clock;
    model.registrationList.push(
      {
        agentId: 'A'.repeat(32),
        computerName: 'WKS-ALPHA',
        hardwareKey: 'F'.repeat(32),
        ipAddresses: ['10.0.0.5'],
        macAddresses: ['00-11-22-33-44-55'],
        preferredGroup: 'My Company\\Workstations\\Berlin',
        operatingSystem: 'Win10',
        registeredAt: t0 - 5000,
        lastHeartbeat: t0 - 1000,
      },
      {
        agentId: 'B'.repeat(32),
        computerName: 'srv-beta',
        ipAddresses: ['10.0.0.6'],
        preferredGroup: 'Servers',
        registeredAt: t0 - 4000,
      },
      { agentId: 'C'.repeat(32), computerName: 'wks-gamma', registeredAt: t0 - 3000 },
    );
    model.partnerList.push(
      {
        id: 'D'.repeat(32),
        name: 'sepm-2.example',
        lastRunTime: t0 - 60_000,
        lastSuccessfulRunTime: t0 - 60_000,
        nextRunTime: t0 + 60_000,
        status: 'SUCCEEDED',
      },
      {
        id: 'BAD' + 'E'.repeat(29),
        name: 'sepm-3.example',
        lastRunTime: 0,
        lastSuccessfulRunTime: 0,
        nextRunTime: 0,
        status: 'NEVER_REPLICATED',
      },
    );
    const login = (username: string, password: string) =>
      rest(port, 'POST', `${API}/identity/authenticate`, {
        json: { username, password, domain: '' },
      });
    admin = (await login('admin', 'admin-pw')).json().token;
    reader = (await login('reader', 'reader-pw')).json().token;
  });
  afterAll(() => close());

  it('GET /version needs no login and answers a map of strings', async () => {
    const r = await rest(port, 'GET', `${API}/version`);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({
      API_SEQUENCE: '240604011',
      API_VERSION: '14.3.9000',
      version: '14.3.25029.9000',
    });
  });

  it('authenticates with appName in the body or the query, domain "" or null', async () => {
    const inBody = await rest(port, 'POST', `${API}/identity/authenticate`, {
      json: { username: 'admin', password: 'admin-pw', domain: '', appName: 'PSSymantecSEPM' },
    });
    expect(inBody.status).toBe(200);
    const inQuery = await rest(port, 'POST', `${API}/identity/authenticate?appName=py-client`, {
      json: { username: 'admin', password: 'admin-pw', domain: null },
    });
    expect(inQuery.status).toBe(200);
    const t = inBody.json();
    expect(t.token).not.toBe(inQuery.json().token);
    expect(t).toMatchObject({
      tokenExpiration: 3600,
      username: 'admin',
      domain: 'Default',
      domainid: DOMAIN_ID,
      role: { bitMask: 8, title: 'System Administrator' },
      permissionSet: { policyRights: true, groupRights: true, reportingRights: true },
      serverTime: model.clock,
    });
    expect(t.adminId).toMatch(/^[0-9A-F]{32}$/);
    const r = await rest(port, 'POST', `${API}/identity/authenticate`, {
      json: { username: 'reader', password: 'reader-pw', domain: 'Default' },
    });
    expect(r.json().role).toEqual({ bitMask: 2, title: 'Limited Administrator' });
    expect(r.json().permissionSet.policyRights).toBe(false);
  });

  it('refuses a wrong password or another domain with 401, a bad body with 400 or 415', async () => {
    for (const json of [
      { username: 'admin', password: 'nope', domain: '' },
      { username: 'admin', password: 'admin-pw', domain: 'Other' },
    ]) {
      const r = await rest(port, 'POST', `${API}/identity/authenticate`, { json });
      expect(r.status).toBe(401);
      expect(r.json().appErrorCode).toBe('');
    }
    const shape = await rest(port, 'POST', `${API}/identity/authenticate`, { json: ['admin'] });
    expect(shape.status).toBe(400);
    const type = await rest(port, 'POST', `${API}/identity/authenticate`, {
      body: 'username=admin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(type.status).toBe(415);
    const method = await rest(port, 'GET', `${API}/identity/authenticate`);
    expect(method.status).toBe(405);
    expect(method.headers.allow).toBe('POST');
  });

  it('currentuser carries the token; logout revokes it', async () => {
    const token = (
      await rest(port, 'POST', `${API}/identity/authenticate`, {
        json: { username: 'admin', password: 'admin-pw', domain: '' },
      })
    ).json().token;
    const me = await get('/sessions/currentuser', token);
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ token, username: 'admin', fullname: 'admin' });
    const out = await rest(port, 'POST', `${API}/identity/logout`, { headers: as(token) });
    expect(out.status).toBe(204);
    const after = await get('/sessions/currentuser', token);
    expect(after.status).toBe(401);
    expect(after.headers['www-authenticate']).toContain('Bearer');
  });

  it('GET /domains and /domains/{id}: the site domain', async () => {
    const list = await get('/domains');
    expect(list.json()).toEqual([
      expect.objectContaining({ id: DOMAIN_ID, name: 'Default', enable: true }),
    ]);
    const one = await get(`/domains/${DOMAIN_ID.toLowerCase()}`);
    expect(one.status).toBe(200);
    expect(one.json().id).toBe(DOMAIN_ID);
    expect((await get(`/domains/${'0'.repeat(32)}`)).status).toBe(404);
  });

  it('GET /groups: My Company, Default Group, every PreferredGroup and its parents', async () => {
    const r = await get('/groups?pageSize=25&pageIndex=1');
    expect(r.status).toBe(200);
    const page = r.json();
    const paths = page.content.map((g: { fullPathName: string }) => g.fullPathName);
    expect(paths.sort()).toEqual(
      [
        'My Company',
        'My Company\\Default Group',
        'My Company\\Servers',
        'My Company\\Workstations',
        'My Company\\Workstations\\Berlin',
      ].sort(),
    );
    expect(page).toMatchObject({ totalElements: 5, size: 25, number: 0, firstPage: true });
    const berlin = page.content.find((g: { name: string }) => g.name === 'Berlin');
    expect(berlin).toMatchObject({
      id: groupId('My Company\\Workstations\\Berlin'),
      numberOfPhysicalComputers: 1,
      domain: { id: DOMAIN_ID, name: 'Default' },
    });
    // Paging, order, filter, tree.
    const p2 = (await get('/groups?pageSize=2&pageIndex=3&sort=fullPathName&order=DESC')).json();
    expect(p2).toMatchObject({ numberOfElements: 1, number: 2, lastPage: true, totalPages: 3 });
    expect(p2.content[0].fullPathName).toBe('My Company');
    const one = (await get('/groups?fullPathName=my%20company%5Cservers')).json();
    expect(one.content.map((g: { name: string }) => g.name)).toEqual(['Servers']);
    const tree = (await get('/groups?mode=tree')).json();
    expect(tree.content).toHaveLength(1);
    const ws = tree.content[0].childGroups.find((g: { name: string }) => g.name === 'Workstations');
    expect(ws.childGroups.map((g: { name: string }) => g.name)).toEqual(['Berlin']);
    expect((await get('/groups?sort=color')).status).toBe(400);
    expect((await get('/groups?pageIndex=0')).status).toBe(400);
  });

  it('GET /groups/{id} and /groups/{id}/computers; unknown group: 410', async () => {
    const id = groupId('My Company\\Default Group');
    const g = await get(`/groups/${id}`);
    expect(g.json()).toMatchObject({ name: 'Default Group', numberOfPhysicalComputers: 1 });
    const c = (await get(`/groups/${id}/computers`)).json();
    expect(c.content.map((x: { computerName: string }) => x.computerName)).toEqual(['wks-gamma']);
    expect((await get(`/groups/${'0'.repeat(32)}`)).status).toBe(410);
    expect((await get(`/groups/${'0'.repeat(32)}/computers`)).status).toBe(410);
  });

  it('GET /computers: registrations as Computer, filters, paging and sort per the spec', async () => {
    const all = (await get('/computers')).json();
    expect(all).toMatchObject({ totalElements: 3, size: 20, number: 0 });
    // COMPUTER_NAME ascending, case-insensitive.
    expect(all.content.map((c: { computerName: string }) => c.computerName)).toEqual([
      'srv-beta',
      'WKS-ALPHA',
      'wks-gamma',
    ]);
    const alpha = all.content[1];
    expect(alpha).toMatchObject({
      agentId: 'A'.repeat(32),
      hardwareKey: 'F'.repeat(32),
      ipAddresses: ['10.0.0.5'],
      lastConnectedIpAddr: '10.0.0.5',
      macAddresses: ['00-11-22-33-44-55'],
      lastUpdateTime: model.clock - 1000,
      group: { fullPathName: 'My Company\\Workstations\\Berlin', name: 'Berlin' },
    });
    const names = async (q: string) =>
      (await get(`/computers?${q}`))
        .json()
        .content.map((c: { computerName: string }) => c.computerName);
    expect(await names('computerName=wks*')).toEqual(['WKS-ALPHA', 'wks-gamma']);
    expect(await names('mac=00-11-*')).toEqual(['WKS-ALPHA']);
    expect(await names(`computer_id=${'b'.repeat(32)}&computerName=nothing`)).toEqual(['srv-beta']);
    expect(await names(`hardware_key=${'F'.repeat(32)}`)).toEqual(['WKS-ALPHA']);
    expect(await names('os=Win10')).toEqual(['WKS-ALPHA']);
    expect(await names(`lastUpdate=${model.clock - 3500}`)).toEqual(['WKS-ALPHA', 'wks-gamma']);
    expect(await names('domain=Other')).toEqual([]);
    expect(await names(`domain=${DOMAIN_ID}&sort=COMPUTER_ID&order=DESC`)).toEqual([
      'wks-gamma',
      'srv-beta',
      'WKS-ALPHA',
    ]);
    const p = (await get('/computers?pageSize=2&pageIndex=2')).json();
    expect(p).toMatchObject({
      numberOfElements: 1,
      totalPages: 2,
      lastPage: true,
      firstPage: false,
    });
    for (const bad of ['pageSize=0', 'sort=COLOR', 'order=UP', 'os=Amiga', 'pageSize=2147483648']) {
      expect((await get(`/computers?${bad}`)).status).toBe(400);
    }
  });

  it('GET /policies/summary is complete unless pageSize is given; domainId honoured', async () => {
    const all = (await get('/policies/summary')).json();
    expect(all.content).toHaveLength(28);
    expect(all).toMatchObject({ totalElements: 28, totalPages: 1, size: 28, lastPage: true });
    expect(all.content[0]).toMatchObject({
      name: 'Policy 00',
      policytype: 'av',
      desc: 'first',
      enabled: true,
      domainid: DOMAIN_ID,
    });
    expect(all.content[1].desc).toBeUndefined();
    const paged = (await get('/policies/summary?pageSize=10&pageIndex=3')).json();
    expect(paged).toMatchObject({ numberOfElements: 8, totalPages: 3, size: 10, number: 2 });
    const fw = (await get('/policies/summary/fw')).json();
    expect(fw.content).toHaveLength(14);
    expect(fw.content.every((p: { policytype: string }) => p.policytype === 'fw')).toBe(true);
    expect((await get(`/policies/summary?domainId=${DOMAIN_ID}`)).json().totalElements).toBe(28);
    expect((await get(`/policies/summary?domainId=${'0'.repeat(32)}`)).json().totalElements).toBe(
      0,
    );
  });

  it("an unknown policy type gets SEPM's 400 body", async () => {
    for (const path of ['/policies/summary/msl', `/policies/raw/generic/${'0'.repeat(32)}`]) {
      const r = await get(path);
      expect(r.status).toBe(400);
      expect(r.json()).toEqual({
        errorCode: '400',
        appErrorCode: '',
        errorMessage: 'The policy type argument is invalid.',
      });
    }
  });

  it('GET /policies/raw/{type}/{id} answers RawPolicy JSON', async () => {
    const p = model.policyList[3]!.record;
    const r = await get(`/policies/raw/${p.type}/${p.id}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json()).toEqual({ policy_xml: xml(3) });
    expect((await get(`/policies/raw/${p.type === 'av' ? 'fw' : 'av'}/${p.id}`)).status).toBe(404);
    expect((await get(`/policies/raw/av/${'0'.repeat(32)}`)).status).toBe(404);
  });

  it("a policy whose bytes are not UTF-8 has no policy_xml: 500 in SEPM's shape", async () => {
    await model.publish!({ name: 'Binary', type: 'lu', content: new Uint8Array([0xff, 0xfe, 0]) });
    const p = model.policyList.find((x) => x.record.name === 'Binary')!.record;
    expect((await get(`/policies/raw/lu/${p.id}`)).status).toBe(500);
    await model.withdraw!(p);
  });

  it("publishes and withdraws (this library's calls); a reader may not", async () => {
    const pub = await rest(port, 'POST', `${API}/policies/raw/ips`, {
      headers: as(admin),
      json: { name: 'IPS baseline', content: '<Ips/>', desc: 'baseline' },
    });
    expect(pub.status).toBe(201);
    const item = pub.json();
    expect(item).toMatchObject({ name: 'IPS baseline', policytype: 'ips', desc: 'baseline' });
    expect(pub.headers.location).toBe(`${API}/policies/raw/ips/${item.id}`);
    expect((await get(`/policies/raw/ips/${item.id}`)).json().policy_xml).toBe('<Ips/>');
    const again = await rest(port, 'POST', `${API}/policies/raw/fw`, {
      headers: as(admin),
      json: { name: 'IPS baseline', content: '<x/>' },
    });
    expect(again.status).toBe(409);
    for (const json of [
      { name: 'a:b', content: '<x/>' },
      { name: '', content: '<x/>' },
      { name: 'x', content: '<x/>', contentBase64: 'AA==' },
      { name: 'x', contentBase64: '***' },
      { name: 'x', content: '<x/>', enabled: 'yes' },
    ]) {
      const r = await rest(port, 'POST', `${API}/policies/raw/ips`, { headers: as(admin), json });
      expect(r.status).toBe(400);
    }
    const tooBig = await rest(port, 'POST', `${API}/policies/raw/ips`, {
      headers: as(admin),
      json: { name: 'big', content: 'x'.repeat(5000) },
    });
    expect(tooBig.status).toBe(413);
    const unknownType = await rest(port, 'POST', `${API}/policies/raw/generic`, {
      headers: as(admin),
      json: { name: 'g', content: '<x/>' },
    });
    expect(unknownType.status).toBe(400);
    const denied = await rest(port, 'POST', `${API}/policies/raw/ips`, {
      headers: as(reader),
      json: { name: 'r', content: '<x/>' },
    });
    expect(denied.status).toBe(403);
    expect(
      (await rest(port, 'DELETE', `${API}/policies/raw/ips/${item.id}`, { headers: as(reader) }))
        .status,
    ).toBe(403);
    const del = await rest(port, 'DELETE', `${API}/policies/raw/ips/${item.id}`, {
      headers: as(admin),
    });
    expect(del.status).toBe(204);
    expect((await get(`/policies/raw/ips/${item.id}`)).status).toBe(404);
  });

  it('GET /admin/servers, /replication/status, /replication/is_replicated', async () => {
    expect((await get('/admin/servers')).json()).toEqual([
      { id: model.serverList[0]!.id, directory_server_integration: { enable: false } },
    ]);
    const s = (await get('/replication/status')).json().replicationStatus;
    expect(s).toMatchObject({ id: DOMAIN_ID, siteName: 'Site A', siteLocation: 'NA' });
    expect(s.replicationPartnerStatusList[0]).toMatchObject({
      name: 'sepm-2.example',
      status_code: 'SUCCEEDED',
      location: 'NA',
    });
    expect((await get('/replication/is_replicated')).json()).toBe(true);
  });

  it('POST /replication/replicatenow pulls from the named partner', async () => {
    const now = (q: string, token = admin) =>
      rest(port, 'POST', `${API}/replication/replicatenow?${q}`, { headers: as(token) });
    const r = await now('content=false&logs=false&partnerSiteName=SEPM-2.example');
    expect(r.json()).toEqual({ code: 0 });
    expect(model.replicated).toEqual(['D'.repeat(32)]);
    expect((await now('content=true&logs=false&partnerSiteName=sepm-3.example')).json()).toEqual({
      code: 1,
    });
    expect((await now('content=false&logs=false')).status).toBe(400);
    expect((await now('content=maybe&logs=false&partnerSiteName=sepm-2.example')).status).toBe(400);
    expect((await now('content=false&logs=false&partnerSiteName=nobody')).status).toBe(400);
    expect(
      (await now('content=false&logs=false&partnerSiteName=sepm-2.example', reader)).status,
    ).toBe(403);
  });

  it('answers what it does not serve as SEPM does: 401 without token, then 404', async () => {
    const noToken = await rest(port, 'GET', `${API}/groups`);
    expect(noToken.status).toBe(401);
    for (const path of [
      `${API}/licenses`,
      `${API}/policies/exceptions/${'0'.repeat(32)}`,
      '/sepm/api/v2/policies/exceptions/1',
      `${API}/groups/`,
    ]) {
      const r = await rest(port, 'GET', path, { headers: as(admin) });
      expect(r.status).toBe(404);
      expect(r.json().errorMessage).toBe('The requested resource was not found.');
    }
    for (const path of ['/', '/secars/index', '/sepm/api']) {
      expect((await rest(port, 'GET', path)).status).toBe(404);
    }
    const method = await rest(port, 'DELETE', `${API}/groups`, { headers: as(admin) });
    expect(method.status).toBe(405);
    expect(method.headers.allow).toBe('GET, HEAD');
    const forged = await get('/groups', 'A'.repeat(43));
    expect(forged.status).toBe(401);
    const expired = admin;
    model.clock += 3_600_001;
    expect((await get('/groups', expired)).status).toBe(401);
    model.clock -= 3_600_001;
  });

  it('HEAD answers the GET status without a body', async () => {
    const r = await rest(port, 'HEAD', `${API}/groups`, { headers: as(admin) });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
  });

  it('every endpoint served was checked against the spec', () => {
    const served = [
      'post /api/v1/identity/authenticate',
      'post /api/v1/identity/logout',
      'get /api/v1/sessions/currentuser',
      'get /api/v1/version',
      'get /api/v1/domains',
      'get /api/v1/domains/{id}',
      'get /api/v1/groups',
      'get /api/v1/groups/{groupId}',
      'get /api/v1/groups/{groupId}/computers',
      'get /api/v1/computers',
      'get /api/v1/policies/summary',
      'get /api/v1/policies/summary/{policy_type}',
      'get /api/v1/policies/raw/{policy_type}/{id}',
      'get /api/v1/admin/servers',
      'get /api/v1/replication/status',
      'get /api/v1/replication/is_replicated',
      'post /api/v1/replication/replicatenow',
    ];
    for (const s of served) expect(seen, s).toContain(s);
  });
});
