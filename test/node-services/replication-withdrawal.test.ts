// Withdrawals replicate (docs/protocol.md §5.6): B remembers what A's last accepted index listed;
// a newer index of A that no longer lists a name B holds exactly as A listed it withdraws it on B,
// and B's own withdrawal is followed by C in turn. Before, a withdrawal on A stayed on A: B kept
// serving the policy and its clients kept installing it. A copy B published since is kept; a
// replayed older index of A withdraws nothing; what A listed survives a restart of B.
//
// A stand-in for A's manager port (it presents A's certificate, so B pins it as A) passes A's
// answers through, or replays a recorded index when told to.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { join } from 'node:path';
import {
  createManager,
  fileStore,
  STATE_DIR,
  type Manager,
  type ManagerOptions,
} from '../../src/node/manager/index.js';
import { createClient } from '../../src/node/client/client.js';
import { tlsCredentials } from '../../src/node/http/tls_credentials.js';
import { TLS_SERVER_PROFILE } from '../../src/node/http/tls_profile.js';
import { PATH_INDEX } from '../../src/protocol/index.js';
import { makeSite, type TestSite, plainGet } from './helpers.js';
import { NO_PORTS } from '../helpers/ports.js';

const text = (s: string) => new TextEncoder().encode(s);
const names = (m: Manager) => m.policies().map((p) => `${p.name}#${p.serial}`);

describe('withdrawals replicate between managers', () => {
  let a: TestSite;
  let b: TestSite;
  let c: TestSite;
  let A: Manager;
  let B: Manager;
  let C: Manager;
  let optionsB: ManagerOptions;
  let relay: Server;
  let replay: Buffer | undefined;
  const services = { replication: { intervalMs: 0, timeoutMs: 3000 } };
  const pullA = async () => (await B.replicate())[0]!;

  beforeAll(async () => {
    a = await makeSite('withdraw-a.test');
    const share = { kcs: a.site.kcs, domainId: a.site.domainId };
    b = await makeSite('withdraw-b.test', share);
    c = await makeSite('withdraw-c.test', share);
    A = createManager({ site: a.site, ports: { ...NO_PORTS, clientHttp: 0 }, services });
    await A.listen();
    const own = await tlsCredentials(a.site.identity);
    const tls = { ...TLS_SERVER_PROFILE, key: own.key, cert: own.cert, requestCert: true };
    relay = createHttpsServer({ ...tls, rejectUnauthorized: false }, (req, res) => {
      const path = (req.url ?? '').replace('/replication/v1/', '/secars/');
      if (replay !== undefined && path === PATH_INDEX) return void res.writeHead(200).end(replay);
      plainGet(A.addresses.clientHttp!.port, path).then(
        (r) => res.writeHead(r.status).end(r.body),
        () => res.writeHead(502).end(),
      );
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as { port: number }).port;
    optionsB = {
      site: b.site,
      ports: { ...NO_PORTS, client: 0, manager: 0 },
      services,
      peers: [
        { address: '127.0.0.1', managerPort: port, certificate: a.site.identity.certificate },
        // Pinned so that C may pull from B; B's notices to it go nowhere.
        { address: '127.0.0.1', managerPort: 1, certificate: c.site.identity.certificate },
      ],
    };
    B = createManager(optionsB);
    await B.listen();
    C = createManager({
      site: c.site,
      ports: NO_PORTS,
      services,
      peers: [
        {
          address: '127.0.0.1',
          managerPort: B.addresses.manager!.port,
          certificate: b.site.identity.certificate,
        },
        // A signs what B relays; C never reaches A itself.
        { address: '127.0.0.1', managerPort: 1, certificate: a.site.identity.certificate },
      ],
    });
    await C.listen();
  });
  afterAll(async () => {
    await Promise.all([A.close(), B.close(), C.close()]);
    await new Promise((r) => relay.close(r));
    await Promise.all([a.cleanup(), b.cleanup(), c.cleanup()]);
  });

  it('B follows A, C follows B, and a client of B no longer installs the policy', async () => {
    await A.publishPolicy('Firewall', text('<fw/>'));
    await A.publishPolicy('Gone', text('<gone/>'));
    expect(await pullA()).toMatchObject({ ok: true, taken: ['Firewall', 'Gone'], withdrawn: [] });
    expect((await C.replicate())[0]).toMatchObject({ ok: true, taken: ['Firewall', 'Gone'] });
    const client = createClient({ sylink: B.sylink(), transport: 'https-only' });
    try {
      const before = await client.heartbeat();
      expect(before.policies.map((p) => p.name)).toEqual(['Firewall', 'Gone']);

      await A.unpublishPolicy('Gone');
      expect(await pullA()).toMatchObject({ ok: true, taken: [], withdrawn: ['Gone'] });
      expect(names(B)).toEqual(['Firewall#1']);
      const after = await client.heartbeat();
      expect(after.removed).toEqual(['Gone']);
      expect(after.policies.map((p) => p.name)).toEqual(['Firewall']);
    } finally {
      client.close();
    }
    // B's withdrawal is announced like a local one: B's index no longer lists it, so C follows.
    expect((await C.replicate())[0]).toMatchObject({ ok: true, withdrawn: ['Gone'] });
    expect(names(C)).toEqual(['Firewall#1']);
  });

  it('keeps a copy B published since, and withdraws only what B holds as A listed it', async () => {
    await A.publishPolicy('Mine', text('<a v="1"/>'));
    await A.publishPolicy('Other', text('<other/>'));
    expect(await pullA()).toMatchObject({ ok: true, taken: ['Mine', 'Other'] });
    const mine = await B.publishPolicy('Mine', text('<b v="2"/>'));
    expect(mine.serial).toBe(2);
    await A.unpublishPolicy('Mine');
    await A.unpublishPolicy('Other');
    expect(await pullA()).toMatchObject({ ok: true, withdrawn: ['Other'] });
    expect(B.policies().find((p) => p.name === 'Mine')?.sha256).toBe(mine.sha256);
    expect(names(B)).toEqual(['Firewall#1', 'Mine#2']);
  });

  it('withdraws nothing on a replayed older index of A, then follows the newer one', async () => {
    const recorded = (await plainGet(A.addresses.clientHttp!.port, PATH_INDEX)).body;
    await A.publishPolicy('Late', text('<late/>'));
    expect(await pullA()).toMatchObject({ ok: true, taken: ['Late'] });
    replay = recorded;
    // The replayed index predates Late: it does not list it, but it is older than the last
    // index of A that B accepted, so it says nothing about a withdrawal.
    expect(await pullA()).toMatchObject({ ok: true, taken: [], withdrawn: [] });
    expect(names(B)).toContain('Late#1');
    replay = undefined;
    await A.unpublishPolicy('Late');
    expect(await pullA()).toMatchObject({ ok: true, withdrawn: ['Late'] });
    expect(names(B)).not.toContain('Late#1');
  });

  it("keeps what A listed across a restart of B, and follows A's withdrawal made meanwhile", async () => {
    await A.publishPolicy('Restart', text('<restart/>'));
    expect(await pullA()).toMatchObject({ ok: true, taken: ['Restart'] });
    await B.close();
    const saved = await fileStore(join(b.dir, STATE_DIR)).load();
    const fpA = createHash('sha256')
      .update(new Uint8Array(a.site.identity.certificate.rawData))
      .digest('hex');
    const listing = saved!.replicationListings![fpA]!;
    expect(listing.policies.map((p) => p.name)).toContain('Restart');
    await A.unpublishPolicy('Restart');

    B = createManager(optionsB);
    await B.listen();
    expect(await pullA()).toMatchObject({ ok: true, withdrawn: ['Restart'] });
    expect(names(B)).toEqual(['Firewall#1', 'Mine#2']);
  });
});
