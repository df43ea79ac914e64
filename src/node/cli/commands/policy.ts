/**
 * `sign`, `verify`, `seal`, `open`: policy files signed with the manager key (raw RSASSA-PKCS1
 * v1.5 / SHA-256 or detached CMS) and sealed policies (Twofish under the Kcs, then signed), as
 * in `sepm-crypto`'s policy module.
 *
 * @module
 */
import { openPolicy, sealPolicy, signPolicy, verifyPolicy } from '../../../policy/index.js';
import { isSepmError } from '../../../errors.js';
import { choice, required, type OptionSpec } from '../args.js';
import { output, type Command, type Context } from '../command.js';
import { EXIT_FAILED } from '../exit.js';
import { readPath, withProgress } from '../io.js';
import {
  IDENTITY_OPTIONS,
  KEY_OPTIONS,
  TRUST_OPTIONS,
  identityFrom,
  kcsFrom,
  mainInput,
  optionalSite,
  trustedFrom,
} from '../load.js';
import { certificateView, signerText } from '../format.js';
import { emitData, OUT_OPTION } from './emit.js';

const FORMAT_OPTION: Readonly<Record<string, OptionSpec>> = {
  format: {
    type: 'string',
    short: 'f',
    value: 'raw|cms',
    description: 'raw PKCS#1 v1.5 signature (default) or detached CMS SignedData',
  },
};

/** `sign`. */
export const signCommand: Command = {
  spec: {
    name: 'sign',
    args: '[FILE|-]',
    summary: 'Sign a policy file with the manager key (raw RSA/SHA-256 or detached CMS).',
    details:
      'Reads FILE (or stdin) and writes the signature to --out (or stdout). The key comes from a\n' +
      'keystore (any format) or a site directory.',
    options: { ...IDENTITY_OPTIONS, ...FORMAT_OPTION, ...OUT_OPTION },
    examples: [
      'sign policy.xml --site ./site -o policy.sig',
      'sign policy.xml -k keystore.jks --password-env KS_PASS --format cms -o policy.p7s',
    ],
  },
  async run(ctx) {
    const format = choice(ctx.values, 'format', 'sign', ['raw', 'cms'] as const) ?? 'raw';
    const identity = await identityFrom(ctx.io, ctx.values, 'sign');
    const data = await mainInput(ctx.io, ctx.positionals, 'the policy file');
    const signature = await signPolicy(data, identity, { format });
    await emitData(ctx, signature, {
      field: 'signature',
      summary: { format, bytes: signature.length, signer: certificateView(identity.certificate) },
      human: (to) => [
        `Signed ${data.length} bytes (${format}, ${signature.length}-byte signature) -> ${to}`,
        `Signer: ${signerText(identity.certificate)}`,
      ],
    });
  },
};

/** `verify`. */
export const verifyCommand: Command = {
  spec: {
    name: 'verify',
    args: '[FILE|-]',
    summary: 'Verify a policy signature against trusted manager certificates.',
    details:
      'Exit status 0 when one of the trusted certificates verifies the signature, 1 when none does.\n' +
      'The format (raw or CMS) is recognised from the signature. Certificates inside a CMS are\n' +
      'never trusted by themselves.',
    options: {
      signature: {
        type: 'string',
        short: 's',
        value: 'FILE',
        description: 'the signature (raw or CMS DER)',
      },
      ...TRUST_OPTIONS,
    },
    examples: [
      'verify policy.xml -s policy.sig --cert server.crt',
      'verify policy.xml -s policy.p7s --sylink sylink.xml --json',
    ],
  },
  async run(ctx) {
    const sigPath = required(ctx.values, 'signature', 'verify');
    const trusted = await trustedFrom(ctx.io, ctx.values, 'verify');
    const signature = await readPath(sigPath, '--signature');
    const data = await mainInput(ctx.io, ctx.positionals, 'the policy file');
    try {
      const r = await verifyPolicy(data, signature, trusted);
      const signer = certificateView(r.signer);
      output(
        ctx,
        {
          verified: true,
          format: r.format,
          signer,
          ...(r.signingTime ? { signingTime: r.signingTime.toISOString() } : {}),
        },
        () => [
          `Verified OK (${r.format}): signed by ${signer.subject}`,
          `  SHA-256 ${signer.sha256}`,
        ],
      );
    } catch (e) {
      return verificationFailed(ctx, e);
    }
    return 0;
  },
};

/**
 * A policy error during verify/open: the signature or the data is bad, so the answer is "not
 * verified" (exit 1), reported on stdout with `--json` so scripts read one document either way.
 */
function verificationFailed(ctx: Context, e: unknown): number {
  if (!isSepmError(e) || !e.code.startsWith('ERR_POLICY_')) throw e;
  if (ctx.json) {
    output(ctx, { verified: false, code: e.code, message: e.message }, () => []);
  } else {
    ctx.io.stderr.write(
      `${ctx.program} ${ctx.command}: verification failed: ${e.message} (${e.code})\n`,
    );
  }
  return EXIT_FAILED;
}

/** `seal`. */
export const sealCommand: Command = {
  spec: {
    name: 'seal',
    args: '[FILE|-]',
    summary: 'Encrypt a policy under the site key (Twofish) and sign it with the manager key.',
    options: {
      ...IDENTITY_OPTIONS,
      ...KEY_OPTIONS,
      ...OUT_OPTION,
    },
    examples: [
      'seal policy.xml --site ./site -o policy.sealed',
      'seal policy.xml -k keystore.p12 --password-file pw.txt --kcs-env SEPM_KCS -o policy.sealed',
    ],
  },
  async run(ctx) {
    const site = await optionalSite(ctx.io, ctx.values);
    const identity = await identityFrom(ctx.io, ctx.values, 'seal', site);
    const kcs = await kcsFrom(ctx.io, ctx.values, 'seal', site);
    const data = await mainInput(ctx.io, ctx.positionals, 'the policy file');
    const sealed = await withProgress(ctx.io, 'Sealing', () => sealPolicy(data, identity, kcs));
    await emitData(ctx, sealed, {
      field: 'sealed',
      summary: {
        bytes: sealed.length,
        kcsFingerprint: kcs.fingerprint(),
        signer: certificateView(identity.certificate),
      },
      human: (to) => [
        `Sealed ${data.length} bytes -> ${sealed.length} bytes -> ${to}`,
        `Signer: ${signerText(identity.certificate)}`,
        `Site key fingerprint: ${kcs.fingerprint()}`,
      ],
    });
  },
};

/** `open`. */
export const openCommand: Command = {
  spec: {
    name: 'open',
    args: '[FILE|-]',
    summary: 'Verify a sealed policy against trusted certificates, then decrypt it.',
    details:
      'Exit status 1 when the signer is not trusted, the signature is bad, or the site key is wrong.\n' +
      'A sylink.xml gives both the trusted certificates and the site key.',
    options: { ...TRUST_OPTIONS, ...KEY_OPTIONS, ...OUT_OPTION },
    examples: [
      'open policy.sealed --sylink sylink.xml -o policy.xml',
      'open - --cert server.crt --kcs-file kcs.txt < policy.sealed > policy.xml',
    ],
  },
  async run(ctx) {
    const site = await optionalSite(ctx.io, ctx.values);
    const trusted = await trustedFrom(ctx.io, ctx.values, 'open', site);
    const kcs = await kcsFrom(ctx.io, ctx.values, 'open', site);
    const sealed = await mainInput(ctx.io, ctx.positionals, 'the sealed policy');
    let opened;
    try {
      opened = await openPolicy(sealed, kcs, trusted);
    } catch (e) {
      return verificationFailed(ctx, e);
    }
    const { data, signer } = opened;
    await emitData(ctx, data, {
      field: 'data',
      summary: { verified: true, bytes: data.length, signer: certificateView(signer) },
      human: (to) => [
        `Verified and decrypted ${data.length} bytes -> ${to}`,
        `Signer: ${signerText(signer)}`,
      ],
      mode: 0o600,
    });
    return 0;
  },
};
