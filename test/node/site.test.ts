import { describe, it, expect } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServerIdentity } from '../../src/cert/index.js';
import { keystoreFromIdentity, writePem } from '../../src/keystore/index.js';
import { buildSylink, parseSylink } from '../../src/sylink/index.js';
import { Kcs } from '../../src/kcs.js';
import { isSepmError } from '../../src/errors.js';
import { createSite, loadSite, SITE_FILES } from '../../src/node/site/site.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'sepm-site-'));
}

async function rejection(
  p: Promise<unknown>,
): Promise<{ code: string; problems: string[]; message: string }> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(isSepmError(e)).toBe(true);
  return e as { code: string; problems: string[]; message: string };
}

describe('createSite / loadSite', () => {
  it('writes the five files (secrets 0600), returns the admin password once, loads back', async () => {
    const dir = await tempDir();
    try {
      const { site, adminPassword } = await createSite(dir, { commonName: 'sepm.test' });
      expect(site.domainId).toMatch(/^[0-9A-F]{32}$/);
      expect(adminPassword.length).toBeGreaterThanOrEqual(20);
      for (const f of [
        SITE_FILES.keystore,
        SITE_FILES.privateKey,
        SITE_FILES.site,
        SITE_FILES.sylink,
      ]) {
        expect((await stat(join(dir, f))).mode & 0o777, f).toBe(0o600);
      }
      expect((await stat(join(dir, SITE_FILES.certificate))).mode & 0o777).toBe(0o644);
      // The password is stored only as a scrypt hash.
      const json = await readFile(join(dir, SITE_FILES.site), 'utf8');
      expect(json).not.toContain(adminPassword);
      expect(JSON.parse(json).admin.scrypt.N).toBe(32768);
      expect(await site.verifyAdminPassword(adminPassword)).toBe(true);
      expect(await site.verifyAdminPassword(adminPassword + 'x')).toBe(false);

      const loaded = await loadSite(dir);
      expect(loaded.domainId).toBe(site.domainId);
      expect(loaded.kcs.equals(site.kcs)).toBe(true);
      expect(loaded.identity.certificate.equal(site.identity.certificate)).toBe(true);
      expect(loaded.certificates.length).toBe(1);
      expect(await loaded.verifyAdminPassword(adminPassword)).toBe(true);
      const sylinkXml = await readFile(join(dir, SITE_FILES.sylink), 'utf8');
      expect(sylinkXml).toContain(`Kcs="${site.kcs.toHex()}"`);
      expect(sylinkXml).toContain(`DomainId="${site.domainId}"`);
      const crt = await readFile(join(dir, SITE_FILES.certificate), 'utf8');
      expect(crt.startsWith('-----BEGIN CERTIFICATE-----')).toBe(true);
      expect(await readFile(join(dir, SITE_FILES.privateKey), 'utf8')).toMatch(
        /^-----BEGIN PRIVATE KEY-----/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to overwrite a site unless asked', async () => {
    const dir = await tempDir();
    try {
      const { site } = await createSite(dir);
      const err = await rejection(createSite(dir));
      expect(err.code).toBe('ERR_MANAGER_SITE_EXISTS');
      expect(err.problems).toContain('site.json exists');
      expect((await loadSite(dir)).domainId).toBe(site.domainId);
      const again = await createSite(dir, { overwrite: true });
      expect(again.site.domainId).not.toBe(site.domainId);
      expect((await loadSite(dir)).domainId).toBe(again.site.domainId);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names each mismatch between the pieces', async () => {
    const dir = await tempDir();
    try {
      const { site } = await createSite(dir);
      // A foreign key in server.key, a foreign Kcs and domain in sylink.xml.
      const other = await generateServerIdentity({ commonName: 'intruder' });
      const ks = await keystoreFromIdentity(other, { alias: 'x' });
      const entry = ks.entries[0]!;
      await writeFile(
        join(dir, SITE_FILES.privateKey),
        writePem({ format: 'pem', entries: [{ ...entry, chain: [] } as typeof entry] }),
      );
      const sylink = parseSylink(await readFile(join(dir, SITE_FILES.sylink)));
      await writeFile(
        join(dir, SITE_FILES.sylink),
        buildSylink({
          ...sylink,
          kcs: Kcs.generate(),
          domainId: '0'.repeat(32),
          certificates: [{ name: 'x', certificate: other.certificate }],
        }),
      );
      const err = await rejection(loadSite(dir));
      expect(err.code).toBe('ERR_MANAGER_SITE_INVALID');
      expect(err.problems).toEqual(
        expect.arrayContaining([
          'server.key does not match server.crt (different public keys)',
          'keystore.jks and server.key hold different private keys',
          'the Kcs in sylink.xml is not the site Kcs (site.json)',
          'the DomainId in sylink.xml is not the site domain id (site.json)',
          'sylink.xml does not list the current server certificate',
        ]),
      );
      expect(err.problems.length).toBe(5);
      expect(err.message).not.toContain(site.kcs.toHex());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names missing and corrupt files', async () => {
    const dir = await tempDir();
    try {
      await createSite(dir);
      await rm(join(dir, SITE_FILES.certificate));
      const jks = await readFile(join(dir, SITE_FILES.keystore));
      jks[jks.length - 5] ^= 1;
      await writeFile(join(dir, SITE_FILES.keystore), jks);
      const err = await rejection(loadSite(dir));
      expect(err.problems.some((p) => p.startsWith('server.crt cannot be read: ENOENT'))).toBe(
        true,
      );
      expect(err.problems.some((p) => p.startsWith('keystore.jks: ERR_KEYSTORE_INTEGRITY'))).toBe(
        true,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
