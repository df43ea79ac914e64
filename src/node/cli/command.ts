/**
 * The shape of one CLI command: its spec (options, help) and what it does.
 *
 * @module
 */
import type { CommandSpec, Values } from './args.js';
import type { Io } from './io.js';

/** What a command gets: the streams, the parsed command line and the output mode. */
export interface Context {
  readonly io: Io;
  readonly values: Values;
  readonly positionals: readonly string[];
  /** `--json`: print one JSON document on stdout, nothing else there. */
  readonly json: boolean;
  /** `--quiet`: print nothing on success in human mode. */
  readonly quiet: boolean;
  /** The program name for messages (`sepm-crypto`). */
  readonly program: string;
  /** The command's name as typed, e.g. `keystore list`. */
  readonly command: string;
  /** Resolves when the user asks the process to stop (SIGINT/SIGTERM); used by `serve`. */
  readonly stopSignal: () => Promise<string>;
}

/** A command: resolves to its exit code (0 when it returns nothing). */
export interface Command {
  readonly spec: CommandSpec;
  run(ctx: Context): Promise<number | void>;
}

/** Prints the human form unless `--json` (then the JSON form) or `--quiet` (nothing). */
export function output(ctx: Context, json: unknown, human: () => string[]): void {
  if (ctx.json) {
    ctx.io.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else if (!ctx.quiet) {
    ctx.io.stdout.write(human().join('\n') + '\n');
  }
}

/**
 * Reports on stderr in human mode (when stdout carries the data, e.g. `decrypt` to stdout);
 * nothing in `--json` or `--quiet` mode.
 */
export function note(ctx: Context, ...lines: string[]): void {
  if (!ctx.json && !ctx.quiet) ctx.io.stderr.write(lines.join('\n') + '\n');
}
