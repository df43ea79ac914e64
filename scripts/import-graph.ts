/**
 * The import graph of `src/`: every relative import (value and type) of every `.ts` file,
 * its cycles, and the imports that break the layering (a pure module importing `src/node/` or
 * `src/cli/`). Used by test/misc/import-graph.test.ts;
 * `node --import tsx scripts/import-graph.ts` prints the findings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return filesUnder(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** The graph: file (relative to the repository) to the files it imports, and its externals. */
export function importGraph(root: string): Map<string, { local: string[]; external: string[] }> {
  const graph = new Map<string, { local: string[]; external: string[] }>();
  for (const file of filesUnder(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const local: string[] = [];
    const external: string[] = [];
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) {
        external.push(spec);
        continue;
      }
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      local.push(relative(root, target));
    }
    graph.set(relative(root, file), { local, external });
  }
  return graph;
}

/** Every elementary cycle found by a depth-first search (each reported once, from its entry). */
export function cycles(graph: Map<string, { local: string[] }>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'active');
    stack.push(f);
    for (const t of graph.get(f)?.local ?? []) {
      if (state.get(t) === 'active') found.push([...stack.slice(stack.indexOf(t)), t]);
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return found;
}

const IO_SIDE = /^src\/(node|cli)\//;

/** Imports of pure modules that reach `src/node/` or `src/cli/`. */
export function layeringViolations(graph: Map<string, { local: string[] }>): string[] {
  const out: string[] = [];
  for (const [f, { local }] of graph) {
    if (IO_SIDE.test(f)) continue;
    for (const t of local) if (IO_SIDE.test(t)) out.push(`${f} -> ${t}`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = importGraph(resolve(import.meta.dirname, '..'));
  console.log(`${graph.size} files`);
  for (const c of cycles(graph)) console.log(`cycle: ${c.join(' -> ')}`);
  for (const v of layeringViolations(graph)) console.log(`layering: ${v}`);
}
