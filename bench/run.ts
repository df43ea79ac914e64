/**
 * `npm run bench`: runs every bench/*.bench.ts in its own fresh Node process, one after the
 * other (never in parallel: the machine has 2 cores and the figures are ratios measured within
 * one run). Pass names to run a subset: `npm run bench -- twofish policy`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${file} exited with ${r.status ?? r.signal}`);
  }
}
console.log(`\n${files.length - failed} benchmark files ran, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
