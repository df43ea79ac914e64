/**
 * Exit codes and error messages of the CLI. The codes are part of its interface:
 *
 * | code | meaning |
 * | ---: | --- |
 * | 0 | success |
 * | 1 | the operation failed: a signature did not verify, decryption failed (wrong key or tampered data), a wrong password, malformed input (any `SepmError`), a file or network error |
 * | 2 | usage error: unknown command or option, missing or invalid argument, unreadable input file |
 * | 130 | interrupted at a password prompt (Ctrl-C) |
 *
 * @module
 */
import { isSepmError } from '../../errors.js';
import { UsageError } from './args.js';
import type { Io } from './io.js';
import { PromptAborted } from './prompt.js';

/** Exit status: success. */
export const EXIT_OK = 0;
/** Exit status: verification, decryption or another operation failed. */
export const EXIT_FAILED = 1;
/** Exit status: the command line is wrong. */
export const EXIT_USAGE = 2;
/** Exit status: interrupted (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** What the CLI reports for an error: the exit code, a stable code and a message. */
export interface ErrorReport {
  readonly exitCode: number;
  /** `ERR_…` for library errors, `ERR_USAGE`, a Node errno code, or `ERR_INTERNAL`. */
  readonly code: string;
  readonly message: string;
  /** Details, e.g. every problem `loadSite` found. */
  readonly details?: readonly string[];
}

/** Classifies anything thrown by a command. */
export function reportOf(e: unknown): ErrorReport {
  if (e instanceof UsageError)
    return { exitCode: EXIT_USAGE, code: 'ERR_USAGE', message: e.message };
  if (e instanceof PromptAborted)
    return { exitCode: EXIT_INTERRUPTED, code: 'ERR_ABORTED', message: e.message };
  if (isSepmError(e)) {
    const details = [
      ...(((e as { problems?: readonly string[] }).problems ?? []) as readonly string[]),
      ...(((e as { violations?: readonly string[] }).violations ?? []) as readonly string[]),
    ];
    return {
      exitCode: EXIT_FAILED,
      code: e.code,
      message: e.message,
      ...(details.length ? { details } : {}),
    };
  }
  // Library arguments come from options here, so a TypeError/RangeError is a bad option value.
  if (e instanceof TypeError || e instanceof RangeError) {
    return { exitCode: EXIT_USAGE, code: 'ERR_USAGE', message: e.message };
  }
  const errno = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof errno === 'string' && e instanceof Error) {
    return { exitCode: EXIT_FAILED, code: errno, message: e.message };
  }
  return {
    exitCode: EXIT_FAILED,
    code: 'ERR_INTERNAL',
    message: e instanceof Error ? e.message : String(e),
  };
}

/**
 * Prints an error on stderr: `sepm-crypto <command>: message (CODE)` with a hint for usage
 * errors, or one JSON document with `--json`. Returns the exit code.
 */
export function reportError(
  io: Io,
  e: unknown,
  opts: { program: string; command?: string | undefined; json?: boolean },
): number {
  const r = reportOf(e);
  if (opts.json) {
    io.stderr.write(JSON.stringify({ error: r }) + '\n');
    return r.exitCode;
  }
  const where = opts.command ? `${opts.program} ${opts.command}` : opts.program;
  const lines = [
    `${where}: ${r.message}${r.code.startsWith('ERR_') && r.code !== 'ERR_USAGE' && r.code !== 'ERR_INTERNAL' ? ` (${r.code})` : ''}`,
  ];
  for (const d of r.details ?? []) lines.push(`  - ${d}`);
  if (r.exitCode === EXIT_USAGE) {
    lines.push(`Try '${where} --help'.`);
  }
  if (r.code === 'ERR_INTERNAL' && e instanceof Error && e.stack) lines.push(e.stack);
  io.stderr.write(lines.join('\n') + '\n');
  return r.exitCode;
}
