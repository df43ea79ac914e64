/**
 * `demo`: the end-to-end demo (site, manager, sealed policy, HTTPS and HTTP client heartbeats,
 * keytool listing) in a temporary directory; the same as `npm run demo`.
 *
 * @module
 */
import { flag } from '../args.js';
import { output, type Command } from '../command.js';
import { demoLines, runDemo } from '../demo.js';
import { EXIT_FAILED } from '../exit.js';

/** `demo`. */
export const demoCommand: Command = {
  spec: {
    name: 'demo',
    summary: 'Run a site, a manager and two clients end to end on loopback, then clean up.',
    details:
      'Creates a site in a fresh temporary directory, starts the manager on free loopback ports,\n' +
      'publishes a sealed sample policy, runs a client heartbeat over HTTPS and over HTTP, lists\n' +
      'keystore.jks with keytool (when installed), and shuts down. Exit status 1 if a check fails.',
    options: {
      keep: { type: 'boolean', description: 'keep the site directory (its path is printed)' },
      'no-keytool': { type: 'boolean', description: 'do not run keytool' },
    },
    maxPositionals: 0,
    examples: ['demo', 'demo --json --keep'],
  },
  async run(ctx) {
    const tty = ctx.io.stderr.isTTY === true;
    const summary = await runDemo({
      keep: flag(ctx.values, 'keep'),
      noKeytool: flag(ctx.values, 'no-keytool'),
      // Steps go to stderr as they happen, so the summary on stdout stays clean.
      log: (line) => {
        if (!ctx.json && !ctx.quiet && tty) ctx.io.stderr.write(line + '\n');
      },
    });
    output(ctx, summary, () => demoLines(summary));
    return summary.ok ? 0 : EXIT_FAILED;
  },
};
