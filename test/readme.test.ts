/**
 * Every TypeScript snippet of README.md runs as it is (imports of `sepm-crypto` and
 * `sepm-crypto/node` pointed at the sources), and every `console.log(...); // expected` comment
 * matches the line the snippet printed (`…` matches anything).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedLines, tsSnippets } from './helpers/snippets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const snippets = tsSnippets(readme);
const work = mkdtempSync(join(tmpdir(), 'sepm-readme-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README.md', () => {
  it('has the quick-start snippets, each importing the package', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(6);
    for (const code of snippets) expect(code).toMatch(/from 'sepm-crypto(\/node)?'/);
  });

  snippets.forEach((code, index) => {
    const title =
      code
        .split('\n')
        .find((l) => l.startsWith('import'))
        ?.slice(0, 70) ?? '';
    it(`snippet ${index + 1} runs and prints what it says: ${title}`, () => {
      const source = code
        .replaceAll("from 'sepm-crypto/node'", `from '${join(root, 'src/node/index.ts')}'`)
        .replaceAll("from 'sepm-crypto'", `from '${join(root, 'src/index.ts')}'`);
      const file = join(work, `snippet-${index + 1}.mts`);
      writeFileSync(file, source);
      const out = execFileSync(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const printed = out.trimEnd().split('\n');
      const expected = expectedLines(code);
      expect(printed.length).toBe(expected.length);
      expected.forEach((pattern, i) => expect(printed[i]).toMatch(pattern));
    });
  });
});
