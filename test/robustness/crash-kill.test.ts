// Crash safety with a real kill: a child process imports two identities into a site in turn,
// without pause, and is killed with SIGKILL at a random moment, several times over. After each
// kill, loadSite must load the site whole (it checks that keystore.jks, server.key, server.crt,
// sylink.xml and site.json agree) with one of the two identities. The fault-injection test
// (crash-safety.test.ts) covers every step deterministically; this one covers the real thing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServerIdentity } from '../../src/cert/index.js';
import type { ServerIdentity } from '../../src/cert/types.js';
import { keystoreFromIdentity, writePkcs12 } from '../../src/keystore/index.js';
import { createSite, loadSite } from '../../src/node/site/site.js';

const KILLS = 6;

describe('crash safety under SIGKILL during importCertificate', () => {
  let dir: string;
  let a: ServerIdentity;
  let b: ServerIdentity;
  const paths: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sepm-kill-'));
    [a, b] = await Promise.all([
      generateServerIdentity({ commonName: 'a.test', subjectAltNames: ['127.0.0.1'] }),
      generateServerIdentity({ commonName: 'b.test', subjectAltNames: ['127.0.0.1'] }),
    ]);
    await createSite(join(dir, 'site'), { identity: a });
    for (const [name, id] of [
      ['a.p12', a],
      ['b.p12', b],
    ] as const) {
      const p = join(dir, name);
      await writeFile(
        p,
        writePkcs12(await keystoreFromIdentity(id, { alias: name }), 'pw', { iterations: 1000 }),
      );
      paths.push(p);
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`leaves a whole site after each of ${KILLS} kills at random moments`, async () => {
    const site = join(dir, 'site');
    const seen = new Set<string>();
    let imports = 0;
    for (let k = 0; k < KILLS; k++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'kill-child.ts'), site, paths[1]!, paths[0]!],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      let exitCode: number | null | undefined;
      const exited = new Promise<void>((r) =>
        child.once('exit', (code) => {
          exitCode = code;
          r();
        }),
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('ready')) resolve();
        });
        void exited.then(() => reject(new Error(`child exited early (${exitCode}): ${out}`)));
      });
      // Let it run a few imports, then kill it wherever it is.
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 700)));
      // It must still be running (an import error would have ended it): then kill it.
      expect(exitCode, out).toBeUndefined();
      child.kill('SIGKILL');
      await exited;
      imports += (out.match(/imported/g) ?? []).length;
      const loaded = await loadSite(site);
      const cn = loaded.identity.certificate.subject;
      expect(['CN=a.test', 'CN=b.test']).toContain(cn);
      seen.add(cn);
    }
    // The child really was importing when killed (several imports per run on average).
    expect(imports).toBeGreaterThan(KILLS);
  }, 120_000);
});
