import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Kcs } from '../../src/kcs.js';
import { isSepmError } from '../../src/errors.js';
import { createManager, type Manager, type ManagerSite } from '../../src/node/manager/index.js';
import { createClient } from '../../src/node/client/client.js';
import { PATH_INDEX } from '../../src/protocol/index.js';
import { testIdentity } from './helpers.js';

const ALL_ZERO = { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 };

describe('manager -> client round trip', () => {
  let site: ManagerSite;
  let manager: Manager;
  beforeAll(async () => {
    site = { identity: await testIdentity(), kcs: Kcs.generate(), domainId: 'EF'.repeat(16) };
    manager = createManager({ site, ports: ALL_ZERO });
    await manager.listen();
  });
  afterAll(() => manager.close());

  for (const protocol of ['https', 'http'] as const) {
    it(`over ${protocol}`, async () => {
      const client = createClient({ sylink: manager.sylink({ protocol }), connectTimeoutMs: 2000 });
      try {
        const hello = await client.hello();
        expect(hello.protocol).toBe(protocol);
        const reg = await client.register();
        expect(reg.clientId).toMatch(/^[0-9A-F]{32}$/);
        expect(manager.clients.has(reg.clientId)).toBe(true);
        const a = randomBytes(70000);
        await manager.publishPolicy(`A-${protocol}`, a);
        const hb1 = await client.heartbeat();
        const mine = hb1.policies.find((p) => p.name === `A-${protocol}`)!;
        expect(Buffer.from(mine.data).equals(a)).toBe(true);
        expect(mine.changed).toBe(true);
        expect(mine.serial).toBe(1);
        expect(
          Buffer.from(mine.signer.rawData).equals(Buffer.from(site.identity.certificate.rawData)),
        ).toBe(true);
        const hb2 = await client.heartbeat();
        expect(hb2.updated).toEqual([]);
        expect(hb2.indexSerial).toBeGreaterThanOrEqual(hb1.indexSerial);
        const b = randomBytes(100);
        await manager.publishPolicy(`A-${protocol}`, b);
        const hb3 = await client.heartbeat();
        expect(hb3.updated.map((p) => [p.name, p.serial])).toEqual([[`A-${protocol}`, 2]]);
        expect(Buffer.from(hb3.updated[0]!.data).equals(b)).toBe(true);
        await manager.unpublishPolicy(`A-${protocol}`);
        const hb4 = await client.heartbeat();
        expect(hb4.removed).toEqual([`A-${protocol}`]);
      } finally {
        client.close();
      }
    });
  }

  it('refuses a manager whose certificate is not in the sylink', async () => {
    const other = createManager({
      site: { ...site, identity: await testIdentity() },
      ports: ALL_ZERO,
    });
    await other.listen();
    try {
      const client = createClient({
        sylink: { ...other.sylink(), certificates: manager.sylink().certificates },
      });
      const err = await client.heartbeat().then(
        () => undefined,
        (e: unknown) => e,
      );
      client.close();
      expect(isSepmError(err)).toBe(true);
      expect((err as { code: string }).code).toBe('ERR_MANAGER_UNREACHABLE');
      expect(((err as Error).cause as { code: string }).code).toBe(
        'ERR_MANAGER_CERTIFICATE_UNTRUSTED',
      );
    } finally {
      await other.close();
    }
  });

  it('verifies a CMS-signed index', async () => {
    const cms = createManager({ site, ports: ALL_ZERO, indexSignature: 'cms' });
    await cms.listen();
    const client = createClient({ sylink: cms.sylink() });
    try {
      await cms.publishPolicy('C', randomBytes(10));
      const raw = await (
        await fetch(`http://127.0.0.1:${cms.addresses.clientHttp!.port}${PATH_INDEX}`)
      ).json();
      expect(raw.signatureFormat).toBe('cms');
      const hb = await client.heartbeat();
      expect(hb.policies.map((p) => p.name)).toEqual(['C']);
      expect(hb.indexSigner.equal(site.identity.certificate)).toBe(true);
    } finally {
      client.close();
      await cms.close();
    }
  });

  it('refuses a replayed older index (rollback) and a registration for another domain', async () => {
    let replay: Buffer | undefined;
    const m = createManager({
      site,
      ports: ALL_ZERO,
      handlers: {
        client: (req, res, next) => {
          if (req.url === PATH_INDEX && replay !== undefined) return void res.end(replay);
          next();
        },
      },
    });
    const a = await m.listen();
    const client = createClient({ sylink: m.sylink() });
    try {
      await m.publishPolicy('R', randomBytes(10));
      const old = Buffer.from(
        await (await fetch(`http://127.0.0.1:${a.clientHttp.port}${PATH_INDEX}`)).arrayBuffer(),
      );
      await m.publishPolicy('R', randomBytes(10));
      expect((await client.heartbeat()).policies[0]!.serial).toBe(2);
      replay = old;
      const err = await client.heartbeat().then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(err?.code).toBe('ERR_MANAGER_ROLLBACK');
      expect(err?.message).toMatch(/rollback/);
      const other = createClient({ sylink: { ...m.sylink(), domainId: '0'.repeat(32) } });
      const rej = await other.register().then(
        () => undefined,
        (e: unknown) => e as { code: string },
      );
      other.close();
      expect(rej?.code).toBe('ERR_MANAGER_REQUEST_REJECTED');
    } finally {
      client.close();
      await m.close();
    }
  });
});
