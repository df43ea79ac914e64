// The short pass of the mutation fuzzer (`npm run fuzz` runs the long ones): a few hundred
// mutated inputs per parser and per HTTP endpoint, from a fixed seed, so that it is the same run
// every time. Only SepmErrors may escape a parser, no input may take more than 2 s, the heap
// stays under 512 MiB, the manager never answers 500 nor reports a handler error, and it still
// answers a well-formed request at the end.
import { describe, it, expect } from 'vitest';
import { ALL_TARGETS, HTTP_TARGETS, PARSER_TARGETS, runFuzz } from '../../scripts/fuzz/run.js';

const SEED = 20_261_126;

describe('mutation fuzzer, short pass', () => {
  it('covers the eight parsers and the HTTP endpoints', () => {
    expect(ALL_TARGETS).toEqual([...PARSER_TARGETS, ...HTTP_TARGETS]);
    expect(PARSER_TARGETS.length).toBe(8);
  });

  it('is deterministic: the same seed gives the same inputs and outcomes (committed corpus)', async () => {
    const a = await runFuzz({ seed: 7, targets: ['content', 'jks'], inputs: 200, hangMs: 0 });
    const b = await runFuzz({ seed: 7, targets: ['content', 'jks'], inputs: 200, hangMs: 0 });
    const view = (r: typeof a) => r.reports.map((x) => [x.name, x.accepted, x.codes]);
    expect(view(a)).toEqual(view(b));
    const c = await runFuzz({ seed: 8, targets: ['jks'], inputs: 200, hangMs: 0 });
    expect(view(c)).not.toEqual(view(b).slice(1));
  });

  it('parsers: 600 inputs each, only SepmErrors, each under 2 s', async () => {
    const run = await runFuzz({ seed: SEED, targets: PARSER_TARGETS, inputs: 600, hangMs: 20_000 });
    const summary = run.failures.map(
      (f) => `${f.target} #${f.index} ${f.kind}: ${f.detail}\nminimal: ${f.minimalHex}`,
    );
    expect(summary).toEqual([]);
    expect(run.processErrors).toEqual([]);
    expect(run.reports.map((r) => [r.name, r.inputs])).toEqual(PARSER_TARGETS.map((t) => [t, 600]));
    for (const r of run.reports) {
      // Mutations mostly break the input: the typed refusals dominate, and some still parse.
      const refused = Object.values(r.codes).reduce((a, b) => a + b, 0);
      expect(refused + r.accepted).toBe(600);
      expect(refused, r.name).toBeGreaterThan(300);
      expect(r.slowestMs).toBeLessThan(2000);
    }
  });

  it('HTTP endpoints: 150 requests each (raw and body-only), no 500, no handler error, still serving', async () => {
    // A longer quiet time than the CLI's 30 ms: the suite shares the machine with other files.
    const run = await runFuzz({
      seed: SEED,
      targets: HTTP_TARGETS,
      inputs: 150,
      hangMs: 20_000,
      httpIdleMs: 80,
    });
    expect(run.failures.map((f) => `${f.target} #${f.index}: ${f.detail}`)).toEqual([]);
    expect(run.processErrors).toEqual([]);
    expect(run.managerHealthy).toBe(true);
    for (const r of run.reports) {
      expect(r.inputs).toBe(150);
      // Mutated requests reach the handlers, not only Node's HTTP parser (whose answer is a 400
      // or a closed connection): some other status is among the outcomes.
      const statuses = Object.keys(r.codes);
      expect(
        statuses.some((s) => s !== 'HTTP 400' && s !== 'HTTP 0'),
        `${r.name}: ${statuses}`,
      ).toBe(true);
    }
  });
});
