/**
 * Every CLI command, by the words that name it.
 *
 * @module
 */
import type { Command } from '../command.js';
import { certShowCommand } from './cert.js';
import { decryptCommand, encryptCommand } from './content.js';
import { demoCommand } from './demo.js';
import { initCommand } from './init.js';
import { keystoreConvertCommand, keystoreListCommand } from './keystore.js';
import { openCommand, sealCommand, signCommand, verifyCommand } from './policy.js';
import { serveCommand } from './serve.js';
import { sylinkBuildCommand, sylinkShowCommand } from './sylink.js';

/** Commands in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  serveCommand,
  demoCommand,
  signCommand,
  verifyCommand,
  sealCommand,
  openCommand,
  encryptCommand,
  decryptCommand,
  keystoreListCommand,
  keystoreConvertCommand,
  sylinkShowCommand,
  sylinkBuildCommand,
  certShowCommand,
];

/** Group words (`keystore`, `sylink`, `cert`) and their sub-commands. */
export const GROUPS: ReadonlyMap<string, readonly Command[]> = (() => {
  const m = new Map<string, Command[]>();
  for (const c of COMMANDS) {
    const [group, sub] = c.spec.name.split(' ');
    if (sub === undefined) continue;
    let list = m.get(group!);
    if (list === undefined) m.set(group!, (list = []));
    list.push(c);
  }
  return m;
})();
