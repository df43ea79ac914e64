/**
 * `keystore list`, `keystore convert`: read any keystore (JKS, JCEKS, PKCS#12, PEM; the format
 * is recognised from the bytes), show its entries, or write it in another format.
 *
 * @module
 */
import { createPrivateKey } from 'node:crypto';
import { extname } from 'node:path';
import {
  detectKeystoreFormat,
  readKeystore,
  writeKeystore,
  type Keystore,
  type KeystoreEntry,
} from '../../../keystore/index.js';
import { choice, flag, required, UsageError } from '../args.js';
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

/** `keystore convert`. */
export const keystoreConvertCommand: Command = {
  spec: {
    name: 'keystore convert',
    args: 'FILE|-',
    summary: 'Convert a keystore to JKS, PKCS#12 or PEM.',
    details:
      'The output format comes from --to, else from the output name (.jks, .p12/.pfx, .pem).\n' +
      'The output password defaults to the input password. PEM output encrypts private keys\n' +
      '(PKCS#8, PBES2) unless --unencrypted. The output file is written with mode 0600.',
    options: {
      out: { type: 'string', short: 'o', value: 'FILE', description: 'the new keystore' },
      to: { type: 'string', short: 't', value: 'jks|pkcs12|pem', description: 'output format' },
      profile: {
        type: 'string',
        value: 'modern|legacy',
        description: 'PKCS#12 algorithms: AES-256/SHA-256 (default) or 3DES/SHA-1 MAC',
      },
      unencrypted: { type: 'boolean', description: 'PEM output: leave private keys unencrypted' },
      ...secretOptions('password', 'keystore password'),
      ...secretOptions('out-password', 'new keystore password'),
    },
    examples: [
      'keystore convert site/keystore.jks --password-file pw.txt -o server.p12',
      'keystore convert server.pem -o server.jks --out-password-env JKS_PASS',
    ],
  },
  async run(ctx) {
    const cmd = 'keystore convert';
    const out = required(ctx.values, 'out', cmd);
    const to = choice(ctx.values, 'to', cmd, WRITABLE) ?? formatOfName(out);
    if (to === undefined) {
      throw new UsageError('give --to jks|pkcs12|pem (the output name does not say)', cmd);
    }
    const profile = choice(ctx.values, 'profile', cmd, ['modern', 'legacy'] as const);
    const unencrypted = flag(ctx.values, 'unencrypted');
    if (unencrypted && to !== 'pem') throw new UsageError('--unencrypted applies to PEM only', cmd);
    const { ks, password } = await readStore(ctx, cmd);
    let outPassword: string;
    if (unencrypted) outPassword = '';
    else if (hasSecret(ctx.values, 'out-password') || password === '') {
      outPassword = await getSecret(ctx.io, ctx.values, {
        prefix: 'out-password',
        what: 'new keystore password',
        command: cmd,
        confirm: true,
      });
      if (outPassword === '') throw new UsageError('the new keystore password is empty', cmd);
    } else outPassword = password;
    const bytes = await withProgress(ctx.io, `Writing ${to.toUpperCase()}`, () =>
      writeKeystore(ks, outPassword, to, profile ? { profile } : {}),
    );
    await writeOutput(ctx.io, out, bytes, { binary: to !== 'pem', mode: 0o600 });
    output(
      ctx,
      { from: ks.format, to, entries: ks.entries.length, bytes: bytes.length, out },
      () => [
        `Converted ${ks.format.toUpperCase()} (${ks.entries.length} ${ks.entries.length === 1 ? 'entry' : 'entries'}) -> ${to.toUpperCase()} ${out} (${bytes.length} bytes)`,
      ],
    );
  },
};
