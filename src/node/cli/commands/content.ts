/**
 * `encrypt`, `decrypt`: the content envelope (Twofish-CBC + HMAC-SHA256 under the site key;
 * this library's format, `docs/formats.md`).
 *
 * @module
 */
import { decryptContent, encryptContent } from '../../../content.js';
import { isSepmError } from '../../../errors.js';
import type { Command } from '../command.js';
import { EXIT_FAILED } from '../exit.js';
import { KEY_OPTIONS, kcsFrom, mainInput } from '../load.js';
import { emitData, OUT_OPTION } from './emit.js';

/** `encrypt`. */
export const encryptCommand: Command = {
  spec: {
    name: 'encrypt',
    args: '[FILE|-]',
    summary: 'Encrypt data under the site key into a content envelope.',
    options: { ...KEY_OPTIONS, ...OUT_OPTION },
    examples: [
      'encrypt report.pdf --sylink sylink.xml -o report.sce',
      'tar c dir | sepm-crypto encrypt --kcs-env SEPM_KCS > dir.tar.sce',
    ],
  },
  async run(ctx) {
    const kcs = await kcsFrom(ctx.io, ctx.values, 'encrypt');
    const data = await mainInput(ctx.io, ctx.positionals, 'the data to encrypt');
    const envelope = encryptContent(data, kcs);
    await emitData(ctx, envelope, {
      field: 'envelope',
      summary: { bytes: envelope.length, kcsFingerprint: kcs.fingerprint() },
      human: (to) => [
        `Encrypted ${data.length} bytes -> ${envelope.length}-byte envelope -> ${to}`,
        `Site key fingerprint: ${kcs.fingerprint()}`,
      ],
    });
  },
};

/** `decrypt`. */
export const decryptCommand: Command = {
  spec: {
    name: 'decrypt',
    args: '[FILE|-]',
    summary:
      'Check and decrypt a content envelope (exit 1 when the key is wrong or data tampered).',
    options: { ...KEY_OPTIONS, ...OUT_OPTION },
    examples: ['decrypt report.sce --sylink sylink.xml -o report.pdf'],
  },
  async run(ctx) {
    const kcs = await kcsFrom(ctx.io, ctx.values, 'decrypt');
    const envelope = await mainInput(ctx.io, ctx.positionals, 'the envelope');
    let data;
    try {
      data = decryptContent(envelope, kcs);
    } catch (e) {
      if (!isSepmError(e) || e.code !== 'ERR_CONTENT_DECRYPT_FAILED') throw e;
      ctx.io.stderr.write(
        ctx.json
          ? JSON.stringify({ error: { exitCode: EXIT_FAILED, code: e.code, message: e.message } }) +
              '\n'
          : `${ctx.program} ${ctx.command}: decryption failed: wrong site key or tampered data (${e.code})\n`,
      );
      return EXIT_FAILED;
    }
    await emitData(ctx, data, {
      field: 'data',
      summary: { bytes: data.length, kcsFingerprint: kcs.fingerprint() },
      human: (to) => [`Decrypted ${data.length} bytes -> ${to}`],
      mode: 0o600,
    });
    return 0;
  },
};
