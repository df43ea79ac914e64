// Spawns the CLI from source (tsx), as a user would run it, and collects its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;
const BIN = join(ROOT, 'src/node/cli/bin.ts');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** stdout as UTF-8. */
  readonly out: string;
}

export interface CliOptions {
  readonly input?: Uint8Array | string;
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

/** The child process of one CLI run (stdin closed unless `input`). */
export function spawnCli(args: readonly string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    // tsx finds the project's tsconfig (legacy decorators) from any working directory.
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs the CLI to completion. */
export function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  return collect(child, options.input);
}

/** Feeds `input` to a spawned CLI and waits for its exit. */
export function collect(child: ChildProcess, input?: Uint8Array | string): Promise<CliResult> {
  const out: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  child.stdin!.end(input === undefined ? undefined : Buffer.from(input));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout, stderr: err, out: stdout.toString('utf8') });
    });
  });
}
