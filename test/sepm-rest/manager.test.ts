// The SEPM REST API of a real manager (createManager) over HTTPS on loopback: the published
// clients' flow with the client typed from the spec, fed by the manager's own state (policies
// published through Manager.publishPolicy and REST, clients registered over the client port).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createClient, createManager, type Manager } from '../../src/node/index.js';
import { ALL_ZERO, makeSite, type TestSite } from '../node-services/helpers.js';
import { SepmClient } from './client.js';
import { rest } from './harness.js';

const API = '/sepm/api/v1';

describe('createManager() answers SEPM REST clients over HTTPS', () => {
  let t: TestSite;
  let manager: Manager;
  let password: string;
  let ws: number;

  beforeAll(async () => {
    t = await makeSite('sepm-rest.test');
    password = t.adminPassword;
    manager = createManager({
      site: t.site,
      ports: ALL_ZERO,
      // A host's handler in front of the REST role, failing on one path.
      handlers: {
        webServices: (req, _res, next) => {
          if (req.url === '/sepm/api/v1/host-failure') throw new Error('host handler failed');
          next();
        },
      },
      onError: () => undefined,
    });
    ws = (await manager.listen()).webServices.port;
  });
  afterAll(async () => {
    await manager.close();
    await t.cleanup();
  });

  it('login -> version -> groups -> policy summary -> raw policy -> computers -> logout', async () => {
    await manager.publishPolicy('Default AV', new TextEncoder().encode('<AvPolicy/>'));
    await manager.publishPolicy('Edge firewall', new TextEncoder().encode('<FwPolicy/>'), {
      type: 'fw',
    });
    const sylink = manager.sylink();
    const lab = createClient({
      sylink: { ...sylink, registerClient: { preferredGroup: 'My Company\\Lab' } },
      hostname: 'lab-1',
    });
    const plain = createClient({ sylink, hostname: 'desk-1' });
    try {
      await lab.register();
      await lab.heartbeat();
      await plain.register();
    } finally {
      lab.close();
      plain.close();
    }

    const client = new SepmClient(ws, true);
    const token = await client.login('admin', password, 'sepm-crypto-tests');
    expect(token.role).toEqual({ bitMask: 8, title: 'System Administrator' });
    expect(token.domainid).toBe(manager.domainId);
    expect((await client.version()).version).toBe('14.3.25029.9000');
    const groups = await client.groups();
    expect(groups.map((g) => g.fullPathName).sort()).toEqual([
      'My Company',
      'My Company\\Default Group',
      'My Company\\Lab',
    ]);
    const summary = await client.policySummary();
    expect(summary.map((p) => [p.name, p.policytype])).toEqual([
      ['Default AV', 'av'],
      ['Edge firewall', 'fw'],
    ]);
    expect(await client.rawPolicy('fw', summary[1]!.id!)).toBe('<FwPolicy/>');
    const computers = await client.computers();
    expect(computers.map((c) => [c.computerName, c.group?.fullPathName])).toEqual([
      ['desk-1', 'My Company\\Default Group'],
      ['lab-1', 'My Company\\Lab'],
    ]);
    expect(computers[1]!.agentId).toBe(lab.clientId);
    expect(computers[1]!.ipAddresses).toEqual(['127.0.0.1']);
    await client.logout();
    await expect(client.groups()).rejects.toThrow(/401/);
  });

  it('refuses a type SEPM does not have, over REST and in publishPolicy', async () => {
    const r = await rest(ws, 'GET', `${API}/policies/summary/generic`, { https: true });
    expect(r.status).toBe(401);
    await expect(
      manager.publishPolicy('x', new Uint8Array(1), { type: 'generic' as never }),
    ).rejects.toThrow(TypeError);
  });

  it("answers the request chain's 413 and 500 in SEPM's shape too", async () => {
    const big = await rest(ws, 'POST', `${API}/identity/authenticate`, {
      https: true,
      body: 'x'.repeat(70_000),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(big.status).toBe(413);
    expect(big.json().errorCode).toBe('413');
    const failed = await rest(ws, 'GET', `${API}/host-failure`, { https: true });
    expect(failed.status).toBe(500);
    expect(failed.json()).toEqual({
      errorCode: '500',
      appErrorCode: '',
      errorMessage: 'The web service encountered an error while processing the web request.',
    });
  });

  it("answers SEPM's 404 body outside /sepm/api/v1", async () => {
    const r = await rest(ws, 'GET', '/no/such/path', { https: true });
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({
      errorCode: '404',
      appErrorCode: '',
      errorMessage: 'The requested resource was not found.',
    });
  });
});
