/**
 * `npm run demo`: a manager's work end to end, on loopback, in a temporary directory.
 *
 * Creates a site (identity, site key, keystore.jks, sylink.xml), starts the manager on free
 * ports, publishes a sealed sample policy, runs a client heartbeat over HTTPS and over HTTP,
 * lists keystore.jks with keytool when it is installed, and shuts down. The steps are in
 * `runDemo` of sepm-crypto/node (the CLI's `sepm-crypto demo` runs the same code); run-manager.ts in
 * this folder shows the same flow written out with the public API.
 *
 * Runs from source with tsx, so it needs only `npm install` (no build).
 */
import { demoLines, runDemo } from '../src/node/index.js';

const keep = process.argv.includes('--keep');
const summary = await runDemo({ keep, log: (line) => console.log(line) });
console.log(demoLines(summary).join('\n'));
process.exitCode = summary.ok ? 0 : 1;
