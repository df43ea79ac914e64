/**
 * Writing a command's binary result: to `--out FILE`, or stdout. With `--json` and no `--out`,
 * the bytes go base64-encoded into the JSON document so that stdout stays one document.
 *
 * @module
 */
import { str, type OptionSpec } from '../args.js';
import { output, type Context } from '../command.js';
import { writeOutput } from '../io.js';

/** `-o, --out FILE`. */
export const OUT_OPTION: Readonly<Record<string, OptionSpec>> = {
  out: {
    type: 'string',
    short: 'o',
    value: 'FILE',
    description: 'write the result to FILE (default: stdout; `-` is stdout)',
  },
};

/** How to describe an emitted result. */
export interface EmitOptions {
  /** JSON field holding the base64 bytes when they go into the JSON document. */
  readonly field: string;
  /** JSON facts about the result (never secrets). */
  readonly summary: Record<string, unknown>;
  /** Human lines, given where the bytes went. */
  readonly human: (to: string) => string[];
  /** File mode for `--out` (e.g. 0o600 for decrypted data). */
  readonly mode?: number;
  /** Whether the result is text (then it may go to a terminal). */
  readonly text?: boolean;
}

/**
 * Writes `data` where the command line says and reports it. Human-mode reports appear only when
 * the bytes went to a file: stdout then carries just the bytes, for pipes.
 */
export async function emitData(ctx: Context, data: Uint8Array, opts: EmitOptions): Promise<void> {
  const out = str(ctx.values, 'out');
  const toStdout = out === undefined || out === '-';
  if (toStdout && ctx.json) {
    output(ctx, { ...opts.summary, [opts.field]: Buffer.from(data).toString('base64') }, () => []);
    return;
  }
  await writeOutput(ctx.io, out, data, {
    binary: opts.text !== true,
    ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
  });
  if (!toStdout) output(ctx, { ...opts.summary, out }, () => opts.human(out));
}
