/**
 * Where the CLI gets secrets from, never only argv: a no-echo terminal prompt, a file
 * (`--password-file`, first line), or an environment variable (`--password-env NAME`). A
 * password on the command line (`--password`) is accepted for throwaway test sites but warned
 * about, because other users can read it in the process list.
 *
 * @module
 */
import { Kcs } from '../../kcs.js';
import { str, UsageError, type OptionSpec, type Values } from './args.js';
import { readPath, type Io } from './io.js';
import { canPrompt, promptSecret } from './prompt.js';

/**
 * The options of one secret, named with a prefix: `password` gives `--password-file`,
 * `--password-env` and `--password`.
 */
export function secretOptions(prefix: string, what: string): Readonly<Record<string, OptionSpec>> {
  return {
    [`${prefix}-file`]: {
      type: 'string',
      value: 'FILE',
      description: `read the ${what} from the first line of FILE`,
    },
    [`${prefix}-env`]: {
      type: 'string',
      value: 'NAME',
      description: `read the ${what} from environment variable NAME`,
    },
    [prefix]: {
      type: 'string',
      value: 'TEXT',
      description: `the ${what} itself (visible to other users: prefer -file/-env)`,
    },
  };
}

/** How to get one secret. */
export interface SecretRequest {
  /** Option prefix, e.g. `'password'` or `'out-password'`. */
  readonly prefix: string;
  /** Words for messages and the prompt, e.g. `'keystore password'`. */
  readonly what: string;
  /** The command, for usage errors. */
  readonly command: string;
  /** Value when no source is given and no terminal can prompt; absent means "required". */
  readonly fallback?: string;
  /** Ask twice at the prompt (new passwords). */
  readonly confirm?: boolean;
}

/** The first line of a secret file (a trailing CR/LF is not part of the secret). */
export async function readSecretFile(path: string, what: string): Promise<string> {
  const text = Buffer.from(await readPath(path, what)).toString('utf8');
  const nl = text.search(/\r?\n/);
  return nl < 0 ? text : text.slice(0, nl);
}

/** Whether any source of the secret was given on the command line. */
export function hasSecret(values: Values, prefix: string): boolean {
  return [prefix, `${prefix}-file`, `${prefix}-env`].some((n) => str(values, n) !== undefined);
}

/**
 * Resolves a secret: file, then environment variable, then argv (with a warning), then the
 * terminal prompt, then `fallback`. Giving two sources is a usage error.
 */
export async function getSecret(io: Io, values: Values, req: SecretRequest): Promise<string> {
  const file = str(values, `${req.prefix}-file`);
  const env = str(values, `${req.prefix}-env`);
  const argv = str(values, req.prefix);
  const given = [file, env, argv].filter((v) => v !== undefined).length;
  if (given > 1) {
    throw new UsageError(
      `give the ${req.what} once: --${req.prefix}-file, --${req.prefix}-env or --${req.prefix}`,
      req.command,
    );
  }
  if (file !== undefined) return readSecretFile(file, `--${req.prefix}-file`);
  if (env !== undefined) {
    const v = io.env[env];
    if (v === undefined)
      throw new UsageError(`environment variable ${env} is not set`, req.command);
    return v;
  }
  if (argv !== undefined) {
    io.stderr.write(
      `warning: --${req.prefix} puts the ${req.what} in the process list; prefer --${req.prefix}-file or --${req.prefix}-env\n`,
    );
    return argv;
  }
  if (canPrompt(io)) {
    const first = await promptSecret(io, `${capitalize(req.what)}: `);
    if (req.confirm) {
      const again = await promptSecret(io, `Repeat the ${req.what}: `);
      if (again !== first) throw new UsageError(`the two ${req.what}s differ`, req.command);
    }
    return first;
  }
  if (req.fallback !== undefined) return req.fallback;
  throw new UsageError(
    `a ${req.what} is needed: use --${req.prefix}-file FILE or --${req.prefix}-env NAME (or run on a terminal to be asked)`,
    req.command,
  );
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The options that name a Kcs source directly (besides --sylink/--site, handled by callers). */
export const KCS_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'kcs-file': {
    type: 'string',
    value: 'FILE',
    description: 'read the site key (32 hex digits) from FILE',
  },
  'kcs-env': {
    type: 'string',
    value: 'NAME',
    description: 'read the site key (32 hex digits) from environment variable NAME',
  },
};

/** The Kcs from `--kcs-file` or `--kcs-env`, or `undefined` when neither is given. */
export async function kcsFromOptions(
  io: Io,
  values: Values,
  command: string,
): Promise<Kcs | undefined> {
  const file = str(values, 'kcs-file');
  const env = str(values, 'kcs-env');
  if (file !== undefined && env !== undefined) {
    throw new UsageError('give the site key once: --kcs-file or --kcs-env', command);
  }
  let text: string | undefined;
  if (file !== undefined) text = await readSecretFile(file, '--kcs-file');
  else if (env !== undefined) {
    text = io.env[env];
    if (text === undefined) throw new UsageError(`environment variable ${env} is not set`, command);
  }
  // Kcs.parse throws a KcsError whose message never contains the input.
  return text === undefined ? undefined : Kcs.parse(text.trim());
}
