// The site folder is private (SECURITY.md "Local users"): a site another local user owns or may
// write is refused with the path and the fix; createSite makes an existing directory 0700; the
// scrypt cost read from site.json is capped at 256 MiB per hash.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSepmError } from '../../src/errors.js';
import {
  createSite,
  encodeEndorsements,
  ENDORSEMENTS_FILE,
  loadSite,
  SITE_FILES,
} from '../../src/node/index.js';

const posix = process.getuid !== undefined;
const root = process.getuid?.() === 0;

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(isSepmError(e), String(e)).toBe(true);
  return e as { code: string; message: string };
}

describe.runIf(posix)('the site folder is private', () => {
  let base: string;
  let site: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'sepm-private-'));
    site = join(base, 'site');
    await createSite(site, { commonName: 'private.test' });
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('refuses a site directory group or others can write, naming it and the fix', async () => {
    await chmod(site, 0o770);
    try {
      const e = await refusal(loadSite(site));
      expect(e.code).toBe('ERR_MANAGER_SITE_INVALID');
      expect(e.message).toContain(`${site} is writable by group or others`);
      expect(e.message).toContain(`chmod 700 ${site}`);
    } finally {
      await chmod(site, 0o700);
    }
    await chmod(site, 0o702);
    try {
      expect((await refusal(loadSite(site))).message).toContain('mode 0702');
    } finally {
      await chmod(site, 0o700);
    }
    expect((await loadSite(site)).domainId).toMatch(/^[0-9A-F]{32}$/);
  });

  it('refuses a site file group or others can write', async () => {
    // endorsements.json too (read by its own loader): an empty list, which a site may hold.
    await writeFile(join(site, ENDORSEMENTS_FILE), encodeEndorsements([]), { mode: 0o600 });
    expect((await loadSite(site)).endorsements).toEqual([]);
    for (const f of [SITE_FILES.site, SITE_FILES.keystore, SITE_FILES.sylink, ENDORSEMENTS_FILE]) {
      const path = join(site, f);
      const mode = (await stat(path)).mode & 0o777;
      await chmod(path, 0o666);
      try {
        const e = await refusal(loadSite(site));
        expect(e.message).toContain(`${path} is writable by group or others (mode 0666)`);
        expect(e.message).toContain(`chmod go-w ${path}`);
      } finally {
        await chmod(path, mode);
      }
    }
  });

  it.runIf(root)('refuses a site directory or file another user owns', async () => {
    await chown(site, 65534, 65534);
    try {
      const e = await refusal(loadSite(site));
      expect(e.message).toContain(`${site} is owned by uid 65534`);
      expect(e.message).toContain(`chown -R 0 ${site}`);
      // createSite does not adopt a directory another user owns either.
      const e2 = await refusal(createSite(site, { overwrite: true }));
      expect(e2.message).toContain(`${site} is owned by uid 65534`);
    } finally {
      await chown(site, 0, 0);
    }
    const path = join(site, SITE_FILES.privateKey);
    await chown(path, 65534, 65534);
    try {
      expect((await refusal(loadSite(site))).message).toContain(`${path} is owned by uid 65534`);
    } finally {
      await chown(path, 0, 0);
    }
  });

  it('createSite makes an existing directory it uses 0700', async () => {
    const dir = join(base, 'existing');
    await mkdir(dir, { mode: 0o777 });
    await chmod(dir, 0o777);
    await createSite(dir, { commonName: 'existing.test' });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await loadSite(dir)).domainId).toMatch(/^[0-9A-F]{32}$/);
  });

  it('caps the scrypt memory of site.json at 256 MiB per hash', async () => {
    const path = join(site, SITE_FILES.site);
    const original = await readFile(path, 'utf8');
    const write = async (scrypt: object) => {
      const doc = JSON.parse(original);
      doc.admin.scrypt = { ...doc.admin.scrypt, ...scrypt };
      await writeFile(path, JSON.stringify(doc), { mode: 0o600 });
    };
    try {
      // 128 * N * r bytes (RFC 7914 §2): 2^20 * 8 * 128 = 1 GiB, refused before any hash runs.
      await write({ N: 1 << 20, r: 8 });
      expect((await refusal(loadSite(site))).message).toContain('bad admin credential');
      // 2^18 * 8 * 128 = 256 MiB: the cap itself is allowed.
      await write({ N: 1 << 18, r: 8 });
      expect((await loadSite(site)).domainId).toMatch(/^[0-9A-F]{32}$/);
      await write({ N: 1 << 15, r: 8, p: 64 });
      expect((await refusal(loadSite(site))).message).toContain('bad admin credential');
    } finally {
      await writeFile(path, original, { mode: 0o600 });
    }
  });
});
