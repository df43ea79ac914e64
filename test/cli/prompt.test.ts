// The password prompt on a real terminal: `script` gives the CLI a pseudo-terminal, so that
// stdin/stderr are TTYs as for a user at a shell. `-E always` keeps the terminal's ECHO on
// until the CLI turns it off, so the no-echo check tests the CLI's raw mode, not script's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './run.js';
import { makeFixture, type Fixture } from './fixtures.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(() => fx.cleanup());

const TSX = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;

/** Runs the CLI under `script`, typing `typed` once the prompt shows. */
function onTerminal(args: string[], typed: string): Promise<{ code: number | null; out: string }> {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, '--import', TSX, join(ROOT, 'src/node/cli/bin.ts'), ...args]
    .map(quote)
    .join(' ');
  const child = spawn('script', ['-q', '-E', 'always', '-e', '-c', command, '/dev/null'], {
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), TERM: 'dumb' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    // Type only once the prompt is shown: raw mode (no echo) is on by then.
    if (!sent && /password: $/.test(out)) {
      sent = true;
      child.stdin.write(typed);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('cli password prompt (pseudo-terminal)', () => {
  it('asks on the terminal without echo, then works; progress shows on the terminal', async () => {
    const r = await onTerminal(
      ['keystore', 'list', join(fx.siteDir, 'keystore.jks')],
      fx.keystorePassword + '\r',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('Keystore password: ');
    expect(r.out).toContain('Keystore type: JKS');
    expect(r.out).toMatch(/Reading keystore: \d+ ms/);
    expect(r.out).not.toContain(fx.keystorePassword);
  });

  it('Ctrl-C at the prompt exits 130', async () => {
    const r = await onTerminal(['keystore', 'list', join(fx.siteDir, 'keystore.jks')], '\u0003');
    expect(r.code).toBe(130);
    expect(r.out).toContain('password prompt aborted');
  });
});
