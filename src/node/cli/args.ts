/**
 * Command-line parsing for the `sepm-crypto` CLI: a declarative spec per command, parsed with
 * `node:util` `parseArgs` (strict), and the `--help` text generated from the same spec so the
 * two never disagree.
 *
 * @module
 */
import { parseArgs } from 'node:util';

/** One option of a command. */
export interface OptionSpec {
  /** `'string'` takes a value; `'boolean'` is a flag. */
  readonly type: 'string' | 'boolean';
  /** One-letter alias, e.g. `'o'` for `--out`. */
  readonly short?: string;
  /** May be given more than once (values collected in order). */
  readonly multiple?: boolean;
  /** Placeholder shown in help, e.g. `FILE`. */
  readonly value?: string;
  /** One line for `--help`. */
  readonly description: string;
}

/** A command (or a sub-command such as `keystore list`). */
export interface CommandSpec {
  /** Full name as typed, e.g. `'keystore list'`. */
  readonly name: string;
  /** One line shown in the command list. */
  readonly summary: string;
  /** Positional arguments, e.g. `'[FILE]'`. */
  readonly args?: string;
  /** Longer explanation shown under the usage line. */
  readonly details?: string;
  /** The command's own options (the common ones are added by {@link parseCommand}). */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Example invocations (without the program name). */
  readonly examples?: readonly string[];
  /** Most positional arguments accepted (default 1). */
  readonly maxPositionals?: number;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', description: 'show this help and exit' },
  json: { type: 'boolean', description: 'print one JSON document on stdout (for scripts)' },
  quiet: { type: 'boolean', short: 'q', description: 'print nothing on success (human mode)' },
};

/** A command-line mistake: the CLI prints the message and the usage hint and exits with 2. */
export class UsageError extends Error {
  /** The command whose usage to point at, if known. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** Values of a parsed command line: strings, booleans and arrays of strings by option name. */
export type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** The result of {@link parseCommand}. */
export interface Parsed {
  readonly values: Values;
  readonly positionals: readonly string[];
}

/**
 * Parses `argv` (the words after the command name) against `spec` plus {@link COMMON_OPTIONS}.
 * Unknown options, missing values and too many positionals are a {@link UsageError}.
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options = { ...COMMON_OPTIONS, ...spec.options };
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> =
    {};
  for (const [name, o] of Object.entries(options)) {
    config[name] = {
      type: o.type,
      ...(o.short !== undefined ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: config,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    // parseArgs messages name the option ("Unknown option '--x'"); keep them, drop Node's hints.
    const msg = (e as Error).message.replace(/\. To specify a positional.*$/s, '');
    throw new UsageError(msg, spec.name);
  }
  const values = parsed.values as Values;
  if (values.help === true) return { values, positionals: parsed.positionals };
  const max = spec.maxPositionals ?? 1;
  if (parsed.positionals.length > max) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[max])}`,
      spec.name,
    );
  }
  return { values, positionals: parsed.positionals };
}

/** The value of a string option, or `undefined`; the last one wins if given twice. */
export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeatable string option (empty when absent). */
export function strs(values: Values, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

/** Whether a boolean flag is set. */
export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** A required string option; a {@link UsageError} naming it when absent. */
export function required(values: Values, name: string, command: string): string {
  const v = str(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`, command);
  return v;
}

/** Parses an integer option in `[min, max]`; a {@link UsageError} otherwise. */
export function intOption(
  values: Values,
  name: string,
  command: string,
  min: number,
  max: number,
): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`--${name} expected an integer from ${min} to ${max}, got ${v}`, command);
  }
  return Number(v);
}

/** Checks that an option's value is one of `choices`. */
export function choice<T extends string>(
  values: Values,
  name: string,
  command: string,
  choices: readonly T[],
): T | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} expected one of ${choices.join(', ')}, got ${v}`, command);
  }
  return v as T;
}

/** The `--help` text of one command. */
export function helpText(program: string, spec: CommandSpec): string {
  const lines: string[] = [];
  lines.push(`Usage: ${program} ${spec.name}${spec.args ? ' ' + spec.args : ''} [options]`);
  lines.push('');
  lines.push(spec.summary);
  if (spec.details) {
    lines.push('');
    lines.push(spec.details);
  }
  lines.push('');
  lines.push('Options:');
  const all = { ...spec.options, ...COMMON_OPTIONS };
  const rows = Object.entries(all).map(([name, o]) => {
    const left = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return [left, o.description + (o.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  for (const [left, right] of rows) {
    lines.push(
      left.length + 2 > width
        ? `  ${left}\n  ${' '.repeat(width)}${right}`
        : `  ${left.padEnd(width)}${right}`,
    );
  }
  if (spec.examples?.length) {
    lines.push('');
    lines.push('Examples:');
    for (const ex of spec.examples) lines.push(`  ${program} ${ex}`);
  }
  return lines.join('\n') + '\n';
}
