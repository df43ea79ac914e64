// A longer fuzz pass for `npm run test:slow` (CI): 50,000 mutated inputs per parser and 1,000
// requests per HTTP target, with a seed that changes every day (printed, so a failure can be
// replayed with `npm run fuzz -- --parser NAME --seed SEED --replay INDEX`). The full soak of
// 100,000 inputs per target is `npm run fuzz -- --inputs 100000` (docs/limits.md).
import { describe, it, expect } from 'vitest';
import { HTTP_TARGETS, PARSER_TARGETS, runFuzz } from '../../scripts/fuzz/run.js';

const SEED = Math.floor(Date.now() / 86_400_000);

describe(`fuzz soak (seed ${SEED})`, () => {
  it('parsers: 50,000 inputs each, only SepmErrors, under the CPU and heap bounds', async () => {
    const run = await runFuzz({ seed: SEED, targets: PARSER_TARGETS, inputs: 50_000 });
    console.log(
      `fuzz soak seed ${SEED}:`,
      run.reports
        .map((r) => `${r.name} ${r.inputs} in ${(r.totalMs / 1000).toFixed(1)} s`)
        .join(', '),
    );
    expect(
      run.failures.map((f) => `${f.target} #${f.index} ${f.kind}: ${f.detail}\n${f.minimalHex}`),
    ).toEqual([]);
    expect(run.processErrors).toEqual([]);
    expect(run.reports.every((r) => r.inputs === 50_000)).toBe(true);
  }, 600_000);

  it('HTTP endpoints: 1,000 requests each, no 500, no handler error, still serving', async () => {
    const run = await runFuzz({ seed: SEED, targets: HTTP_TARGETS, inputs: 1000, httpIdleMs: 80 });
    expect(run.failures.map((f) => `${f.target} #${f.index}: ${f.detail}`)).toEqual([]);
    expect(run.processErrors).toEqual([]);
    expect(run.managerHealthy).toBe(true);
    expect(run.reports.every((r) => r.inputs === 1000)).toBe(true);
  }, 600_000);
});
