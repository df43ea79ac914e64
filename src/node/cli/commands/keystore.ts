/**
 * `keystore list`, `keystore convert`: read any keystore (JKS, JCEKS, PKCS#12, PEM; the format
 * is recognised from the bytes), show its entries, write it in another format, or split one entry
 * into SEPM's `server.key` and `server.crt` (`serverFilesFromKeystore`).
 *
 * @module
 */
import { createPrivateKey } from 'node:crypto';
import { extname, resolve } from 'node:path';
import { KeystoreError } from '../../../errors.js';
import {
  detectKeystoreFormat,
  readKeystore,
  serverFilesFromKeystore,
  writeKeystore,
  type Keystore,
  type KeystoreEntry,
} from '../../../keystore/index.js';
import { choice, flag, str, UsageError } from '../args.js';
import { output, type Command, type Context } from '../command.js';
import { certificateLines, certificateView, type CertificateView } from '../format.js';
import { readInput, table, withProgress, writeOutput } from '../io.js';
import { getSecret, hasSecret, secretOptions } from '../secrets.js';

const SHOW_SECRETS = {
  'show-secrets': {
    type: 'boolean',
    description: 'also print secret-key bytes (hex); never printed otherwise',
  },
} as const;

/** Reads the keystore named by the first positional, asking for its password when needed. */
async function readStore(
  ctx: Context,
  command: string,
): Promise<{ ks: Keystore; password: string }> {
  const bytes = await readInput(ctx.io, ctx.positionals[0], 'the keystore file');
  // PEM keys are often unencrypted: ask for a password only when one is given or needed.
  const pem = detectKeystoreFormat(bytes) === 'pem';
  const password =
    pem && !hasSecret(ctx.values, 'password')
      ? ''
      : await getSecret(ctx.io, ctx.values, {
          prefix: 'password',
          what: 'keystore password',
          command,
        });
  const ks = await withProgress(ctx.io, 'Reading keystore', () => readKeystore(bytes, password));
  return { ks, password };
}

/** One entry as `keystore list` shows it. */
interface EntryView {
  readonly alias: string;
  readonly kind: KeystoreEntry['kind'];
  readonly date?: string;
  readonly key?: string;
  readonly algorithm?: string;
  readonly bits?: number;
  readonly secret?: string;
  readonly certificates?: readonly CertificateView[];
}

function keyText(pkcs8: Uint8Array): string {
  try {
    const k = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    const d = k.asymmetricKeyDetails ?? {};
    if (k.asymmetricKeyType === 'rsa') return `RSA ${d.modulusLength ?? '?'} bits`;
    if (k.asymmetricKeyType === 'ec') return `EC ${d.namedCurve ?? '?'}`;
    return k.asymmetricKeyType ?? 'unknown';
  } catch {
    return 'unparsable key';
  }
}

function entryView(e: KeystoreEntry, showSecrets: boolean): EntryView {
  const date = e.date ? { date: e.date.toISOString() } : {};
  switch (e.kind) {
    case 'privateKey':
      return {
        alias: e.alias,
        kind: e.kind,
        ...date,
        key: keyText(e.pkcs8),
        certificates: e.chain.map((c) => certificateView(c)),
      };
    case 'trustedCertificate':
      return {
        alias: e.alias,
        kind: e.kind,
        ...date,
        certificates: [certificateView(e.certificate)],
      };
    case 'secretKey':
      return {
        alias: e.alias,
        kind: e.kind,
        ...date,
        algorithm: e.algorithm,
        bits: e.key.length * 8,
        ...(showSecrets ? { secret: Buffer.from(e.key).toString('hex').toUpperCase() } : {}),
      };
  }
}

function entryLines(v: EntryView, verbose: boolean): string[] {
  const head = `${v.alias}: ${v.kind}${v.date ? `, ${v.date}` : ''}`;
  const rows: [string, string][] = [];
  if (v.key) rows.push(['Key', v.key]);
  if (v.algorithm) rows.push(['Secret key', `${v.algorithm}, ${v.bits} bits`]);
  if (v.secret) rows.push(['Value', v.secret]);
  const lines = [head, ...table(rows, '  ')];
  const certs = v.certificates ?? [];
  if (certs.length > 1) lines.push(`  Chain: ${certs.length} certificates`);
  certs.forEach((c, i) => {
    if (verbose) {
      if (certs.length > 1) lines.push(`  [${i + 1}]`);
      lines.push(...certificateLines(c, '    '));
    } else {
      lines.push(
        ...table(
          [
            ['Certificate', c.subject],
            ['SHA-256', c.sha256],
          ],
          '  ',
        ),
      );
    }
  });
  return lines;
}

/** `keystore list`. */
export const keystoreListCommand: Command = {
  spec: {
    name: 'keystore list',
    args: 'FILE|-',
    summary: 'List the entries of a JKS, JCEKS, PKCS#12 or PEM keystore.',
    details:
      'The format is recognised from the bytes. The password is needed for JKS, JCEKS and\n' +
      'PKCS#12 (the integrity check runs first); PEM needs one only for encrypted keys.',
    options: {
      ...secretOptions('password', 'keystore password'),
      verbose: { type: 'boolean', short: 'v', description: 'show every certificate in full' },
      ...SHOW_SECRETS,
    },
    examples: [
      'keystore list site/keystore.jks --password-file pw.txt',
      'keystore list server.p12 --password-env P12_PASS --json',
    ],
  },
  async run(ctx) {
    const { ks } = await readStore(ctx, 'keystore list');
    const views = ks.entries.map((e) => entryView(e, flag(ctx.values, 'show-secrets')));
    output(ctx, { format: ks.format, entries: views }, () => [
      `Keystore type: ${ks.format.toUpperCase()}`,
      `${views.length} ${views.length === 1 ? 'entry' : 'entries'}`,
      ...views.flatMap((v) => ['', ...entryLines(v, flag(ctx.values, 'verbose'))]),
    ]);
  },
};

const WRITABLE = ['jks', 'pkcs12', 'pem'] as const;
type Writable = (typeof WRITABLE)[number];

function formatOfName(path: string): Writable | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.jks' || ext === '.keystore') return 'jks';
  if (ext === '.p12' || ext === '.pfx') return 'pkcs12';
  if (ext === '.pem' || ext === '.crt' || ext === '.key') return 'pem';
  return undefined;
}

/** Names that say "certificate": a private key written there would be published with it. */
const CERTIFICATE_NAMES = ['.crt', '.cer'];

/** Refuses a private key in a file whose name says certificate, unless the user asked for it. */
function refuseKeyIn(path: string, names: readonly string[], option: string, cmd: string): void {
  if (!names.includes(extname(path).toLowerCase())) return;
  throw new UsageError(
    `refusing to write a private key into ${path} (${option}): its name says it holds ` +
      `certificates, and a ${extname(path)} file is often published. Write the key and the ` +
      `certificates apart with --key-out FILE --cert-out FILE, or add --allow-key-in-cert-file.`,
    cmd,
  );
}

/** The keystore reduced to the entry `alias` names (exact, else the only case-insensitive match). */
function onlyAlias(ks: Keystore, alias: string): Keystore {
  const exact = ks.entries.filter((e) => e.alias === alias);
  const found = exact.length
    ? exact
    : ks.entries.filter((e) => e.alias.toLowerCase() === alias.toLowerCase());
  if (found.length === 1) return { format: ks.format, entries: found };
  const names = ks.entries.map((e) => JSON.stringify(e.alias)).join(', ') || 'no entries';
  if (found.length > 1) {
    throw new KeystoreError(
      'ERR_KEYSTORE_ALIAS_REQUIRED',
      `alias ${JSON.stringify(alias)} matches several entries ignoring case (${names}): give one exactly`,
    );
  }
  throw new KeystoreError(
    'ERR_KEYSTORE_ENTRY_NOT_FOUND',
    `keystore has no entry with alias ${JSON.stringify(alias)} (it has ${names})`,
  );
}

/** `keystore convert`. */
export const keystoreConvertCommand: Command = {
  spec: {
    name: 'keystore convert',
    args: 'FILE|-',
    summary: 'Convert a keystore to JKS, PKCS#12 or PEM, or split it into server.key/server.crt.',
    details:
      'The output format comes from --to, else from the output name (.jks, .p12/.pfx, .pem).\n' +
      'The output password defaults to the input password. PEM output encrypts private keys\n' +
      '(PKCS#8, PBES2) unless --unencrypted, and keeps aliases as friendlyName lines.\n' +
      '--key-out and --cert-out write the private key alone (mode 0600; unencrypted, as SEPM\n' +
      "and Apache keep server.key, unless --out-password* is given) and the entry's certificate\n" +
      'chain alone, leaf first; --alias picks the entry (needed when there are several). A\n' +
      'private key is never written into a file named .crt/.cer (or .pem through -o) unless\n' +
      '--allow-key-in-cert-file. Every file is replaced atomically; -o and --key-out get mode\n' +
      '0600, --cert-out 0644.',
    options: {
      out: { type: 'string', short: 'o', value: 'FILE', description: 'the new keystore' },
      to: { type: 'string', short: 't', value: 'jks|pkcs12|pem', description: 'output format' },
      'key-out': {
        type: 'string',
        value: 'FILE',
        description: 'write the private key alone as PEM (server.key, mode 0600)',
      },
      'cert-out': {
        type: 'string',
        value: 'FILE',
        description: 'write the certificate chain alone as PEM (server.crt)',
      },
      alias: {
        type: 'string',
        value: 'NAME',
        description: 'the entry to convert or split (exact, else ignoring case)',
      },
      profile: {
        type: 'string',
        value: 'modern|legacy',
        description: 'PKCS#12 algorithms: AES-256/SHA-256 (default) or 3DES/SHA-1 MAC',
      },
      unencrypted: { type: 'boolean', description: 'PEM output: leave private keys unencrypted' },
      'allow-key-in-cert-file': {
        type: 'boolean',
        description: 'allow a private key in a .crt/.cer file (or a .pem given as -o)',
      },
      ...secretOptions('password', 'keystore password'),
      ...secretOptions('out-password', 'new keystore password'),
    },
    examples: [
      'keystore convert site/keystore.jks --password-file pw.txt -o server.p12',
      'keystore convert server.pem -o server.jks --out-password-env JKS_PASS',
      'keystore convert keystore.jks --password-file pw.txt --alias tomcat --key-out server.key --cert-out server.crt',
    ],
  },
  async run(ctx) {
    const cmd = 'keystore convert';
    const plan = convertPlan(ctx, cmd);
    const { out, keyOut, certOut, alias, to } = plan;
    // A key is always what --key-out writes: check its name before asking for any password.
    if (keyOut !== undefined && !plan.allowKey)
      refuseKeyIn(keyOut, CERTIFICATE_NAMES, '--key-out', cmd);
    const read = await readStore(ctx, cmd);
    const ks = alias !== undefined && out !== undefined ? onlyAlias(read.ks, alias) : read.ks;
    if (
      out !== undefined &&
      to === 'pem' &&
      !plan.allowKey &&
      ks.entries.some((e) => e.kind === 'privateKey')
    ) {
      refuseKeyIn(out, [...CERTIFICATE_NAMES, '.pem'], '-o', cmd);
    }
    // Everything is computed before the first file is written, so a bad alias or a key that does
    // not match its certificate leaves every target untouched.
    const outPassword = await outputPassword(ctx, cmd, plan, read.password);
    const files =
      keyOut !== undefined || certOut !== undefined
        ? serverFilesFromKeystore(read.ks, {
            ...(alias !== undefined ? { alias } : {}),
            ...(keyOut !== undefined && hasSecret(ctx.values, 'out-password')
              ? { password: outPassword }
              : {}),
          })
        : undefined;
    const bytes =
      to === undefined
        ? undefined
        : await withProgress(ctx.io, `Writing ${to.toUpperCase()}`, () =>
            writeKeystore(ks, outPassword, to, plan.profile ? { profile: plan.profile } : {}),
          );
    if (out !== undefined && bytes !== undefined)
      await writeOutput(ctx.io, out, bytes, { binary: to !== 'pem', mode: 0o600 });
    if (keyOut !== undefined) await writeOutput(ctx.io, keyOut, files!.key, { mode: 0o600 });
    if (certOut !== undefined) await writeOutput(ctx.io, certOut, files!.cert, { mode: 0o644 });
    if (plan.toStdout) return;
    reportConversion(ctx, plan, read.ks.format, ks.entries.length, bytes?.length, files?.alias);
  },
};

type ConvertContext = Parameters<Command['run']>[0];

/** What `keystore convert` is asked to write, checked before anything is read. */
interface ConvertPlan {
  readonly out: string | undefined;
  readonly keyOut: string | undefined;
  readonly certOut: string | undefined;
  readonly alias: string | undefined;
  readonly allowKey: boolean;
  readonly toStdout: boolean;
  readonly to: (typeof WRITABLE)[number] | undefined;
  readonly profile: 'modern' | 'legacy' | undefined;
  readonly unencrypted: boolean;
}

function convertPlan(ctx: ConvertContext, cmd: string): ConvertPlan {
  const out = str(ctx.values, 'out');
  const keyOut = str(ctx.values, 'key-out');
  const certOut = str(ctx.values, 'cert-out');
  if (out === undefined && keyOut === undefined && certOut === undefined)
    throw new UsageError('give -o FILE, or --key-out FILE and/or --cert-out FILE', cmd);
  const targets = [out, keyOut, certOut].filter((p): p is string => p !== undefined);
  if (targets.some((p) => p === '')) throw new UsageError('an output file name is empty', cmd);
  if (new Set(targets.map((p) => resolve(p))).size !== targets.length)
    throw new UsageError('-o, --key-out and --cert-out must name different files', cmd);
  // Stdout then carries the file alone (for pipes): no report beside it.
  const toStdout = targets.includes('-');
  if (toStdout && ctx.json)
    throw new UsageError('--json needs every output to be a file, not -', cmd);
  const chosen = choice(ctx.values, 'to', cmd, WRITABLE);
  if (out === undefined && chosen !== undefined)
    throw new UsageError('--to applies to -o only (--key-out/--cert-out write PEM)', cmd);
  const to = out === undefined ? undefined : (chosen ?? formatOfName(out));
  if (out !== undefined && to === undefined) {
    throw new UsageError('give --to jks|pkcs12|pem (the output name does not say)', cmd);
  }
  const profile = choice(ctx.values, 'profile', cmd, ['modern', 'legacy'] as const);
  const unencrypted = flag(ctx.values, 'unencrypted');
  if (unencrypted && to !== 'pem')
    throw new UsageError('--unencrypted applies to PEM -o only', cmd);
  const alias = str(ctx.values, 'alias');
  const allowKey = flag(ctx.values, 'allow-key-in-cert-file');
  return { out, keyOut, certOut, alias, allowKey, toStdout, to, profile, unencrypted };
}

// The password of the written keystore (or of --key-out): asked for when given as an option or
// when the input had none; otherwise the input's.
async function outputPassword(
  ctx: ConvertContext,
  cmd: string,
  plan: ConvertPlan,
  inputPassword: string,
): Promise<string> {
  const newPassword = async (): Promise<string> => {
    const pw = await getSecret(ctx.io, ctx.values, {
      prefix: 'out-password',
      what: 'new keystore password',
      command: cmd,
      confirm: true,
    });
    if (pw === '') throw new UsageError('the new keystore password is empty', cmd);
    return pw;
  };
  const asked = hasSecret(ctx.values, 'out-password');
  if (plan.to !== undefined && !plan.unencrypted)
    return asked || inputPassword === '' ? newPassword() : inputPassword;
  if (plan.keyOut !== undefined && asked) return newPassword();
  return '';
}

function reportConversion(
  ctx: ConvertContext,
  plan: ConvertPlan,
  from: string,
  n: number,
  size: number | undefined,
  alias: string | undefined,
): void {
  const { out, keyOut, certOut, to } = plan;
  output(
    ctx,
    {
      from,
      ...(out !== undefined ? { to, entries: n, bytes: size, out } : {}),
      ...(alias !== undefined ? { alias } : {}),
      ...(keyOut !== undefined ? { keyOut } : {}),
      ...(certOut !== undefined ? { certOut } : {}),
    },
    () => [
      ...(out !== undefined
        ? [
            `Converted ${from.toUpperCase()} (${n} ${n === 1 ? 'entry' : 'entries'}) -> ${to!.toUpperCase()} ${out} (${size} bytes)`,
          ]
        : []),
      ...(keyOut !== undefined
        ? [`Wrote the private key of "${alias}" to ${keyOut} (mode 0600)`]
        : []),
      ...(certOut !== undefined ? [`Wrote the certificate chain of "${alias}" to ${certOut}`] : []),
    ],
  );
}
