// Certificate change on a single-manager site: clients holding the OLD sylink keep working
// through the old key's endorsement of the new certificate (docs/protocol.md §2.5, §5.4).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { X509Certificate } from '../../src/cert/x509.js';
import type { Sylink } from '../../src/sylink/index.js';
import { isSepmError } from '../../src/errors.js';
import { createSite, loadSite, type Site } from '../../src/node/site/site.js';
import { importCertificate, dropCertificate } from '../../src/node/site/import.js';
import { createManager, type Manager, type ManagerHandler } from '../../src/node/manager/index.js';
import { createClient, type TrustChange } from '../../src/node/client/client.js';
import { PATH_ENDORSEMENTS } from '../../src/protocol/index.js';
import {
  ENDORSEMENTS_FILE,
  createEndorsement,
  endorsedCertificates,
  encodeEndorsements,
  parseEndorsements,
  type SignedEndorsement,
} from '../../src/protocol/index.js';
import { testIdentity } from './helpers.js';
import { requireTool } from '../helpers/tools.js';

const HAS_JDK = requireTool('jdk', import.meta.url);

const run = promisify(execFile);
const ZERO = { manager: 0, reporting: 0, webServices: 0 };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; cause?: { code?: string } }> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(isSepmError(e), String(e)).toBe(true);
  return e as { code: string; cause?: { code?: string } };
}

function withServer(sylink: Sylink, server: { httpsPort?: number; httpPort?: number }): Sylink {
  return {
    ...sylink,
    serverLists: [
      {
        name: 'Test',
        blocks: [
          {
            name: 'Priority1',
            servers: [{ address: '127.0.0.1', ...server, verifySignatures: true }],
          },
        ],
      },
    ],
  };
}

async function keytoolP12(path: string, cn: string): Promise<Uint8Array> {
  await run('keytool', [
    '-genkeypair',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-sigalg',
    'SHA256withRSA',
    '-storetype',
    'PKCS12',
    '-keystore',
    path,
    '-storepass',
    'changeit',
    '-alias',
    'sepm',
    '-validity',
    '30',
    '-dname',
    `CN=${cn}`,
  ]);
  return readFile(path);
}

/** A client that records its trust changes. */
function recordingClient(sylink: Sylink, now?: () => number) {
  const changes: TrustChange[] = [];
  const client = createClient({
    sylink,
    onTrustChange: (c) => changes.push(c),
    ...(now !== undefined ? { now } : {}),
  });
  return { client, changes };
}

const same = (a: X509Certificate, b: X509Certificate) => a.equal(b);

describe('certificate change on a single manager: endorsement by the previous key', () => {
  let dir: string;
  let ports: { https: number; http: number };
  let before: Site;
  let after: Site;
  let manager: Manager | undefined;
  const oldData = randomBytes(2000);
  const newData = randomBytes(3000);

  async function start(site: Site, data: Uint8Array, handlers?: ManagerHandler): Promise<void> {
    await manager?.close();
    manager = createManager({
      site,
      ports: { client: ports.https, clientHttp: ports.http, ...ZERO },
      ...(handlers !== undefined ? { handlers: { client: handlers, clientHttp: handlers } } : {}),
    });
    await manager.listen();
    await manager.publishPolicy('P', data);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sepm-rotation-'));
    ports = { https: await freePort(), http: await freePort() };
    await createSite(dir, { commonName: 'old.sepm.test', httpsPort: ports.https });
    before = await loadSite(dir);
    expect(before.endorsements).toEqual([]);
    await start(before, oldData);
  });
  afterAll(async () => {
    await manager?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.runIf(HAS_JDK)(
    'old-sylink clients verify the new certificate over HTTPS and HTTP; new-sylink clients directly; dropCertificate ends it',
    async () => {
      // Client A holds the OLD sylink and has already talked to the manager before the change.
      const a = recordingClient(withServer(before.sylink, { httpsPort: ports.https }));
      const aHttp = recordingClient(withServer(before.sylink, { httpPort: ports.http }));
      try {
        expect(
          same((await a.client.heartbeat()).policies[0]!.signer, before.identity.certificate),
        ).toBe(true);
        expect((await aHttp.client.heartbeat()).policies[0]!.data).toEqual(new Uint8Array(oldData));

        // The change: keytool-made PKCS#12, then a manager restart from disk.
        const p12 = await keytoolP12(join(dir, 'new.p12'), 'new.sepm.test');
        const imported = await importCertificate(dir, p12, { password: 'changeit' });
        expect(imported.previous.equal(before.identity.certificate)).toBe(true);
        after = await loadSite(dir);
        expect(after.identity.certificate.subject).toBe('CN=new.sepm.test');
        expect(after.endorsements.length).toBe(1);
        const onDisk = parseEndorsements(await readFile(join(dir, ENDORSEMENTS_FILE)));
        expect(
          Buffer.from(onDisk[0]!.signature).equals(Buffer.from(after.endorsements[0]!.signature)),
        ).toBe(true);
        await start(after, newData);

        // HTTPS: the pin fails on the new certificate, the endorsement makes it trusted, the
        // request is retried pinned to it, and the index and policy signed by the new key verify.
        const hb = await a.client.heartbeat();
        expect(hb.server).toEqual({ address: '127.0.0.1', port: ports.https, protocol: 'https' });
        expect(same(hb.indexSigner, after.identity.certificate)).toBe(true);
        expect(same(hb.policies[0]!.signer, after.identity.certificate)).toBe(true);
        expect(Buffer.from(hb.policies[0]!.data).equals(newData)).toBe(true);
        expect(a.client.trustedCertificates().map((c) => c.subject)).toEqual([
          'CN=old.sepm.test',
          'CN=new.sepm.test',
        ]);
        expect(a.changes.length).toBe(1);
        expect(same(a.changes[0]!.certificate, after.identity.certificate)).toBe(true);
        expect(same(a.changes[0]!.endorsedBy, before.identity.certificate)).toBe(true);
        // Once trusted, no more endorsement round: the next heartbeat is plain.
        await a.client.heartbeat();
        expect(a.changes.length).toBe(1);

        // HTTP (8014-style entry): the index signature is what fails; same endorsement logic.
        const hbHttp = await aHttp.client.heartbeat();
        expect(hbHttp.server.protocol).toBe('http');
        expect(same(hbHttp.indexSigner, after.identity.certificate)).toBe(true);
        expect(Buffer.from(hbHttp.policies[0]!.data).equals(newData)).toBe(true);
        expect(aHttp.changes.map((c) => c.certificate.subject)).toEqual(['CN=new.sepm.test']);

        // A client with the new sylink works directly, with no trust change.
        const b = recordingClient(withServer(after.sylink, { httpsPort: ports.https }));
        const hbB = await b.client.heartbeat();
        expect(same(hbB.policies[0]!.signer, after.identity.certificate)).toBe(true);
        expect(b.changes).toEqual([]);
        b.client.close();

        // dropCertificate: the endorsement goes with the old certificate; after a restart a fresh
        // old-sylink client is refused, on HTTPS (pin) and on HTTP (index signature).
        const dropped = await dropCertificate(dir);
        expect(dropped.endorsements).toEqual([]);
        expect(parseEndorsements(await readFile(join(dir, ENDORSEMENTS_FILE)))).toEqual([]);
        await start(await loadSite(dir), newData);
        const c = recordingClient(withServer(before.sylink, { httpsPort: ports.https }));
        const e = await errorOf(c.client.heartbeat());
        expect(e.code).toBe('ERR_MANAGER_UNREACHABLE');
        expect(e.cause?.code).toBe('ERR_MANAGER_CERTIFICATE_UNTRUSTED');
        const cHttp = recordingClient(withServer(before.sylink, { httpPort: ports.http }));
        // The index names its signer: a certificate this sylink does not list (issue 13 point 5).
        expect((await errorOf(cHttp.client.heartbeat())).code).toBe('ERR_POLICY_UNTRUSTED_SIGNER');
        expect(c.changes).toEqual([]);
        expect(cHttp.changes).toEqual([]);
        expect(c.client.trustedCertificates().length).toBe(1);
        c.client.close();
        cHttp.client.close();
      } finally {
        a.client.close();
        aHttp.client.close();
      }
    },
  );

  // Builds on the certificate change of the test above (a keytool-made PKCS#12).
  it.runIf(HAS_JDK)(
    'refuses forged endorsements (stranger key, another certificate, another domain, wrong previous, garbage); a genuine one passes',
    async () => {
      // The manager now runs the new certificate without endorsements (dropped above); a handler
      // serves the list under test in front of the defaults.
      let served: Uint8Array = new Uint8Array();
      const handler: ManagerHandler = (req, res, next) => {
        if (req.url !== PATH_ENDORSEMENTS) return next();
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(Buffer.from(served));
      };
      await start(await loadSite(dir), newData, handler);
      const newCert = after.identity.certificate;
      const stranger = await testIdentity('stranger');
      const otherDomain = before.domainId === 'AB'.repeat(16) ? 'CD'.repeat(16) : 'AB'.repeat(16);
      const genuine = await createEndorsement(newCert, before.identity, before.domainId);
      // Signed by the old key, but claiming another certificate as the previous one.
      const wrongPrevious: SignedEndorsement = await (async () => {
        const doc = JSON.parse(new TextDecoder().decode(genuine.statement)) as Record<
          string,
          unknown
        >;
        doc.previousSha256 = '00'.repeat(32);
        const statement = new TextEncoder().encode(JSON.stringify(doc));
        const { signForPurpose } = await import('../../src/policy/purpose_sign.js');
        return {
          statement,
          signature: await signForPurpose('endorsement', statement, before.identity),
        };
      })();
      const forgeries: Record<string, Uint8Array> = {
        'stranger key': encodeEndorsements([
          await createEndorsement(newCert, stranger, before.domainId),
        ]),
        'another certificate': encodeEndorsements([
          await createEndorsement(stranger.certificate, before.identity, before.domainId),
        ]),
        'another domain': encodeEndorsements([
          await createEndorsement(newCert, before.identity, otherDomain),
        ]),
        'wrong previous': encodeEndorsements([wrongPrevious]),
        'signature of another statement': encodeEndorsements([
          { statement: genuine.statement, signature: wrongPrevious.signature },
        ]),
        garbage: randomBytes(300),
        'not base64': new TextEncoder().encode(
          '{"format":"sepm-crypto.endorsements","version":1,"endorsements":[{"statement":"%%","signature":"%%"}]}',
        ),
        'too many entries': encodeEndorsements(Array.from({ length: 17 }, () => genuine)),
        'too large': new TextEncoder().encode(' '.repeat(70 * 1024)),
      };
      for (const [what, body] of Object.entries(forgeries)) {
        served = body;
        const https = recordingClient(withServer(before.sylink, { httpsPort: ports.https }));
        const http = recordingClient(withServer(before.sylink, { httpPort: ports.http }));
        try {
          const e = await errorOf(https.client.heartbeat());
          expect(e.code, what).toBe('ERR_MANAGER_UNREACHABLE');
          expect(e.cause?.code, what).toBe('ERR_MANAGER_CERTIFICATE_UNTRUSTED');
          expect((await errorOf(http.client.heartbeat())).code, what).toBe(
            'ERR_POLICY_UNTRUSTED_SIGNER',
          );
          expect(https.changes, what).toEqual([]);
          expect(http.changes, what).toEqual([]);
          expect(https.client.trustedCertificates().length, what).toBe(1);
          expect(http.client.trustedCertificates().length, what).toBe(1);
        } finally {
          https.client.close();
          http.client.close();
        }
      }
      // Control: the same handler serving the genuine endorsement is accepted, so the refusals
      // above are the checks at work, not a broken path.
      served = encodeEndorsements([genuine]);
      const ok = recordingClient(withServer(before.sylink, { httpsPort: ports.https }));
      try {
        expect(same((await ok.client.heartbeat()).indexSigner, newCert)).toBe(true);
        expect(ok.changes.length).toBe(1);
      } finally {
        ok.client.close();
      }
      // Issue 14 point 1: the same genuine endorsement, judged by a client whose clock is past
      // its validity window (default 90 days), is refused: nothing adopted.
      const late = recordingClient(
        withServer(before.sylink, { httpsPort: ports.https }),
        () => Date.now() + 91 * 86_400_000,
      );
      try {
        const e = await errorOf(late.client.heartbeat());
        expect(e.cause?.code).toBe('ERR_MANAGER_CERTIFICATE_UNTRUSTED');
        expect(late.changes).toEqual([]);
      } finally {
        late.client.close();
      }
    },
  );
});

describe('endorsements on disk and across two changes', () => {
  it.runIf(HAS_JDK)(
    'loadSite names a forged endorsements.json; a client two changes behind follows the chain',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sepm-rotation2-'));
      let manager: Manager | undefined;
      try {
        await createSite(dir, { commonName: 'a.sepm.test' });
        const a = await loadSite(dir);
        await importCertificate(dir, await keytoolP12(join(dir, 'b.p12'), 'b.sepm.test'), {
          password: 'changeit',
        });
        const { site: c } = await importCertificate(
          dir,
          await keytoolP12(join(dir, 'c.p12'), 'c.sepm.test'),
          { password: 'changeit' },
        );
        // A endorsed B, B endorsed C; both kept while A and B are listed.
        expect(c.endorsements.length).toBe(2);
        expect(c.certificates.map((x) => x.subject)).toEqual([
          'CN=c.sepm.test',
          'CN=b.sepm.test',
          'CN=a.sepm.test',
        ]);
        manager = createManager({ site: c, ports: { client: 0, clientHttp: 0, ...ZERO } });
        const addr = await manager.listen();
        await manager.publishPolicy('P', randomBytes(100));
        const old = recordingClient(withServer(a.sylink, { httpsPort: addr.client.port }));
        try {
          expect(same((await old.client.heartbeat()).indexSigner, c.identity.certificate)).toBe(
            true,
          );
          expect(old.changes.map((x) => x.certificate.subject)).toEqual(['CN=c.sepm.test']);
        } finally {
          old.client.close();
        }

        // Re-importing the current certificate keeps both and adds none.
        const again = await importCertificate(dir, await readFile(join(dir, 'c.p12')), {
          password: 'changeit',
        });
        expect(again.site.endorsements.length).toBe(2);

        // Dropping only A keeps B's endorsement of C and removes A's of B.
        const droppedA = await dropCertificate(dir, a.identity.certificate);
        expect(droppedA.endorsements.length).toBe(1);

        // A forged file (stranger key) is a named problem, not silently served.
        const stranger = await testIdentity('stranger');
        await writeFile(
          join(dir, ENDORSEMENTS_FILE),
          encodeEndorsements([
            await createEndorsement(c.identity.certificate, stranger, c.domainId),
          ]),
        );
        const e = (await loadSite(dir).then(
          () => undefined,
          (x: unknown) => x,
        )) as { code: string; problems: string[] };
        expect(e.code).toBe('ERR_MANAGER_SITE_INVALID');
        expect(e.problems.join('\n')).toMatch(/endorsements\.json: entry 0/);
      } finally {
        await manager?.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('endorsement parsing under hostile input', () => {
  it('random bytes and mutated genuine lists never crash and never vouch without a trusted signer', async () => {
    const fc = await import('fast-check');
    const oldId = await testIdentity('old');
    const newId = await testIdentity('new');
    const stranger = await testIdentity('s');
    const domain = 'AB'.repeat(16);
    const genuine = encodeEndorsements([await createEndorsement(newId.certificate, oldId, domain)]);
    // Sanity: the unmutated list vouches for the new certificate.
    const ok = await endorsedCertificates(parseEndorsements(genuine), [oldId.certificate], domain);
    expect(ok.map((v) => v.certificate.subject)).toEqual([newId.certificate.subject]);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.tuple(fc.nat(genuine.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
            const m = genuine.slice();
            m[i] = m[i]! ^ x;
            return m;
          }),
        ),
        async (body) => {
          let list;
          try {
            list = parseEndorsements(body);
          } catch (e) {
            expect(isSepmError(e)).toBe(true);
            return;
          }
          // Parsed: a stranger trust list never gains anything from it.
          expect(await endorsedCertificates(list, [stranger.certificate], domain)).toEqual([]);
          // With the real signer, a surviving entry can only be the genuine statement.
          for (const v of await endorsedCertificates(list, [oldId.certificate], domain)) {
            expect(v.certificate.equal(newId.certificate)).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
