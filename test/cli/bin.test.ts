// The installed command: bin/sepm-crypto.js loads the built CLI (dist/cli.js). Built here into a
// temporary copy of the package layout, so the test never touches the working tree's dist/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './run.js';

const run = promisify(execFile);
let pkg: string;

beforeAll(async () => {
  pkg = await mkdtemp(join(tmpdir(), 'sepm-cli-bin-'));
  await run(
    join(ROOT, 'node_modules/.bin/tsup'),
    ['--out-dir', join(pkg, 'dist'), '--no-dts', '--silent'],
    {
      cwd: ROOT,
    },
  );
  await mkdir(join(pkg, 'bin'));
  await copyFile(join(ROOT, 'bin/sepm-crypto.js'), join(pkg, 'bin/sepm-crypto.js'));
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  await writeFile(join(pkg, 'package.json'), JSON.stringify(manifest));
  await symlink(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
});
afterAll(() => rm(pkg, { recursive: true, force: true }));

describe('bin/sepm-crypto.js', () => {
  it('is the package bin and runs the built CLI', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      version: string;
    };
    expect(manifest.bin['sepm-crypto']).toBe('./bin/sepm-crypto.js');
    const bin = join(pkg, manifest.bin['sepm-crypto']!);
    expect((await readFile(bin, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    const version = await run(process.execPath, [bin, '--version']);
    expect(version.stdout.trim()).toBe(manifest.version);
    const help = await run(process.execPath, [bin, 'keystore', 'list', '--help']);
    expect(help.stdout).toContain('Usage: sepm-crypto keystore list');
    // A usage error still exits 2 through the launcher.
    const bad = await run(process.execPath, [bin, 'nope']).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    expect(bad).toBe(2);
  });

  it('without a build, says to build instead of a stack trace (exit 1)', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'sepm-cli-bare-'));
    try {
      await mkdir(join(bare, 'bin'));
      await copyFile(join(ROOT, 'bin/sepm-crypto.js'), join(bare, 'bin/sepm-crypto.js'));
      await writeFile(join(bare, 'package.json'), '{"type":"module"}');
      const r = await run(process.execPath, [join(bare, 'bin/sepm-crypto.js'), '--version']).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('the CLI is not built: run `npm run build`');
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });
});
