// A manager does not take back a copy it withdrew (docs/protocol.md §5.6). Before, when A withdrew
// N and then pulled B before B had followed, A saw N listed by B, no longer held it, and took it
// back: the withdrawal was undone on every manager. Now A remembers the exact copy (name, serial,
// SHA-256) it withdrew, locally or by following a peer, and no pull takes that copy again; a
// re-publication (another copy of the name) is taken as usual, and the memory survives a restart.
//
// Managers pull only when told to (`intervalMs: 0`, explicit `replicate()`). Each peer is reached
// through a stand-in for its manager port (it presents the peer's certificate and passes the
// peer's answers through), which may be taken down, and which drops notices, so that no manager
// follows before the test says so.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { join } from 'node:path';
import {
  createManager,
  fileStore,
  STATE_DIR,
  type Manager,
  type ManagerOptions,
} from '../../src/node/manager/index.js';
import { tlsCredentials } from '../../src/node/http/tls_credentials.js';
import { TLS_SERVER_PROFILE } from '../../src/node/http/tls_profile.js';
import { makeSite, type TestSite, plainGet } from './helpers.js';
import { NO_PORTS } from '../helpers/ports.js';

const text = (s: string) => new TextEncoder().encode(s);
const names = (m: Manager) => m.policies().map((p) => `${p.name}#${p.serial}`);
const services = { replication: { intervalMs: 0, timeoutMs: 3000 } };
const ports = { ...NO_PORTS, clientHttp: 0 };

// The manager port of `t`'s manager as its peers see it: index and policies from its client
// port, answered only while `up()`; notices are dropped.
async function standIn(t: TestSite, target: () => Manager, up: () => boolean): Promise<Server> {
  const own = await tlsCredentials(t.site.identity);
  const tls = { ...TLS_SERVER_PROFILE, key: own.key, cert: own.cert, requestCert: true };
  const server = createHttpsServer({ ...tls, rejectUnauthorized: false }, (req, res) => {
    const path = (req.url ?? '').replace('/replication/v1/', '/secars/');
    if (!up() || req.method !== 'GET') return void res.writeHead(503).end();
    plainGet(target().addresses.clientHttp!.port, path).then(
      (r) => res.writeHead(r.status).end(r.body),
      () => res.writeHead(502).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

const peerOf = (t: TestSite, s: Server) => ({
  address: '127.0.0.1',
  managerPort: (s.address() as { port: number }).port,
  certificate: t.site.identity.certificate,
});

describe('a manager does not take back a copy it withdrew', () => {
  let a: TestSite;
  let b: TestSite;
  let c: TestSite;
  let A: Manager;
  let B: Manager;
  let C: Manager;
  let optionsA: ManagerOptions;
  const stands: Server[] = [];
  const down = new Set<string>();

  beforeAll(async () => {
    a = await makeSite('retake-a.test');
    const share = { kcs: a.site.kcs, domainId: a.site.domainId };
    b = await makeSite('retake-b.test', share);
    c = await makeSite('retake-c.test', share);
    const toA = await standIn(
      a,
      () => A,
      () => !down.has('A'),
    );
    const toB = await standIn(
      b,
      () => B,
      () => !down.has('B'),
    );
    const toC = await standIn(
      c,
      () => C,
      () => !down.has('C'),
    );
    stands.push(toA, toB, toC);
    // A pulls B; B pulls A and C; C pulls A. A pins C too (for its signature on what B relays),
    // but never reaches it.
    const unreachableC = {
      address: '127.0.0.1',
      managerPort: 1,
      certificate: c.site.identity.certificate,
    };
    optionsA = { site: a.site, ports, services, peers: [peerOf(b, toB), unreachableC] };
    A = createManager(optionsA);
    B = createManager({ site: b.site, ports, services, peers: [peerOf(a, toA), peerOf(c, toC)] });
    C = createManager({ site: c.site, ports, services, peers: [peerOf(a, toA)] });
    await Promise.all([A.listen(), B.listen(), C.listen()]);
  });
  afterAll(async () => {
    await Promise.all([A.close(), B.close(), C.close()]);
    await Promise.all(stands.map((s) => new Promise((r) => s.close(r))));
    await Promise.all([a.cleanup(), b.cleanup(), c.cleanup()]);
  });

  it('A withdraws N and pulls B before B followed: A keeps N withdrawn, then B follows', async () => {
    await A.publishPolicy('Keep', text('<keep/>'));
    await A.publishPolicy('N', text('<n v="1"/>'));
    expect((await B.replicate())[0]).toMatchObject({ ok: true, taken: ['Keep', 'N'] });
    expect((await C.replicate())[0]).toMatchObject({ ok: true, taken: ['Keep', 'N'] });
    expect((await A.replicate())[0]).toMatchObject({ ok: true, taken: [], withdrawn: [] });

    await A.unpublishPolicy('N');
    // B still lists N exactly as A held it: A does not take it back.
    expect((await A.replicate())[0]).toMatchObject({ ok: true, taken: [], withdrawn: [] });
    expect(names(A)).toEqual(['Keep#1']);

    down.add('C');
    const [fromA] = await B.replicate();
    expect(fromA).toMatchObject({ ok: true, taken: [], withdrawn: ['N'] });
    expect(names(B)).toEqual(['Keep#1']);
    // C has not followed yet and still lists N, in an index newer than any B took (C published
    // since): B withdrew that copy by following A, and does not take it back from C either.
    await C.publishPolicy('Own', text('<own/>'));
    down.delete('C');
    down.add('A');
    const [, fromC] = await B.replicate();
    expect(fromC).toMatchObject({ ok: true, taken: ['Own'], withdrawn: [] });
    expect(names(B)).toEqual(['Keep#1', 'Own#1']);
    down.delete('A');
    expect((await C.replicate())[0]).toMatchObject({ ok: true, withdrawn: ['N'] });
    expect(names(C)).toEqual(['Keep#1', 'Own#1']);
    expect((await A.replicate())[0]).toMatchObject({ ok: true, taken: ['Own'], withdrawn: [] });
    expect(names(A)).toEqual(['Keep#1', 'Own#1']);
  });

  it('takes a re-publication of N (another copy), and A forgets the copies it withdrew', async () => {
    const again = await A.publishPolicy('N', text('<n v="2"/>'));
    const saved = await fileStore(join(a.dir, STATE_DIR)).load();
    expect(saved!.withdrawnCopies!.filter((w) => w.name === 'N')).toEqual([]);
    const [fromA] = await B.replicate();
    expect(fromA).toMatchObject({ ok: true, taken: ['N'] });
    expect(B.policies().find((p) => p.name === 'N')?.sha256).toBe(again.sha256);
    // A new serial as well.
    const third = await A.publishPolicy('N', text('<n v="3"/>'));
    expect(third.serial).toBe(again.serial + 1);
    expect((await B.replicate())[0]).toMatchObject({ ok: true, taken: ['N'] });
    expect(B.policies().find((p) => p.name === 'N')?.sha256).toBe(third.sha256);
  });

  it('still keeps the withdrawn copy out after a restart of A', async () => {
    await A.publishPolicy('Later', text('<later/>'));
    expect((await B.replicate())[0]).toMatchObject({ ok: true, taken: ['Later'] });
    const withdrawn = A.policies().find((p) => p.name === 'Later')!;
    await A.unpublishPolicy('Later');
    await A.close();
    const saved = await fileStore(join(a.dir, STATE_DIR)).load();
    expect(saved!.withdrawnCopies).toContainEqual({
      name: 'Later',
      serial: withdrawn.serial,
      sha256: withdrawn.sha256,
    });

    A = createManager(optionsA);
    await A.listen();
    // B has not followed (it has not pulled A since): it still lists Later.
    expect(names(B)).toContain('Later#1');
    expect((await A.replicate())[0]).toMatchObject({ ok: true, taken: [], withdrawn: [] });
    expect(names(A)).not.toContain('Later#1');
  });
});
