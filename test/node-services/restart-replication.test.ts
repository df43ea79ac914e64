// Issue 13 points 4 and 5 with two replicating managers: a restarted manager continues its
// serials, so its new publication wins on both managers (before, its serial restarted at 1 and
// the peer's older serial 3 replaced it); and a client of B whose sylink lacks A's certificate
// is told the index has an untrusted signer, not a bad signature.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createManager, type Manager, type ManagerOptions } from '../../src/node/manager/index.js';
import { createClient } from '../../src/node/client/client.js';
import { isSepmError } from '../../src/errors.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSylink, serversInPriorityOrder } from '../../src/sylink/index.js';
import { eventually, freePort, makeSite, type TestSite } from './helpers.js';

async function ports() {
  return {
    client: await freePort(),
    clientHttp: await freePort(),
    manager: await freePort(),
    reporting: await freePort(),
    webServices: await freePort(),
  };
}

const text = (s: string) => new TextEncoder().encode(s);

describe('a replicating manager restarted on its site', () => {
  let a: TestSite;
  let b: TestSite;
  let A: Manager;
  let B: Manager;
  let optionsA: ManagerOptions;

  beforeAll(async () => {
    a = await makeSite('restart-a.test');
    b = await makeSite('restart-b.test', { kcs: a.site.kcs, domainId: a.site.domainId });
    const [pa, pb] = [await ports(), await ports()];
    const services = { replication: { intervalMs: 0, timeoutMs: 3000 } };
    const peer = (s: TestSite, p: typeof pa) => ({
      address: '127.0.0.1',
      httpsPort: p.client,
      managerPort: p.manager,
      certificate: s.site.identity.certificate,
    });
    optionsA = { site: a.site, ports: pa, services, peers: [peer(b, pb)] };
    A = createManager(optionsA);
    B = createManager({ site: b.site, ports: pb, services, peers: [peer(a, pa)] });
    await A.listen();
    await B.listen();
  });
  afterAll(async () => {
    await Promise.all([A.close(), B.close()]);
    await Promise.all([a.cleanup(), b.cleanup()]);
  });

  it('continues its serials, so its newest publication wins on both managers', async () => {
    for (const v of ['1', '2', '3']) await A.publishPolicy('LiveUpdate', text(`lu ${v}`));
    const onB = () => B.policies().find((p) => p.name === 'LiveUpdate');
    expect(await eventually(() => onB()?.serial === 3)).toBe(true);

    await A.close();
    A = createManager(optionsA);
    await A.listen();
    const newest = await A.publishPolicy('LiveUpdate', text('lu 4'));
    expect(newest.serial).toBe(4);
    await B.replicate();
    await A.replicate();
    expect(onB()?.sha256).toBe(newest.sha256);
    expect(A.policies().find((p) => p.name === 'LiveUpdate')?.sha256).toBe(newest.sha256);
  });

  it('names an index signed by a peer the sylink does not list an untrusted signer', async () => {
    // B serves A's signed index as it is; a client with only B's certificate cannot check it.
    const own = B.sylink();
    const sylink = { ...own, certificates: own.certificates.slice(0, 1) };
    expect(sylink.certificates[0]!.certificate.equal(b.site.identity.certificate)).toBe(true);
    const client = createClient({ sylink, transport: 'https-only', connectTimeoutMs: 2000 });
    try {
      const e = await client.heartbeat().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isSepmError(e) && e.code).toBe('ERR_POLICY_UNTRUSTED_SIGNER');
    } finally {
      client.close();
    }
    // With B's full sylink (A's certificate listed too) the same client succeeds.
    const full = createClient({ sylink: own, transport: 'https-only', connectTimeoutMs: 2000 });
    try {
      const hb = await full.heartbeat();
      expect(hb.indexSigner.equal(a.site.identity.certificate)).toBe(true);
    } finally {
      full.close();
    }
  });

  it("writes the peers into the site's sylink.xml, so a client given the file trusts what a peer replicated", async () => {
    // One sylink truth: B's site file lists what B.sylink() lists (A as a server, A's certificate).
    const file = parseSylink(await readFile(join(b.dir, 'sylink.xml')));
    const served = B.sylink();
    const fps = (s: typeof served) => s.certificates.map((c) => c.certificate.toString('hex'));
    expect(fps(file)).toEqual(fps(served));
    expect(file.certificates.some((c) => c.certificate.equal(a.site.identity.certificate))).toBe(
      true,
    );
    const peerEntries = (s: typeof served) =>
      serversInPriorityOrder(s)
        .filter((x) => x.priority > 1)
        .map((x) => [x.priority, x.server.address, x.server.httpsPort]);
    expect(peerEntries(file)).toEqual(peerEntries(served));
    expect(file.kcs.equals(b.site.kcs)).toBe(true);
    expect(file.domainId).toBe(b.site.domainId);
    // The file's trust list, with B's bound port as the only server (the file names the site's
    // configured 443): the index A signed, served by B, is accepted.
    const sylink = { ...file, serverLists: served.serverLists };
    const client = createClient({ sylink, transport: 'https-only', connectTimeoutMs: 2000 });
    try {
      const hb = await client.heartbeat();
      expect(hb.indexSigner.equal(a.site.identity.certificate)).toBe(true);
    } finally {
      client.close();
    }
  });
});
