/**
 * Global setup of the packaging suite: builds, packs and installs the tarball once into a fresh
 * consumer project, for every packaging test file to use (`inject('consumer')`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The consumer project that installed the tarball. */
    consumer: string;
    /** The packed tarball's path. */
    tarball: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export default function setup(project: TestProject): () => void {
  const work = mkdtempSync(join(tmpdir(), 'sepm-pack-'));
  run('npm', ['run', 'build', '--silent'], root);
  const out = run('npm', ['pack', '--json', '--pack-destination', work], root);
  const tarball = join(work, (JSON.parse(out) as { filename: string }[])[0]!.filename);
  const consumer = join(work, 'consumer');
  execFileSync('mkdir', [consumer]);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], consumer);
  project.provide('consumer', consumer);
  project.provide('tarball', tarball);
  return () => rmSync(work, { recursive: true, force: true });
}
