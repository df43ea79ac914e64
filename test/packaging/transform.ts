/**
 * Turns a TypeScript program written against the package (README snippets, examples/, the chain
 * fixture) into an ES module and a CommonJS module that a consumer runs with plain Node, so the
 * same source checks `import` and `require` of the installed tarball.
 */
import { transformSync } from 'esbuild';

/** Import paths the examples use to run from source, and the package names they stand for. */
const SOURCE_IMPORTS: readonly [string, string][] = [
  ['../src/node/index.js', 'sepm-crypto/node'],
  ['../src/index.js', 'sepm-crypto'],
];

/** Points the examples' source imports at the package. */
export function usePackageImports(source: string): string {
  let out = source;
  for (const [from, to] of SOURCE_IMPORTS) out = out.replaceAll(`'${from}'`, `'${to}'`);
  return out;
}

/**
 * Splits a module into its leading import statements and the rest, and wraps the rest in an
 * async function: CommonJS has no top-level await.
 */
export function wrapBodyForCjs(source: string): string {
  const imports: string[] = [];
  const body = source.replace(/^import\s[\s\S]*?['"][^'"\n]+['"];[ \t]*$/gm, (statement) => {
    imports.push(statement);
    return '';
  });
  return `${imports.join('\n')}
(async () => {
${body}
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
`;
}

/** The program as JavaScript in the given module format. */
export function toModule(source: string, format: 'esm' | 'cjs'): string {
  const input = format === 'cjs' ? wrapBodyForCjs(source) : source;
  return transformSync(input, { loader: 'ts', format, target: 'node20' }).code;
}
