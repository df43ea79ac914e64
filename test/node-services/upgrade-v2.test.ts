// What an upgrade to protocol version 2 (issue 14 point 1) does to an existing site: the sealed
// policies a manager kept in version 1 (signature over the bare bytes, which version 2 clients
// refuse) are sealed again once at its first start, under the next serial so that clients'
// high-water marks take them; version 1 endorsements (signed bare, refused by clients, and not
// re-signable since the old key is gone) are left out by loadSite instead of failing the site.
import { describe, it, expect, afterAll } from 'vitest';
import { KeyObject, constants, createHash, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerIdentity } from '../../src/cert/types.js';
import { createManager, type Manager } from '../../src/node/manager/index.js';
import { memoryStore, type ManagerState } from '../../src/node/manager/state/store.js';
import { createClient } from '../../src/node/client/client.js';
import { importCertificate } from '../../src/node/site/import.js';
import { loadSite } from '../../src/node/site/site.js';
import { sealPolicy } from '../../src/policy/index.js';
import { ENDORSEMENTS_FILE, encodeEndorsements } from '../../src/protocol/index.js';
import { generateServerIdentity } from '../../src/cert/index.js';
import { privateKeyPem } from '../cert/helpers.js';
import { makeSite, type TestSite } from './helpers.js';

/** What version 1 made: the same container with version 01, signed over the bare bytes. */
async function sealV1(data: Uint8Array, identity: ServerIdentity, kcs: TestSite['site']['kcs']) {
  const v2 = await sealPolicy(data, identity, kcs);
  const body = Buffer.from(v2.subarray(0, v2.length - 256));
  body[4] = 1;
  const sig = sign('sha256', body, {
    key: KeyObject.from(identity.privateKey),
    padding: constants.RSA_PKCS1_PADDING,
  });
  return new Uint8Array(Buffer.concat([body, sig]));
}

const sites: TestSite[] = [];
const managers: Manager[] = [];
afterAll(async () => {
  for (const m of managers) await m.close();
  for (const s of sites) await s.cleanup();
});

describe('upgrading a site to protocol version 2', () => {
  it('re-seals once the version 1 policies a manager kept, under the next serial', async () => {
    const a = await makeSite('manager-a.test');
    sites.push(a);
    const data = new TextEncoder().encode('<Policy name="kept from version 1"/>');
    const store = memoryStore();
    const kept: ManagerState = {
      indexSerial: 5,
      policies: [
        {
          name: 'Firewall',
          serial: 3,
          sealed: await sealV1(data, a.site.identity, a.site.kcs),
          policytype: 'generic',
          desc: '',
          enabled: true,
          lastmodifiedtime: 0,
        },
      ],
      clients: [],
      totals: { registrations: 0, heartbeats: 0, downloads: 0 },
    };
    await store.save(kept);
    const m = createManager({
      site: a.site,
      store,
      ports: { client: 0, clientHttp: 0, manager: false, reporting: false, webServices: false },
    });
    managers.push(m);
    await m.listen();
    const client = createClient({ sylink: m.sylink({ protocol: 'http' }) });
    try {
      const hb = await client.heartbeat();
      expect(hb.policies.map((p) => [p.name, p.serial])).toEqual([['Firewall', 4]]);
      expect(new TextDecoder().decode(hb.policies[0]!.data)).toBe(
        '<Policy name="kept from version 1"/>',
      );
    } finally {
      client.close();
    }
    // Saved at once in version 2: a restart does not upgrade (nor bump the serial) again.
    const saved = await store.load();
    expect(saved!.policies[0]!.serial).toBe(4);
    expect(saved!.policies[0]!.sealed[4]).toBe(2);
  });

  it('loadSite leaves out version 1 endorsements instead of refusing the site', async () => {
    const s = await makeSite('manager-e.test');
    sites.push(s);
    const before = s.site;
    const next = await generateServerIdentity({ commonName: 'manager-e.test' });
    const pem = (await privateKeyPem(next)) + next.certificate.toString('pem');
    await importCertificate(s.dir, new TextEncoder().encode(pem));
    const after = await loadSite(s.dir);
    expect(after.endorsements).toHaveLength(1);
    // The endorsement version 1 would have made: a bare raw signature over a version 1 statement.
    const statement = Buffer.from(
      JSON.stringify({
        format: 'sepm-crypto.endorsement',
        version: 1,
        domainId: before.domainId,
        certificate: Buffer.from(next.certificate.rawData).toString('base64'),
        previousSha256: createHash('sha256')
          .update(Buffer.from(before.identity.certificate.rawData))
          .digest('hex'),
        issuedAt: new Date().toISOString(),
      }),
    );
    const signature = sign('sha256', statement, {
      key: KeyObject.from(before.identity.privateKey),
      padding: constants.RSA_PKCS1_PADDING,
    });
    await writeFile(
      join(s.dir, ENDORSEMENTS_FILE),
      encodeEndorsements([
        { statement: new Uint8Array(statement), signature: new Uint8Array(signature) },
        ...after.endorsements,
      ]),
    );
    const reloaded = await loadSite(s.dir);
    expect(reloaded.endorsements).toEqual(after.endorsements);
  });
});
