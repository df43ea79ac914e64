/**
 * `npm run fuzz`: the mutation fuzzer over every parser and every HTTP endpoint of a manager.
 *
 *   npm run fuzz                                  60 s over all targets (seed from the clock)
 *   npm run fuzz -- --seconds 300                 a longer time budget
 *   npm run fuzz -- --inputs 100000               the soak pass: 100,000 inputs per target
 *   npm run fuzz -- --parser jks,pem --seed 7     some targets, a fixed seed
 *   npm run fuzz -- --parser jks --seed 7 --replay 1234    rerun one input
 *
 * Exit status 0 when every input ended in a SepmError or a result within the time bound and the
 * heap stayed under the bound; 1 otherwise, after printing the seed and the minimal failing
 * input in hex. See SECURITY.md and docs/limits.md.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TARGETS, runFuzz } from './fuzz/run.js';

const USAGE = `usage: npm run fuzz -- [--seconds N] [--inputs N] [--parser a,b] [--seed N]
                     [--replay INDEX] [--max-ms 2000] [--max-wall-ms 10000] [--heap-mb 512] [--json]
targets: ${ALL_TARGETS.join(', ')}`;

function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (v !== undefined) out[k] = v;
    else if (k === 'json' || k === 'help') out[k] = true;
    else {
      const next = argv[++i];
      if (next === undefined) throw new Error(`--${k} needs a value`);
      out[k] = next;
    }
  }
  return out;
}

function num(v: string | true | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n < 0)
    throw new Error(`--${name}: bad number`);
  return n;
}

async function main(): Promise<number> {
  let args: Record<string, string | true>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help === true) {
    console.log(USAGE);
    return 0;
  }
  const inputs = num(args.inputs, 'inputs');
  // Time-bounded by default; an explicit --inputs runs to completion unless --seconds is given.
  const seconds = num(args.seconds, 'seconds') ?? (inputs === undefined ? 60 : undefined);
  const seed = num(args.seed, 'seed') ?? Date.now() % 0x7fffffff;
  const replay = num(args.replay, 'replay');
  const maxMs = num(args['max-ms'], 'max-ms');
  const heapMb = num(args['heap-mb'], 'heap-mb');
  const maxWallMs = num(args['max-wall-ms'], 'max-wall-ms');
  const targets =
    typeof args.parser === 'string'
      ? args.parser.split(',').filter((s) => s.length > 0)
      : undefined;
  if (replay !== undefined && targets?.length !== 1) {
    console.error('--replay needs exactly one --parser');
    return 2;
  }
  console.log(
    `fuzz: seed ${seed}, ${inputs ?? 'unlimited'} inputs per target, ` +
      `${seconds === undefined ? 'no time limit' : `${seconds} s total`}`,
  );
  const run = await runFuzz({
    seed,
    ...(targets !== undefined ? { targets } : {}),
    ...(inputs !== undefined ? { inputs } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
    ...(replay !== undefined ? { replay } : {}),
    ...(maxMs !== undefined ? { maxMs } : {}),
    ...(maxWallMs !== undefined ? { maxWallMs } : {}),
    ...(heapMb !== undefined ? { maxHeapBytes: heapMb * 2 ** 20 } : {}),
    onTarget: (r) => {
      if (args.json === true) return;
      const codes = Object.entries(r.codes)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ');
      console.log(
        `${r.name.padEnd(18)} ${String(r.inputs).padStart(7)} inputs in ${(r.totalMs / 1000).toFixed(1).padStart(6)} s` +
          ` (${((r.totalMs * 1000) / Math.max(1, r.inputs)).toFixed(0)} us/input), accepted ${r.accepted},` +
          ` slowest ${r.slowestMs.toFixed(1)} ms CPU (#${r.slowestIndex}) / ${r.slowestWallMs.toFixed(1)} ms wall, peak heap ${(r.peakHeapBytes / 2 ** 20).toFixed(0)} MiB,` +
          ` failures ${r.failures.length}${codes ? `; top outcomes: ${codes}` : ''}`,
      );
    },
  });
  if (args.json === true) console.log(JSON.stringify(run, null, 2));
  for (const f of run.failures) {
    // Long inputs go to a file; the terminal gets their head.
    const file = join(tmpdir(), `sepm-fuzz-${f.target}-${f.seed}-${f.index}.hex`);
    await writeFile(file, `${f.inputHex}\n${f.minimalHex}\n`);
    const head = (hex: string) =>
      hex.length <= 4096
        ? hex
        : `${hex.slice(0, 4096)}... (${hex.length / 2} bytes; all in ${file})`;
    console.error(
      `\nFAILURE ${f.kind} in ${f.target}: seed ${f.seed} index ${f.index} (mutations: ${f.steps.join(', ')})\n` +
        `${f.detail}\ninput (hex): ${head(f.inputHex)}\nminimal input (hex): ${head(f.minimalHex)}\n` +
        `replay: npm run fuzz -- --parser ${f.target} --seed ${f.seed} --replay ${f.index}`,
    );
  }
  for (const e of run.processErrors) console.error(`\nPROCESS ERROR: ${e}`);
  if (run.managerHealthy === false)
    console.error('\nthe manager stopped answering a well-formed request');
  const total = run.reports.reduce((n, r) => n + r.inputs, 0);
  const ok =
    run.failures.length === 0 && run.processErrors.length === 0 && run.managerHealthy !== false;
  console.log(
    `\nfuzz ${ok ? 'passed' : 'FAILED'}: ${total} inputs, ${run.failures.length} failures, seed ${seed}`,
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
