/**
 * The `sepm-crypto` command line: finds the command, parses its options, runs it, and turns
 * errors into messages and exit codes (`exit.ts`). `bin.ts` calls {@link run} with the process
 * arguments; tests and embedders can call it with their own {@link Io}.
 *
 * @module
 */
import { helpText, parseCommand, UsageError } from './args.js';
import type { Command, Context } from './command.js';
import { COMMANDS, GROUPS } from './commands/index.js';
import { EXIT_OK, EXIT_USAGE, reportError } from './exit.js';
import { processIo, type Io } from './io.js';

/** The program name used in messages and help. */
export const PROGRAM = 'sepm-crypto';

/** The version printed by `--version` (kept equal to package.json by a test). */
export const VERSION = '0.1.0';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'SEPM crypto from the command line: sites and managers, policy signing and sealing, the',
    'content envelope, keystores, sylink.xml and certificates.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    'Every command takes --help, --json (machine output) and --quiet.',
    'Exit status: 0 success, 1 verification/decryption/operation failed, 2 usage error.',
    `Secrets (passwords, the Kcs) come from a prompt, a file or an environment variable and`,
    'are never printed unless --show-secrets is given.',
    '',
  ].join('\n');
}

function groupHelp(group: string, commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.spec.name.length)) + 2;
  return [
    `Usage: ${PROGRAM} ${group} <${commands.map((c) => c.spec.name.split(' ')[1]).join('|')}> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    `Run '${PROGRAM} ${group} <command> --help' for its options.`,
    '',
  ].join('\n');
}

/** Resolves the command named by the first one or two words of `argv`. */
function findCommand(
  argv: readonly string[],
): { command: Command; rest: readonly string[] } | string {
  const [first, second] = argv;
  const group = first === undefined ? undefined : GROUPS.get(first);
  if (group !== undefined) {
    if (second === undefined || second === '--help' || second === '-h')
      return groupHelp(first!, group);
    const command = group.find((c) => c.spec.name === `${first} ${second}`);
    if (command === undefined) {
      throw new UsageError(`unknown command '${first} ${second}'`, first);
    }
    return { command, rest: argv.slice(2) };
  }
  const command = COMMANDS.find((c) => c.spec.name === first);
  if (command === undefined) throw new UsageError(`unknown command '${first}'`);
  return { command, rest: argv.slice(1) };
}

/** Resolves on the first SIGINT or SIGTERM (with its name); a second one exits at once. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: NodeJS.Signals) => {
      if (seen) process.exit(130);
      seen = true;
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Runs the CLI with `argv` (the words after the program name) and returns the exit code.
 * Never throws: every error is reported on `io.stderr`.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const json = argv.includes('--json');
  let commandName: string | undefined;
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout.write(mainHelp());
      return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
    }
    if (argv[0] === '--version' || argv[0] === '-V') {
      io.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    }
    const found = findCommand(argv);
    if (typeof found === 'string') {
      io.stdout.write(found);
      return argv.length === 1 ? EXIT_USAGE : EXIT_OK;
    }
    const { command, rest } = found;
    commandName = command.spec.name;
    const parsed = parseCommand(command.spec, rest);
    if (parsed.values.help === true) {
      io.stdout.write(helpText(PROGRAM, command.spec));
      return EXIT_OK;
    }
    const ctx: Context = {
      io,
      values: parsed.values,
      positionals: parsed.positionals,
      json: parsed.values.json === true,
      quiet: parsed.values.quiet === true,
      program: PROGRAM,
      command: command.spec.name,
      stopSignal,
    };
    const code = await command.run(ctx);
    return code ?? EXIT_OK;
  } catch (e) {
    return reportError(io, e, {
      program: PROGRAM,
      command: commandName ?? (e instanceof UsageError ? e.command : undefined),
      json,
    });
  }
}
