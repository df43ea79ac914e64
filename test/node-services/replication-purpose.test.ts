// Issue 14 point 1, replication: a replicating manager takes a peer's index only on a signature
// made for replication (its own purpose), never on the index signature clients check, nor on
// none. A pinned peer (here a stand-in holding B's key) serves manager A's genuine index with the
// replication signature removed, or replaced by A's index signature: both are refused and
// nothing is taken; the genuine envelope is taken. On the code before, replication checked only
// the index signature, so both altered envelopes were taken.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createManager, type Manager } from '../../src/node/manager/index.js';
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

describe('replication takes only an index signed for replication', () => {
  let a: TestSite;
  let b: TestSite;
  let c: TestSite;
  let A: Manager;
  let C: Manager;
  let relay: Server;
  const served = new Map<string, Buffer>();

  beforeAll(async () => {
    a = await makeSite('manager-a.test');
    const share = { kcs: a.site.kcs, domainId: a.site.domainId };
    b = await makeSite('manager-b.test', share);
    c = await makeSite('manager-c.test', share);
    const services = { replication: { intervalMs: 0, timeoutMs: 3000 } };
    A = createManager({ site: a.site, ports: { ...NO_PORTS, clientHttp: 0, manager: false } });
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
        const body = served.get((req.url ?? '').replace('/replication/v1/', '/secars/'));
        res.writeHead(body === undefined ? 404 : 200).end(body);
      },
    );
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    C = createManager({
      site: c.site,
      ports: { ...NO_PORTS, manager: 0 },
      services,
      peers: [
        {
          address: '127.0.0.1',
          managerPort: (relay.address() as { port: number }).port,
          certificate: b.site.identity.certificate,
        },
        // A as a peer makes its certificate trusted (its signatures are accepted); it is not
        // reachable on this port, so only the relay's answers are taken.
        { address: '127.0.0.1', managerPort: 1, certificate: a.site.identity.certificate },
      ],
    });
    await C.listen();
  });
  afterAll(async () => {
    await Promise.all([A.close(), C.close()]);
    await new Promise((r) => relay.close(r));
    await Promise.all([a.cleanup(), b.cleanup(), c.cleanup()]);
  });

  it('refuses the index without, or with the index signature as, its replication signature', async () => {
    const http = A.addresses.clientHttp!.port;
    await A.publishPolicy('Firewall', new TextEncoder().encode('<fw v="1"/>'));
    const genuine = (await plainGet(http, PATH_INDEX)).body;
    served.set(policyPath('Firewall'), (await plainGet(http, policyPath('Firewall'))).body);
    const env = JSON.parse(genuine.toString('utf8')) as Record<string, unknown>;
    expect(typeof env.replicationSignature).toBe('string');

    const without = { ...env };
    delete without.replicationSignature;
    const swapped = { ...env, replicationSignature: env.signature };
    for (const [what, doc] of [
      ['without', without],
      ['index signature as replication signature', swapped],
    ] as const) {
      served.set(PATH_INDEX, Buffer.from(JSON.stringify(doc)));
      const [report] = await C.replicate();
      expect(report!.ok, what).toBe(false);
      expect(report!.error, what).toMatch(/^ERR_(MANAGER_PROTOCOL|POLICY_SIGNATURE_INVALID)/);
      expect(C.policies(), what).toEqual([]);
    }

    // Control: the genuine envelope is taken, so the refusals above are the check at work.
    served.set(PATH_INDEX, genuine);
    const [ok] = await C.replicate();
    expect(ok).toMatchObject({ ok: true, taken: ['Firewall'] });
  });
});
