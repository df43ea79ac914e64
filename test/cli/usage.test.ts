import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { run, VERSION } from '../../src/node/cli/main.js';
import { COMMANDS } from '../../src/node/cli/commands/index.js';
import type { Io } from '../../src/node/cli/io.js';
import { cli, ROOT } from './run.js';

// In-process runs for the many cheap checks (help of every command); spawned runs below prove
// the same through a real process and its exit status.
async function inProcess(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: Io = { stdin, stdout, stderr, env: {} };
  const code = await run(argv, io);
  return { code, out, err };
}

describe('cli usage', () => {
  it('has the commands of DESIGN.md', () => {
    expect(COMMANDS.map((c) => c.spec.name)).toEqual([
      'init',
      'serve',
      'demo',
      'sign',
      'verify',
      'seal',
      'open',
      'encrypt',
      'decrypt',
      'keystore list',
      'keystore convert',
      'sylink show',
      'sylink build',
      'cert show',
    ]);
  });

  it('prints help for every command, listing every option, exit 0', async () => {
    for (const c of COMMANDS) {
      const r = await inProcess([...c.spec.name.split(' '), '--help']);
      expect(r.code, c.spec.name).toBe(0);
      expect(r.out).toContain(`Usage: sepm-crypto ${c.spec.name}`);
      for (const name of Object.keys(c.spec.options)) expect(r.out).toContain(`--${name}`);
      expect(r.out).toContain('--json');
    }
  });

  it('lists every command in the main help', async () => {
    const r = await inProcess(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toContain(c.spec.name);
  });

  it('exits 2 on usage errors, naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage: sepm-crypto <command>/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['keystore', 'frobnicate'], /unknown command 'keystore frobnicate'/],
      [['sign', '--bogus'], /Unknown option '--bogus'/],
      [['verify', 'x'], /--signature is required/],
      [['sign', 'a', 'b'], /unexpected argument "b"/],
      [['sign', '--format', 'pgp', '--site', 'x'], /--format expected one of raw, cms/],
      [['serve', 'dir', '--client-port', '70000'], /--client-port expected an integer/],
      [['keystore', 'convert', 'in.jks', '-o', 'out.bin'], /give --to/],
      [['sylink', 'build'], /at least one --server/],
      [['encrypt', 'f'], /name the site key/],
    ];
    for (const [argv, message] of cases) {
      const r = await inProcess(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out + r.err).toMatch(message);
    }
  });

  it('--version matches package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect((await inProcess(['--version'])).out.trim()).toBe(pkg.version);
  });

  it('as a process: help exits 0, usage errors exit 2 with a hint on stderr', async () => {
    const help = await cli(['verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: sepm-crypto verify');
    const bad = await cli(['verify', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.stderr).toMatch(/Unknown option '--nope'[\s\S]*Try 'sepm-crypto verify --help'/);
    const json = await cli(['open', '--json']);
    expect(json.code).toBe(2);
    const doc = JSON.parse(json.stderr) as { error: { code: string; exitCode: number } };
    expect(doc.error).toMatchObject({ code: 'ERR_USAGE', exitCode: 2 });
  });
});
