// Child process of crash-kill.test.ts: imports two identities into the site in turn, forever,
// until the parent kills it with SIGKILL (no cleanup, no finally blocks, like a power cut for
// the process; the kernel still has the written data).
import { readFileSync } from 'node:fs';
import { importCertificate } from '../../src/node/site/import.js';

const [dir, a, b] = process.argv.slice(2) as [string, string, string];
const materials = [new Uint8Array(readFileSync(a)), new Uint8Array(readFileSync(b))];
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  await importCertificate(dir, materials[i % 2]!, { password: 'pw' });
  process.stdout.write(`imported ${i}\n`);
}
