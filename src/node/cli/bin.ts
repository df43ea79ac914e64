/**
 * Process entry of the `sepm-crypto` CLI (built to `dist/cli.js`; `bin/sepm-crypto.js` loads
 * it). Sets the exit code and lets pending output drain instead of calling `process.exit`.
 *
 * @module
 */
import { run } from './main.js';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // run() reports every error itself; reaching here is a bug in the CLI.
    process.stderr.write(`sepm-crypto: internal error: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
