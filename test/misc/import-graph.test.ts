// The import graph of src/ has no cycles, and pure modules never import the Node facade
// (docs/node.md "Layout"; DESIGN "arrows point one way").
import { describe, it, expect } from 'vitest';
import { resolve } from 'node:path';
import { cycles, importGraph, layeringViolations } from '../../scripts/import-graph.js';

const graph = importGraph(resolve(import.meta.dirname, '../..'));

describe('import graph of src/', () => {
  it('reads every module and follows relative imports', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src/node/manager/manager.ts')!.local).toContain(
      'src/node/manager/policy_store.ts',
    );
  });

  it('has no cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const g = new Map([
      ['a.ts', { local: ['b.ts'] }],
      ['b.ts', { local: ['a.ts'] }],
    ]);
    expect(cycles(g)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });

  it('keeps pure modules away from src/node/ and src/cli/', () => {
    expect(layeringViolations(graph)).toEqual([]);
    expect(
      layeringViolations(new Map([['src/kcs.ts', { local: ['src/node/digest.ts'] }]])),
    ).toEqual(['src/kcs.ts -> src/node/digest.ts']);
  });
});
