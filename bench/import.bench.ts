/**
 * Issue 16 import cost: a fresh `node` process that imports nothing, `sepm-crypto/twofish`, the
 * root `sepm-crypto`, and, to say where the root's time goes, its heaviest dependencies alone.
 * Uses the built `dist/` (run `npm run build` first), resolved through the package's own
 * `exports` from the checkout.
 *
 * Run: `node --import tsx bench/import.bench.ts`. Environment: IMPORT_BENCH_RUNS (default 21).
 * Method: the cases are interleaved run by run; each figure is the median over runs of the
 * process's wall time (spawn to exit), its CPU time (user + system, from inside), and the time
 * from process start to the end of the import (`performance.now()` inside).
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Math.max(3, Number(process.env.IMPORT_BENCH_RUNS ?? 21));
const CASES: Record<string, string> = {
  'bare node': '',
  'an empty ES module (the loader itself)':
    "await import('data:text/javascript,export%20const%20x=1');",
  'sepm-crypto/twofish': "await import('sepm-crypto/twofish');",
  'sepm-crypto (root)': "await import('sepm-crypto');",
  'reflect-metadata alone': "await import('reflect-metadata');",
  'reflect-metadata + @peculiar/x509 alone':
    "await import('reflect-metadata'); await import('@peculiar/x509');",
  'saxes alone': "await import('saxes');",
};
const REPORT =
  ';const u = process.cpuUsage(); console.log(JSON.stringify([(u.user + u.system) / 1000, performance.now()]));';

const samples = new Map(Object.keys(CASES).map((k) => [k, [[], [], []] as number[][]]));
for (let i = 0; i < RUNS; i++) {
  for (const [name, code] of Object.entries(CASES)) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code + REPORT], {
      cwd: root,
      encoding: 'utf8',
    });
    const wall = performance.now() - t;
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    const [cpu, inner] = JSON.parse(r.stdout.trim().split('\n').pop()!) as [number, number];
    const [w, c, n] = samples.get(name)!;
    w!.push(wall);
    c!.push(cpu);
    n!.push(inner);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const bare = samples.get('bare node')!.map(median);
console.log(
  `Import cost, ${new Date().toISOString().slice(0, 10)}; Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}; median of ${RUNS} runs.\n`,
);
console.log('| process | wall ms | CPU ms | start to end of import, ms |');
console.log('|---|---:|---:|---:|');
for (const [name, s] of samples) {
  const m = s.map(median);
  const cell = (i: number) =>
    name === 'bare node'
      ? m[i]!.toFixed(1)
      : `${m[i]!.toFixed(1)} (+${(m[i]! - bare[i]!).toFixed(1)})`;
  console.log(`| ${name} | ${cell(0)} | ${cell(1)} | ${cell(2)} |`);
}
