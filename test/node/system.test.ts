// End-to-end: site files -> manager -> client, over real loopback sockets.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateServerIdentity } from '../../src/cert/index.js';
import { sealPolicy } from '../../src/policy/index.js';
import { parseSylink, type Sylink } from '../../src/sylink/index.js';
import { isSepmError } from '../../src/errors.js';
import { createSite, loadSite, type Site } from '../../src/node/site/site.js';
import { importCertificate, dropCertificate } from '../../src/node/site/import.js';
import { createManager, type Manager, type ManagerHandler } from '../../src/node/manager/index.js';
import { createClient } from '../../src/node/client/client.js';
import {
  PATH_INDEX,
  PATH_POLICY_PREFIX,
  encodeSignedIndexEnvelope,
  parseSignedIndexEnvelope,
  signIndex,
} from '../../src/protocol/index.js';
import { requireTool } from '../helpers/tools.js';

const HAS_JDK = requireTool('jdk', import.meta.url);

const run = promisify(execFile);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function codeOf(
  p: Promise<unknown>,
): Promise<{ code: string; cause?: { code?: string }; problems?: string[] }> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(isSepmError(e), String(e)).toBe(true);
  return e as { code: string; cause?: { code?: string }; problems?: string[] };
}

function withServers(
  sylink: Sylink,
  servers: { address: string; httpsPort?: number; httpPort?: number }[][],
): Sylink {
  return {
    ...sylink,
    serverLists: [
      {
        name: 'Test',
        blocks: servers.map((b, i) => ({
          name: `Priority${i + 1}`,
          servers: b.map((s) => ({ ...s, verifySignatures: true })),
        })),
      },
    ],
  };
}

const ZERO = { manager: 0, reporting: 0, webServices: 0 };

describe('site -> manager -> client', () => {
  let dir: string;
  let site: Site;
  let manager: Manager;
  let ports: { https: number; http: number };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sepm-sys-'));
    ports = { https: await freePort(), http: await freePort() };
    await createSite(dir, {
      commonName: 'sepm.test',
      httpsPort: ports.https,
      httpPort: ports.http,
    });
    site = await loadSite(dir);
    manager = createManager({
      site,
      ports: { client: ports.https, clientHttp: ports.http, ...ZERO },
    });
    await manager.listen();
  });
  afterAll(async () => {
    await manager.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('round trip over HTTPS with the sylink.xml the site wrote', async () => {
    const sylink = parseSylink(await readFile(join(dir, 'sylink.xml')));
    const client = createClient({ sylink });
    try {
      const policy = randomBytes(64 * 1024);
      const pub = await manager.publishPolicy('Virus and Spyware Protection policy', policy);
      const reg = await client.register();
      expect(reg.server).toEqual({ address: '127.0.0.1', port: ports.https, protocol: 'https' });
      const hb = await client.heartbeat();
      expect(hb.server.protocol).toBe('https');
      expect(hb.updated.length).toBe(1);
      const got = hb.updated[0]!;
      expect(got.name).toBe('Virus and Spyware Protection policy');
      expect(got.serial).toBe(pub.serial);
      expect(got.sha256).toBe(pub.sha256);
      expect(Buffer.from(got.data).equals(policy)).toBe(true);
      expect(got.signer.equal(site.identity.certificate)).toBe(true);
      expect(hb.indexSigner.equal(site.identity.certificate)).toBe(true);
    } finally {
      client.close();
      await manager.unpublishPolicy('Virus and Spyware Protection policy');
    }
  });

  it('round trip over HTTP 8014 where the sylink entry is HTTP-only; same sealed bytes', async () => {
    const httpOnly = withServers(site.sylink, [[{ address: '127.0.0.1', httpPort: ports.http }]]);
    const client = createClient({ sylink: httpOnly });
    const httpsClient = createClient({ sylink: site.sylink });
    try {
      const policy = randomBytes(1000);
      await manager.publishPolicy('Firewall', policy);
      const hb = await client.heartbeat();
      expect(hb.server).toEqual({ address: '127.0.0.1', port: ports.http, protocol: 'http' });
      expect(Buffer.from(hb.policies.find((p) => p.name === 'Firewall')!.data).equals(policy)).toBe(
        true,
      );
      const hbs = await httpsClient.heartbeat();
      expect(hbs.policies.find((p) => p.name === 'Firewall')!.sha256).toBe(
        hb.policies.find((p) => p.name === 'Firewall')!.sha256,
      );
      // 'https-only' refuses an HTTP-only list outright.
      expect(() => createClient({ sylink: httpOnly, transport: 'https-only' })).toThrow(TypeError);
    } finally {
      client.close();
      httpsClient.close();
      await manager.unpublishPolicy('Firewall');
    }
  });

  it('sealed policy downloads carry an ETag and answer If-None-Match with 304', async () => {
    const pub = await manager.publishPolicy('Etag', randomBytes(10));
    try {
      const url = `http://127.0.0.1:${ports.http}${PATH_POLICY_PREFIX}Etag`;
      const r1 = await fetch(url);
      expect(r1.status).toBe(200);
      expect(r1.headers.get('etag')).toBe(`"${pub.sha256}"`);
      expect(Buffer.from(await r1.arrayBuffer()).equals(Buffer.from(pub.sealed))).toBe(true);
      const r2 = await fetch(url, { headers: { 'If-None-Match': `"${pub.sha256}"` } });
      expect(r2.status).toBe(304);
      const r3 = await fetch(url, { headers: { 'If-None-Match': '"other"' } });
      expect(r3.status).toBe(200);
      const idx = await fetch(`http://127.0.0.1:${ports.http}${PATH_INDEX}`);
      const etag = idx.headers.get('etag')!;
      expect(
        (
          await fetch(`http://127.0.0.1:${ports.http}${PATH_INDEX}`, {
            headers: { 'If-None-Match': etag },
          })
        ).status,
      ).toBe(304);
      expect((await fetch(`http://127.0.0.1:${ports.http}${PATH_POLICY_PREFIX}nope`)).status).toBe(
        404,
      );
      expect(
        (await fetch(`http://127.0.0.1:${ports.http}${PATH_POLICY_PREFIX}%E0%A4%A`)).status,
      ).toBe(400);
    } finally {
      await manager.unpublishPolicy('Etag');
    }
  });

  it('refuses tampered sealed bytes and a forged index served by a handler', async () => {
    await manager.publishPolicy('Target', randomBytes(5000));
    const attacker = await generateServerIdentity({ commonName: 'attacker' });
    const sealedByAttacker = await sealPolicy(randomBytes(5000), attacker, site.kcs);
    // Each handler proxies its own manager's HTTP port (the genuine bytes), then alters them.
    const own = { http: 0 };
    const modes: Record<string, ManagerHandler> = {
      // Positive control: the same proxy without changes is accepted.
      passThrough: async (req, res, next) => {
        if (req.url !== PATH_INDEX && !req.url!.startsWith(PATH_POLICY_PREFIX)) return next();
        const r = await fetch(`http://127.0.0.1:${own.http}${req.url}`);
        res.end(Buffer.from(await r.arrayBuffer()));
      },
      // Flip one byte of the sealed policy: the signed index's SHA-256 no longer matches.
      tamperedPolicy: async (req, res, next) => {
        if (!req.url!.startsWith(PATH_POLICY_PREFIX)) return next();
        const r = await fetch(`http://127.0.0.1:${own.http}${req.url}`);
        const body = Buffer.from(await r.arrayBuffer());
        body[body.length - 20] ^= 0x01;
        res.end(body);
      },
      // Rewrite the index to point at the attacker's bytes, keeping the manager's signature.
      forgedIndex: async (req, res, next) => {
        if (req.url === PATH_INDEX) {
          const r = await fetch(`http://127.0.0.1:${own.http}${PATH_INDEX}`);
          const env = parseSignedIndexEnvelope(new Uint8Array(await r.arrayBuffer()));
          const doc = JSON.parse(Buffer.from(env.index).toString());
          for (const p of doc.policies) p.size += 0;
          doc.serial += 1;
          res.end(
            encodeSignedIndexEnvelope(
              Buffer.from(JSON.stringify(doc)),
              env.signature,
              env.signatureFormat,
            ),
          );
          return;
        }
        next();
      },
      // An index signed by a key the sylink does not list.
      foreignSignature: async (req, res, next) => {
        if (req.url === PATH_INDEX) {
          const r = await fetch(`http://127.0.0.1:${own.http}${PATH_INDEX}`);
          const env = parseSignedIndexEnvelope(new Uint8Array(await r.arrayBuffer()));
          const sig = await signIndex(env.index, attacker, 'raw');
          res.end(encodeSignedIndexEnvelope(env.index, sig, 'raw'));
          return;
        }
        next();
      },
      // Bytes sealed by a foreign key with the right Kcs, and the index hash made to match is impossible:
      // serve them under the real name; the hash check refuses first.
      foreignSeal: (req, res, next) => {
        if (!req.url!.startsWith(PATH_POLICY_PREFIX)) return next();
        res.end(Buffer.from(sealedByAttacker));
      },
      garbage: (_req, res) => {
        res.end(
          '{"format":"sepm-crypto.signed-index","version":1,"signatureFormat":"raw","index":"!!","signature":""}',
        );
      },
    };
    const expected: Record<string, string[]> = {
      passThrough: [],
      tamperedPolicy: ['ERR_MANAGER_PROTOCOL'],
      forgedIndex: ['ERR_POLICY_SIGNATURE_INVALID'],
      foreignSignature: ['ERR_POLICY_SIGNATURE_INVALID', 'ERR_POLICY_UNTRUSTED_SIGNER'],
      foreignSeal: ['ERR_MANAGER_PROTOCOL'],
      garbage: ['ERR_MANAGER_PROTOCOL'],
    };
    const seen: string[] = [];
    try {
      for (const [mode, handler] of Object.entries(modes)) {
        const evil = createManager({
          site,
          ports: { client: 0, clientHttp: 0, ...ZERO },
          handlers: { client: handler },
        });
        const a = await evil.listen();
        own.http = a.clientHttp.port;
        const client = createClient({
          sylink: withServers(site.sylink, [[{ address: '127.0.0.1', httpsPort: a.client.port }]]),
        });
        try {
          await evil.publishPolicy('Target', randomBytes(5000));
          if (mode === 'passThrough') {
            expect((await client.heartbeat()).policies.map((p) => p.name)).toEqual(['Target']);
            continue;
          }
          const err = await codeOf(client.heartbeat());
          expect(expected[mode], `${mode}: ${err.code}`).toContain(err.code);
          seen.push(`${mode}:${err.code}`);
        } finally {
          client.close();
          await evil.close();
        }
      }
      expect(seen.length).toBe(5);
    } finally {
      await manager.unpublishPolicy('Target');
    }
  });

  it('fails over to the next priority block when the first server is down or silent', async () => {
    const dead = await freePort();
    // A server that accepts TCP and then says nothing: the TLS session never comes.
    const held: Socket[] = [];
    const silent = createNetServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      const sylink = withServers(site.sylink, [
        [{ address: '127.0.0.1', httpsPort: dead }],
        [{ address: '127.0.0.1', httpsPort: silentPort }],
        [{ address: '127.0.0.1', httpsPort: ports.https }],
      ]);
      const client = createClient({ sylink, connectTimeoutMs: 500 });
      const t0 = Date.now();
      const hb = await client.heartbeat();
      expect(hb.server.port).toBe(ports.https);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
      client.close();
      // Nothing reachable: one error listing every server.
      const none = createClient({
        sylink: withServers(site.sylink, [
          [{ address: '127.0.0.1', httpsPort: dead }],
          [{ address: '127.0.0.1', httpsPort: silentPort }],
        ]),
        connectTimeoutMs: 300,
      });
      const err = await codeOf(none.heartbeat());
      expect(err.code).toBe('ERR_MANAGER_UNREACHABLE');
      expect(err.problems!.length).toBe(2);
      none.close();
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
  });

  it('shuffles within a priority block and never skips ahead of it', async () => {
    const m2 = createManager({ site, ports: { client: 0, clientHttp: 0, ...ZERO } });
    const a2 = await m2.listen();
    try {
      const sylink = withServers(site.sylink, [
        [
          { address: '127.0.0.1', httpsPort: ports.https },
          { address: '127.0.0.1', httpsPort: a2.client.port },
        ],
        [{ address: '127.0.0.1', httpsPort: a2.manager.port }],
      ]);
      let flip = 0;
      const client = createClient({ sylink, random: (n) => flip++ % n });
      const seen = new Set<number>();
      for (let i = 0; i < 6; i++) seen.add((await client.hello()).port);
      client.close();
      expect([...seen].sort()).toEqual([ports.https, a2.client.port].sort());
    } finally {
      await m2.close();
    }
  });
});

describe.runIf(HAS_JDK)('certificate change with a keytool-made PKCS#12', () => {
  it('imports it; clients holding the old sylink keep verifying (the updated manager via its endorsement, the old one directly); drop removes the old certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sepm-import-'));
    const managers: Manager[] = [];
    try {
      await createSite(dir, { commonName: 'old.sepm.test' });
      const before = await loadSite(dir);
      const p12 = join(dir, 'new.p12');
      await run('keytool', [
        '-genkeypair',
        '-storetype',
        'PKCS12',
        '-keystore',
        p12,
        '-storepass',
        'changeit',
        '-alias',
        'newsepm',
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-sigalg',
        'SHA256withRSA',
        '-validity',
        '30',
        '-dname',
        'CN=new.sepm.test',
      ]);
      const imported = await importCertificate(dir, await readFile(p12), { password: 'changeit' });
      const after = imported.site;
      expect(imported.previous.equal(before.identity.certificate)).toBe(true);
      expect(after.identity.certificate.subject).toBe('CN=new.sepm.test');
      expect(after.kcs.equals(before.kcs)).toBe(true);
      expect(after.domainId).toBe(before.domainId);
      expect(after.certificates.map((c) => c.subject)).toEqual([
        'CN=new.sepm.test',
        'CN=old.sepm.test',
      ]);
      // server.crt is the new certificate.
      const crt = await readFile(join(dir, 'server.crt'), 'utf8');
      expect(crt).toContain(
        Buffer.from(after.identity.certificate.rawData).toString('base64').slice(0, 60),
      );

      // The updated manager (new certificate) and a peer not yet updated (old certificate).
      const updated = createManager({ site: after, ports: { client: 0, clientHttp: 0, ...ZERO } });
      const peer = createManager({ site: before, ports: { client: 0, clientHttp: 0, ...ZERO } });
      managers.push(updated, peer);
      const [au, ap] = [await updated.listen(), await peer.listen()];
      const data = randomBytes(3000);
      await updated.publishPolicy('P', data);
      await peer.publishPolicy('P', data);
      const servers = [
        [{ address: '127.0.0.1', httpsPort: au.client.port }],
        [{ address: '127.0.0.1', httpsPort: ap.client.port }],
      ];

      // Old sylink: trusts only the old certificate. The updated manager presents the new one,
      // endorsed by the old key (docs/protocol.md §5.4): the client adopts it and verifies there.
      const oldClient = createClient({ sylink: withServers(before.sylink, servers) });
      const hbOld = await oldClient.heartbeat();
      expect(hbOld.server.port).toBe(au.client.port);
      expect(hbOld.policies[0]!.signer.equal(after.identity.certificate)).toBe(true);
      expect(Buffer.from(hbOld.policies[0]!.data).equals(data)).toBe(true);
      oldClient.close();
      // The peer still on the old certificate is verified directly by the same old sylink.
      const oldToPeer = createClient({ sylink: withServers(before.sylink, [servers[1]!]) });
      const hbPeer = await oldToPeer.heartbeat();
      expect(hbPeer.policies[0]!.signer.equal(before.identity.certificate)).toBe(true);
      oldToPeer.close();

      // New sylink (both certificates): verifies the updated manager, and the old one too.
      const newClient = createClient({ sylink: withServers(after.sylink, servers) });
      const hbNew = await newClient.heartbeat();
      expect(hbNew.server.port).toBe(au.client.port);
      expect(hbNew.policies[0]!.signer.equal(after.identity.certificate)).toBe(true);
      newClient.close();
      const newToPeer = createClient({ sylink: withServers(after.sylink, [servers[1]!]) });
      expect(
        (await newToPeer.heartbeat()).policies[0]!.signer.equal(before.identity.certificate),
      ).toBe(true);
      newToPeer.close();

      // dropCertificate: the old certificate leaves the list; the peer is no longer trusted.
      const dropped = await dropCertificate(dir);
      expect(dropped.certificates.map((c) => c.subject)).toEqual(['CN=new.sepm.test']);
      const finalClient = createClient({ sylink: withServers(dropped.sylink, [servers[1]!]) });
      const err = await codeOf(finalClient.heartbeat());
      expect(err.code).toBe('ERR_MANAGER_UNREACHABLE');
      expect(err.cause?.code).toBe('ERR_MANAGER_CERTIFICATE_UNTRUSTED');
      finalClient.close();
    } finally {
      for (const m of managers) await m.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses material that breaks the import rules, listing every violation, and changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sepm-import-'));
    try {
      await createSite(dir);
      const before = await readFile(join(dir, 'keystore.jks'));
      const weak = join(dir, 'weak.p12');
      await run('keytool', [
        '-genkeypair',
        '-storetype',
        'PKCS12',
        '-keystore',
        weak,
        '-storepass',
        'changeit',
        '-alias',
        'weak',
        '-keyalg',
        'RSA',
        '-keysize',
        '1024',
        '-sigalg',
        'SHA256withRSA',
        '-validity',
        '1',
        '-startdate',
        '-10d',
        '-dname',
        'CN=weak',
      ]);
      const e = await (importCertificate(dir, await readFile(weak), { password: 'changeit' }).then(
        () => undefined,
        (x: unknown) => x,
      ) as Promise<{ code: string; violations: string[] }>);
      expect(e.code).toBe('ERR_CERT_IMPORT_RULES');
      expect(e.violations.length).toBeGreaterThanOrEqual(2);
      expect(e.violations.join('\n')).toMatch(/2048|bits/);
      expect(e.violations.join('\n')).toMatch(/expired/);
      expect((await readFile(join(dir, 'keystore.jks'))).equals(before)).toBe(true);
      await loadSite(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
