/**
 * Every `ts` code block of `docs/*.md` typechecks against the sources, as a user would paste it:
 * `sepm-crypto` and `sepm-crypto/node` resolve to `src/index.ts` and `src/node/index.ts`, and
 * each block is its own module under the project's strict compiler options. (README snippets are
 * run, not only typechecked, by test/readme.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const docs = join(root, 'docs');

interface Block {
  doc: string;
  line: number;
  code: string;
}

/** Every ```ts block of one Markdown file, with the line it starts on. */
export function tsBlocks(doc: string, text: string): Block[] {
  const blocks: Block[] = [];
  for (const m of text.matchAll(/^```ts\n([\s\S]*?)^```/gm)) {
    blocks.push({ doc, line: text.slice(0, m.index).split('\n').length, code: m[1]! });
  }
  return blocks;
}

const blocks = readdirSync(docs)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .flatMap((f) => tsBlocks(`docs/${f}`, readFileSync(join(docs, f), 'utf8')));
// Inside the project (git-ignored .tmp/), so the blocks resolve the project's node_modules.
mkdirSync(join(root, '.tmp'), { recursive: true });
const work = mkdtempSync(join(root, '.tmp', 'docs-blocks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('code blocks in docs/', () => {
  it('finds the ts blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it('typecheck, every one', () => {
    const files = blocks.map((b, i) => {
      const name = `${b.doc.replace(/[^a-z0-9]+/gi, '_')}_L${b.line}_${i}.ts`;
      // `export {}` makes each block a module, so top-level await and local names are its own.
      writeFileSync(join(work, name), `${b.code}\nexport {};\n`);
      return { name, block: b };
    });
    const config = {
      extends: join(root, 'tsconfig.json'),
      compilerOptions: {
        noUnusedLocals: false,
        paths: {
          'sepm-crypto': [join(root, 'src/index.ts')],
          'sepm-crypto/node': [join(root, 'src/node/index.ts')],
        },
        allowImportingTsExtensions: true,
      },
      include: files.map((f) => f.name),
    };
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(config));
    let out = '';
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', work], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    // Name the doc and line of each failing block, not the temporary file.
    for (const { name, block } of files) {
      out = out.replaceAll(name, `${block.doc} (block at line ${block.line})`);
    }
    expect(out).toBe('');
  }, 120_000);
});
