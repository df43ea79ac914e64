/**
 * Which Node built-ins a bundle entry reaches: follows the entry's relative imports and requires
 * through the shared chunks and collects every bare specifier that names a built-in, written with
 * or without the `node:` prefix (the build strips the prefix, so a check for `"node:fs"` alone
 * could never fail).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const BUILTINS = new Set(builtinModules.map((m) => m.replace(/^node:/, '')));

/** Built-ins that do I/O; the pure root entry must reach none of them. */
export const IO_BUILTINS: readonly string[] = [
  'fs',
  'fs/promises',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
  'inspector',
];

/** `from 'x'`, `import 'x'`, `import('x')`, `require('x')`, any quote. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"'\n]+)\1/g;

/** The built-ins (without `node:`) that `entry` in `dist` reaches, sorted. */
export function builtinsReached(dist: string, entry: string): string[] {
  const seen = new Set<string>();
  const found = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(dist, file), 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[2]!;
      if (spec.startsWith('./')) queue.push(spec.slice(2));
      else if (BUILTINS.has(spec.replace(/^node:/, ''))) found.add(spec.replace(/^node:/, ''));
    }
  }
  return [...found].sort();
}
