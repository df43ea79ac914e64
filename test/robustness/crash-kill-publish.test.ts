// Crash safety of the manager state (issue 13 point 4) under a real kill: a child process
// publishes one policy in a loop and is killed with SIGKILL at a random moment, several times.
// After each kill the saved state loads whole, holds the last publication the child reported
// (or the next one, saved before the report), and a new manager serves it and continues its
// serial.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSite, loadSite } from '../../src/node/site/site.js';
import { createManager, fileStore } from '../../src/node/manager/index.js';
import { openPolicy } from '../../src/policy/index.js';
import { NO_PORTS } from '../helpers/ports.js';

const KILLS = 4;

describe('crash safety under SIGKILL during publishPolicy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sepm-kill-pub-'));
    await createSite(join(dir, 'site'), { commonName: 'kill-publish.test' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`leaves the old or the new state whole after each of ${KILLS} kills`, async () => {
    const siteDir = join(dir, 'site');
    let lastSerial = 0;
    for (let k = 0; k < KILLS; k++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'publish-child.ts'), siteDir],
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
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 700)));
      expect(exitCode, out).toBeUndefined();
      child.kill('SIGKILL');
      await exited;
      const reported = [...out.matchAll(/published (\d+)/g)].map((m) => Number(m[1]));
      const last = reported.at(-1) ?? lastSerial;
      const state = await fileStore(join(siteDir, 'manager-state')).load();
      const p = state!.policies.find((x) => x.name === 'Crash test')!;
      // Saved before publishPolicy resolved: at least the last reported serial, at most one more.
      expect(p.serial === last || p.serial === last + 1, `${p.serial} vs ${last}`).toBe(true);
      const site = await loadSite(siteDir);
      const opened = await openPolicy(p.sealed, site.kcs, [site.identity.certificate]);
      expect(new TextDecoder().decode(opened.data)).toMatch(/^body \d+$/);
      lastSerial = p.serial;
    }
    // A new manager continues the serial.
    const site = await loadSite(siteDir);
    const m = createManager({
      site,
      ports: NO_PORTS,
    });
    await m.listen();
    expect((await m.publishPolicy('Crash test', new Uint8Array([1]))).serial).toBe(lastSerial + 1);
    await m.close();
    expect(lastSerial).toBeGreaterThan(KILLS);
  }, 180_000);
});
