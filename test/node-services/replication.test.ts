// Managers of one site replicating over pinned mutual TLS on loopback; an unknown manager is
// refused; a client fails over between them and still verifies.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createManager, type Manager } from '../../src/node/manager/index.js';
import { createClient } from '../../src/node/client/client.js';
import { tlsCredentials } from '../../src/node/http/tls_credentials.js';
import type { Sylink } from '../../src/sylink/model.js';
import { call, eventually, freePort, makeSite, type TestSite } from './helpers.js';

interface Ports {
  client: number;
  clientHttp: number;
  manager: number;
  reporting: number;
  webServices: number;
}

async function ports(): Promise<Ports> {
  return {
    client: await freePort(),
    clientHttp: await freePort(),
    manager: await freePort(),
    reporting: await freePort(),
    webServices: await freePort(),
  };
}

/** The same sylink with only the first server of the first list (a client bound to one manager). */
function onlyFirst(s: Sylink): Sylink {
  const first = s.serverLists[0]!.blocks[0]!.servers[0]!;
  return {
    ...s,
    serverLists: [{ name: 'only', blocks: [{ name: 'Priority1', servers: [first] }] }],
  };
}

describe('manager-to-manager replication (8443, pinned mutual TLS)', () => {
  let a: TestSite;
  let b: TestSite;
  let c: TestSite;
  let pa: Ports;
  let pb: Ports;
  let A: Manager;
  let B: Manager;
  let C: Manager | undefined;

  beforeAll(async () => {
    a = await makeSite('manager-a.test');
    const share = { kcs: a.site.kcs, domainId: a.site.domainId };
    b = await makeSite('manager-b.test', share);
    c = await makeSite('manager-c.test', share);
    pa = await ports();
    pb = await ports();
    const services = { replication: { intervalMs: 0, timeoutMs: 3000 } };
    A = createManager({
      site: a.site,
      ports: pa,
      services,
      peers: [
        {
          address: '127.0.0.1',
          httpsPort: pb.client,
          managerPort: pb.manager,
          certificate: b.site.identity.certificate,
        },
      ],
    });
    // B takes its peers from the site configuration instead of the option.
    B = createManager({
      site: {
        ...b.site,
        peers: [
          {
            address: '127.0.0.1',
            httpsPort: pa.client,
            managerPort: pa.manager,
            // PEM text works as well as a certificate object.
            certificate: a.site.identity.certificate.toString('pem'),
          },
        ],
      },
      ports: pb,
      services,
    });
    await A.listen();
    await B.listen();
  });
  afterAll(async () => {
    await Promise.all([A.close(), B.close(), C?.close()]);
    await Promise.all([a.cleanup(), b.cleanup(), c.cleanup()]);
  });

  it('B takes what A publishes, byte for byte, and serves it to its own clients', async () => {
    const data = randomBytes(20_000);
    const pub = await A.publishPolicy('Virus and Spyware Protection policy', data);
    // A's notice makes B pull at once (no timer in this test).
    expect(await eventually(() => B.policies().some((p) => p.name === pub.name))).toBe(true);
    const onB = B.policies().find((p) => p.name === pub.name)!;
    expect(onB.sha256).toBe(pub.sha256);
    expect(onB.serial).toBe(pub.serial);
    expect(Buffer.from(onB.sealed).equals(Buffer.from(pub.sealed))).toBe(true);

    // A client bound to B alone, trusting both certificates (B's sylink lists both).
    const sylinkB = B.sylink();
    expect(sylinkB.certificates).toHaveLength(2);
    const client = createClient({ sylink: onlyFirst(sylinkB), connectTimeoutMs: 2000 });
    try {
      const hb = await client.heartbeat();
      expect(hb.server.port).toBe(pb.client);
      const p = hb.policies.find((x) => x.name === pub.name)!;
      expect(Buffer.from(p.data).equals(data)).toBe(true);
      // Sealed by A, and the index B serves is A's signed index, as it is.
      expect(p.signer.equal(a.site.identity.certificate)).toBe(true);
      expect(hb.indexSigner.equal(a.site.identity.certificate)).toBe(true);
    } finally {
      client.close();
    }
  });

  it('replicates both ways; a newer serial wins', async () => {
    await B.publishPolicy('Firewall policy', new TextEncoder().encode('<fw v="1"/>'));
    expect(await eventually(() => A.policies().some((p) => p.name === 'Firewall policy'))).toBe(
      true,
    );
    // A republishes the same name: serial 2 beats B's serial 1.
    const v2 = await A.publishPolicy('Firewall policy', new TextEncoder().encode('<fw v="2"/>'));
    expect(v2.serial).toBe(2);
    expect(
      await eventually(
        () => B.policies().find((p) => p.name === 'Firewall policy')?.sha256 === v2.sha256,
      ),
    ).toBe(true);
    const reports = await B.replicate();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ ok: true, taken: [] });
    const names = (m: Manager) => m.policies().map((p) => `${p.name}#${p.serial}#${p.sha256}`);
    expect(names(A)).toEqual(names(B));
  });

  it('refuses an unknown manager (TLS level) and a peer presenting another certificate', async () => {
    // C shares the site key but A does not list it. C lists A correctly, and, under a second
    // entry, expects B's certificate at A's address.
    C = createManager({
      site: c.site,
      ports: { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 },
      services: { replication: { intervalMs: 0, timeoutMs: 3000 } },
      peers: [
        { address: '127.0.0.1', managerPort: pa.manager, certificate: a.site.identity.certificate },
        { address: '127.0.0.1', managerPort: pa.manager, certificate: b.site.identity.certificate },
      ],
    });
    await C.listen();
    const [refused, wrongPin] = await C.replicate();
    expect(refused!.ok).toBe(false);
    expect(refused!.error).toMatch(/^ERR_MANAGER_UNREACHABLE/);
    expect(wrongPin!.ok).toBe(false);
    expect(wrongPin!.error).toMatch(/^ERR_MANAGER_CERTIFICATE_UNTRUSTED/);
    expect(C.policies()).toEqual([]);

    // The same at the socket: C's certificate is cut at the handshake; no certificate gets 403.
    const own = await tlsCredentials(c.site.identity);
    const cut = await call(pa.manager, 'GET', '/replication/v1/index', {
      key: own.key,
      cert: own.cert,
    }).then(
      () => 'answered',
      (e: NodeJS.ErrnoException) => e.code ?? e.message,
    );
    expect(cut).not.toBe('answered');
    const anonymous = await call(pa.manager, 'GET', '/replication/v1/index');
    expect(anonymous.status).toBe(403);
    expect(anonymous.json().errorCode).toBe('403');
    // B's own certificate is welcome.
    const mine = await tlsCredentials(b.site.identity);
    const ok = await call(pa.manager, 'GET', '/replication/v1/index', {
      key: mine.key,
      cert: mine.cert,
    });
    expect(ok.status).toBe(200);
  });

  it('a (re)started manager catches up at listen()', async () => {
    // Same identity as B (A pins B by certificate, not by address), fresh state, timer on.
    const B2 = createManager({
      site: b.site,
      ports: { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 },
      services: { replication: { intervalMs: 60_000, timeoutMs: 3000 } },
      peers: [
        { address: '127.0.0.1', managerPort: pa.manager, certificate: a.site.identity.certificate },
      ],
    });
    try {
      expect(B2.policies()).toEqual([]);
      await B2.listen();
      const want = A.policies()
        .map((p) => p.sha256)
        .sort();
      expect(await eventually(() => B2.policies().length === want.length)).toBe(true);
      expect(
        B2.policies()
          .map((p) => p.sha256)
          .sort(),
      ).toEqual(want);
    } finally {
      await B2.close();
    }
  });

  it('a client fails over from A to B and still verifies every policy', async () => {
    const client = createClient({ sylink: A.sylink(), connectTimeoutMs: 2000 });
    try {
      const first = await client.heartbeat();
      expect(first.server.port).toBe(pa.client);
      const before = new Map(
        first.policies.map((p) => [p.name, Buffer.from(p.data).toString('hex')]),
      );
      expect(before.size).toBe(2);
      await A.close();
      const second = await client.heartbeat();
      expect(second.server.port).toBe(pb.client);
      const after = new Map(
        second.policies.map((p) => [p.name, Buffer.from(p.data).toString('hex')]),
      );
      expect(after).toEqual(before);
      const signers = new Set(second.policies.map((p) => p.signer.subject));
      expect(signers.size).toBeGreaterThanOrEqual(1);
    } finally {
      client.close();
    }
  });
});
