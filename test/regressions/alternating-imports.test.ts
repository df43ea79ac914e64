// Regression (found by test/robustness/crash-kill.test.ts against the certificate-endorsement
// work in progress): importing two certificates in turn kept every earlier endorsement whose
// certificates were still listed, so the list grew by one per import; the 17th import wrote an
// endorsements.json longer than MAX_ENDORSEMENTS (16), which loadSite then refused ("bad list"),
// leaving a committed site that no longer loads. A site must stay loadable however many
// times its certificate changes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServerIdentity } from '../../src/cert/index.js';
import { keystoreFromIdentity, writePkcs12 } from '../../src/keystore/index.js';
import { createSite, loadSite } from '../../src/node/site/site.js';
import { importCertificate } from '../../src/node/site/import.js';

describe('a site whose certificate changes back and forth', () => {
  let dir: string;
  const materials: Uint8Array[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sepm-alternate-'));
    const [a, b] = await Promise.all([
      generateServerIdentity({ commonName: 'a.test', subjectAltNames: ['127.0.0.1'] }),
      generateServerIdentity({ commonName: 'b.test', subjectAltNames: ['127.0.0.1'] }),
    ]);
    await createSite(join(dir, 'site'), { identity: a });
    for (const id of [b, a]) {
      const ks = await keystoreFromIdentity(id, { alias: 'x' });
      materials.push(writePkcs12(ks, 'pw', { iterations: 1000 }));
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stays loadable after 24 imports alternating between two certificates', async () => {
    const site = join(dir, 'site');
    for (let i = 0; i < 24; i++) {
      const { site: s } = await importCertificate(site, materials[i % 2]!, { password: 'pw' });
      expect(s.identity.certificate.subject).toBe(i % 2 === 0 ? 'CN=b.test' : 'CN=a.test');
      const loaded = await loadSite(site);
      expect(loaded.identity.certificate.equal(s.identity.certificate)).toBe(true);
      // The sylink lists the two certificates, never more.
      expect(loaded.certificates.length).toBe(2);
    }
  }, 120_000);
});
