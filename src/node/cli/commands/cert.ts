/**
 * `cert show`: what a certificate file holds (subject, validity, key, fingerprints), for PEM
 * bundles and DER files.
 *
 * @module
 */
import type { Command } from '../command.js';
import { output } from '../command.js';
import { certificateLines, certificateView } from '../format.js';
import { readInput } from '../io.js';
import { certificatesOf } from '../load.js';

/** `cert show`. */
export const certShowCommand: Command = {
  spec: {
    name: 'cert show',
    args: '[FILE|-]',
    summary: 'Show the certificates of a PEM or DER file (subject, validity, key, fingerprints).',
    options: {},
    examples: ['cert show site/server.crt', 'cert show server.crt --json'],
  },
  async run(ctx) {
    const bytes = await readInput(ctx.io, ctx.positionals[0], 'the certificate file');
    const views = certificatesOf(bytes, ctx.positionals[0] ?? 'stdin').map((c) =>
      certificateView(c),
    );
    output(ctx, { certificates: views }, () =>
      views.flatMap((v, i) => [
        ...(views.length > 1 ? [`Certificate ${i + 1} of ${views.length}`] : []),
        ...certificateLines(v, views.length > 1 ? '  ' : ''),
      ]),
    );
  },
};
