/**
 * The CLI's streams and files: reading an input (a path or `-` for stdin), writing an output
 * (a path, written atomically, or stdout), JSON and human printing, and progress lines that
 * appear only on a terminal.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { writeFileAtomic } from '../site/atomic_file.js';
import { UsageError } from './args.js';

/** The process surface the CLI uses; tests and the demo can pass their own. */
export interface Io {
  readonly stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The real process streams and environment. */
export function processIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Largest input the CLI reads into memory (policies, envelopes, keystores, XML). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** Reads all of stdin, refusing more than {@link MAX_INPUT_BYTES}. */
export async function readStdin(io: Io): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of io.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += b.length;
    if (total > MAX_INPUT_BYTES)
      throw new UsageError(`stdin is larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(b);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Reads an input named on the command line: `-` (or `undefined` when `stdinDefault`) is stdin,
 * anything else a file. A missing file is a {@link UsageError} naming `what`.
 */
export async function readInput(
  io: Io,
  path: string | undefined,
  what: string,
  stdinDefault = true,
): Promise<Uint8Array> {
  if (path === '-' || (path === undefined && stdinDefault)) {
    if (io.stdin.isTTY) {
      throw new UsageError(`${what}: give a file, or pipe the data into stdin`);
    }
    return readStdin(io);
  }
  if (path === undefined) throw new UsageError(`${what} is required`);
  return readPath(path, what);
}

/** Reads a file; a missing or unreadable one is a {@link UsageError} naming `what`. */
export async function readPath(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code;
    throw new UsageError(`${what}: cannot read ${path} (${why ?? (e as Error).message})`);
  }
}

/**
 * Writes a binary or text result: to `path` (atomically, `mode` 0600 for secrets), or to stdout
 * when `path` is `undefined` or `-`. Binary data is not written to a terminal.
 */
export async function writeOutput(
  io: Io,
  path: string | undefined,
  data: Uint8Array | string,
  options: { binary?: boolean; mode?: number } = {},
): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  if (path === undefined || path === '-') {
    if (options.binary && io.stdout.isTTY) {
      throw new UsageError(
        'refusing to write binary output to a terminal: use --out FILE or a pipe',
      );
    }
    await new Promise<void>((resolve, reject) =>
      io.stdout.write(bytes, (err) => (err ? reject(err) : resolve())),
    );
    return;
  }
  await writeFileAtomic(path, bytes, options.mode !== undefined ? { mode: options.mode } : {});
}

/** Prints one JSON document on stdout (2-space indented, newline-terminated). */
export function printJson(io: Io, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints lines of human output on stdout. */
export function printLines(io: Io, ...lines: string[]): void {
  io.stdout.write(lines.join('\n') + '\n');
}

/** Label/value rows aligned on the colon, e.g. `Subject:     CN=sepm`. */
export function table(rows: ReadonlyArray<readonly [string, string]>, indent = ''): string[] {
  const width = Math.max(0, ...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${indent}${(k + ':').padEnd(width)}${v}`);
}

/** A running step: call `done()` (or `fail()`) when it finishes. */
export interface Progress {
  done(note?: string): void;
  fail(): void;
}

/**
 * Shows `label…` on stderr while a long step runs, then how long it took, only when stderr is
 * a terminal (scripts and pipes see nothing).
 */
export function progress(io: Io, label: string): Progress {
  const tty = io.stderr.isTTY === true;
  const started = performance.now();
  if (tty) io.stderr.write(`${label}…`);
  const end = (text: string) => {
    if (tty) io.stderr.write(`\r\x1b[K${label}: ${text}\n`);
  };
  return {
    done: (note) => end(`${note ? note + ', ' : ''}${Math.round(performance.now() - started)} ms`),
    fail: () => end('failed'),
  };
}

/** Runs `step` under a {@link progress} line. */
export async function withProgress<T>(
  io: Io,
  label: string,
  step: () => Promise<T> | T,
): Promise<T> {
  const p = progress(io, label);
  try {
    const r = await step();
    p.done();
    return r;
  } catch (e) {
    p.fail();
    throw e;
  }
}
