// A site made once per test file with the library (faster than spawning `init`), plus a few
// files derived from it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSite, type Site } from '../../src/node/site/site.js';

export interface Fixture {
  readonly dir: string;
  readonly site: Site;
  readonly siteDir: string;
  /** Password of site/keystore.jks (from site.json). */
  readonly keystorePassword: string;
  /** A file holding the keystore password (first line). */
  readonly passwordFile: string;
  /** A file holding the Kcs (32 hex). */
  readonly kcsFile: string;
  readonly cleanup: () => Promise<void>;
}

export async function makeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'sepm-cli-test-'));
  const siteDir = join(dir, 'site');
  const { site } = await createSite(siteDir, { commonName: 'cli-test', address: '127.0.0.1' });
  const config = JSON.parse(await readFile(join(siteDir, 'site.json'), 'utf8')) as {
    keystore: { password: string };
  };
  const passwordFile = join(dir, 'password.txt');
  await writeFile(passwordFile, config.keystore.password + '\n', { mode: 0o600 });
  const kcsFile = join(dir, 'kcs.txt');
  await writeFile(kcsFile, site.kcs.toHex() + '\n', { mode: 0o600 });
  return {
    dir,
    site,
    siteDir,
    keystorePassword: config.keystore.password,
    passwordFile,
    kcsFile,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
