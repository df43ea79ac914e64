/**
 * `npm run test:explore`: the property tests (every test file that imports fast-check) under fresh
 * random seeds, pass after pass. `npm test` runs them under one fixed seed
 * (test/helpers/property_seed.ts) so that the same code always gets the same verdict; this command
 * is where new counterexamples are looked for.
 *
 *   npm run test:explore                 5 passes
 *   npm run test:explore -- --passes 40  more
 *   npm run test:explore -- --seed 123   one pass with that seed (replay)
 *
 * Stops at the first failing pass, printing its seed and the command that replays it; exit 1.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomInt } from 'node:crypto';

const root = join(import.meta.dirname, '..');

/** Test files under test/ (slow and packaging suites excluded) that import fast-check. */
function propertyTestFiles(dir = join(root, 'test')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory())
      return d.name === 'slow' || d.name === 'packaging' ? [] : propertyTestFiles(path);
    return d.name.endsWith('.test.ts') && readFileSync(path, 'utf8').includes("'fast-check'")
      ? [relative(root, path)]
      : [];
  });
}

function option(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const n = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} expects a non-negative integer`);
    process.exit(2);
  }
  return n;
}

const fixedSeed = option('seed');
const passes = fixedSeed === undefined ? (option('passes') ?? 5) : 1;
const files = propertyTestFiles();
console.log(`${files.length} property test files, ${passes} pass(es)`);
for (let pass = 1; pass <= passes; pass++) {
  const seed = fixedSeed ?? randomInt(2 ** 31 - 1);
  const started = Date.now();
  const run = spawnSync('npx', ['vitest', 'run', ...files], {
    cwd: root,
    env: { ...process.env, FC_SEED: String(seed) },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (run.status !== 0) {
    process.stdout.write(run.stdout + run.stderr);
    console.error(`pass ${pass}: FAILED with FC_SEED=${seed} (${seconds} s)`);
    console.error(
      `replay: FC_SEED=${seed} npx vitest run <file> (or npm run test:explore -- --seed ${seed})`,
    );
    process.exit(1);
  }
  console.log(`pass ${pass}: FC_SEED=${seed} passed (${seconds} s)`);
}
