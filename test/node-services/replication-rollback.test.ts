// Issue 14 point 2, replication: one high-water mark per domain, shared by every peer. The attack:
// a pinned peer (here a stand-in holding B's key) relays manager A's recorded older signed index,
// which still lists a policy A has since withdrawn. On the code before the fix, the rollback check
// was per peer, so the first index from that peer was taken and the withdrawn policy came back on
// C and went out to C's clients. It must now be refused (ERR_MANAGER_ROLLBACK), nothing taken.
// The mark is kept in C's state: a restarted C (site folder, or a store given back the saved
// state) refuses the same relay; before, the mark was in memory only, and the first pull after a
// restart took the withdrawn policy.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { join } from 'node:path';
import {
  createManager,
  fileStore,
  memoryStore,
  STATE_DIR,
  type Manager,
  type ManagerPeer,
  type ManagerStore,
} from '../../src/node/manager/index.js';
import { tlsCredentials } from '../../src/node/http/tls_credentials.js';
import { TLS_SERVER_PROFILE } from '../../src/node/http/tls_profile.js';
import { PATH_INDEX, policyPath } from '../../src/protocol/index.js';
import { makeSite, type TestSite, plainGet } from './helpers.js';

const NO_PORTS = {
  client: false,
  clientHttp: false,
  reporting: false,
  webServices: false,
} as const;

describe('replication keeps one high-water mark per domain', () => {
  let a: TestSite;
  let b: TestSite;
  let c: TestSite;
  let A: Manager;
  let C: Manager;
  let relay: Server;
  const recorded = new Map<string, Buffer>();
  let serving = false;
  const services = { replication: { intervalMs: 0, timeoutMs: 3000 } };
  let relayPeer: ManagerPeer;
  let takenSerial: number | undefined;

  beforeAll(async () => {
    a = await makeSite('manager-a.test');
    const share = { kcs: a.site.kcs, domainId: a.site.domainId };
    b = await makeSite('manager-b.test', share);
    c = await makeSite('manager-c.test', share);
    A = createManager({
      site: a.site,
      ports: { ...NO_PORTS, clientHttp: 0, manager: 0 },
      services,
      peers: [{ address: '127.0.0.1', managerPort: 1, certificate: c.site.identity.certificate }],
    });
    await A.listen();
    const own = await tlsCredentials(b.site.identity);
    relay = createHttpsServer(
      {
        ...TLS_SERVER_PROFILE,
        key: own.key,
        cert: own.cert,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const path = (req.url ?? '').replace('/replication/v1/', '/secars/');
        const body = serving ? recorded.get(path) : undefined;
        res.writeHead(body === undefined ? 404 : 200).end(body);
      },
    );
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    relayPeer = {
      address: '127.0.0.1',
      managerPort: (relay.address() as { port: number }).port,
      certificate: b.site.identity.certificate,
    };
    C = createManager({
      site: c.site,
      ports: { ...NO_PORTS, manager: 0 },
      services,
      peers: [
        {
          address: '127.0.0.1',
          managerPort: A.addresses.manager!.port,
          certificate: a.site.identity.certificate,
        },
        relayPeer,
      ],
    });
    await C.listen();
  });
  afterAll(async () => {
    await Promise.all([A.close(), C.close()]);
    await new Promise((r) => relay.close(r));
    await Promise.all([a.cleanup(), b.cleanup(), c.cleanup()]);
  });

  it('refuses a relayed older index of A that would bring back a withdrawn policy', async () => {
    const http = A.addresses.clientHttp!.port;
    await A.publishPolicy('Firewall', new TextEncoder().encode('<fw v="1"/>'));
    await A.publishPolicy('Withdrawn', new TextEncoder().encode('<old/>'));
    for (const path of [PATH_INDEX, policyPath('Firewall'), policyPath('Withdrawn')])
      recorded.set(path, (await plainGet(http, path)).body);
    await A.unpublishPolicy('Withdrawn');
    await A.publishPolicy('Firewall', new TextEncoder().encode('<fw v="2"/>'));

    const [fromA] = await C.replicate();
    expect(fromA).toMatchObject({ ok: true, taken: ['Firewall'] });
    takenSerial = fromA!.indexSerial;
    serving = true;
    const [, fromRelay] = await C.replicate();
    expect(fromRelay!.ok).toBe(false);
    expect(fromRelay!.error).toMatch(/^ERR_MANAGER_ROLLBACK/);
    expect(C.policies().map((p) => `${p.name}#${p.serial}`)).toEqual(['Firewall#2']);
  });

  // Runs after the test above: C holds Firewall#2 from A's newer index, the relay serves A's
  // older one (which still lists Withdrawn).
  it('refuses it again after C restarts, with the mark kept in its state', async () => {
    await C.close();
    const saved = await fileStore(join(c.dir, STATE_DIR)).load();
    expect(saved!.replicationMarks).toEqual({ [c.site.domainId]: takenSerial });
    const given = memoryStore();
    await given.save(saved!);
    for (const store of [undefined, given] as (ManagerStore | undefined)[]) {
      C = createManager({
        site: c.site,
        ports: { ...NO_PORTS, manager: 0 },
        services,
        ...(store !== undefined ? { store } : {}),
        // A stays a trusted signer; its entry points nowhere, so only the relay answers (no
        // pull from A can set the mark in memory first).
        peers: [
          { address: '127.0.0.1', managerPort: 1, certificate: a.site.identity.certificate },
          relayPeer,
        ],
      });
      await C.listen();
      const [, fromRelay] = await C.replicate();
      expect(fromRelay).toMatchObject({
        ok: false,
        taken: [],
        error: expect.stringMatching(/^ERR_MANAGER_ROLLBACK/) as unknown,
      });
      expect(C.policies().map((p) => `${p.name}#${p.serial}`)).toEqual(['Firewall#2']);
      await C.close();
    }
  });
});
