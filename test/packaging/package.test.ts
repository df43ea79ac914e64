/**
 * Packaging checks (issue 8): the package as users meet it. Builds, packs the tarball, installs it
 * into a fresh temporary project, and checks ESM import and CJS require of both entries, error
 * identity across subpaths, publint, are-the-types-wrong, and that the root bundle does no I/O.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let work: string;
let tarball: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sepm-pack-'));
  run('npm', ['run', 'build', '--silent'], root);
  const out = run('npm', ['pack', '--json', '--pack-destination', work], root);
  tarball = join(work, (JSON.parse(out) as { filename: string }[])[0]!.filename);
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], work);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the published package', () => {
  it('ships dist, src and the docs, but no tests', () => {
    const out = run('npm', ['pack', '--dry-run', '--json'], root);
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.cjs');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/node.js');
    expect(files).toContain('README.md');
    expect(files.some((f) => f.startsWith('test/'))).toBe(false);
    expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
  });

  it('loads with ESM import and CJS require, root and ./node, with one SepmError class', () => {
    writeFileSync(
      join(work, 'esm.mjs'),
      `import * as root from 'sepm-crypto';
       import * as node from 'sepm-crypto/node';
       const k = root.Kcs.generate();
       let e; try { root.Kcs.parse('nope'); } catch (x) { e = x; }
       console.log(JSON.stringify({ kcs: k.toString().length, sameClass: root.SepmError === node.SepmError,
         instanceofOther: e instanceof node.SepmError, code: e.code, is: node.isSepmError(e) }));`,
    );
    writeFileSync(
      join(work, 'cjs.cjs'),
      `const root = require('sepm-crypto');
       const node = require('sepm-crypto/node');
       let e; try { root.Kcs.parse('nope'); } catch (x) { e = x; }
       console.log(JSON.stringify({ kcs: root.Kcs.generate().toString().length, sameClass: root.SepmError === node.SepmError,
         instanceofOther: e instanceof node.SepmError, code: e.code, is: node.isSepmError(e) }));`,
    );
    const expected = {
      kcs: 32,
      sameClass: true,
      instanceofOther: true,
      code: 'ERR_KCS_INVALID',
      is: true,
    };
    expect(JSON.parse(run('node', ['esm.mjs'], work))).toEqual(expected);
    expect(JSON.parse(run('node', ['cjs.cjs'], work))).toEqual(expected);
  });

  it('recognises an error from the CJS build in the ESM build by isSepmError and code', () => {
    writeFileSync(
      join(work, 'dual.mjs'),
      `import { createRequire } from 'node:module';
       import * as esm from 'sepm-crypto';
       const cjs = createRequire(import.meta.url)('sepm-crypto');
       let e; try { cjs.Kcs.parse(''); } catch (x) { e = x; }
       console.log(JSON.stringify({ is: esm.isSepmError(e), code: e.code }));`,
    );
    expect(JSON.parse(run('node', ['dual.mjs'], work))).toEqual({
      is: true,
      code: 'ERR_KCS_INVALID',
    });
  });

  it('keeps node:fs, node:https and friends out of the root bundle and its chunks', () => {
    const dist = join(work, 'node_modules', 'sepm-crypto', 'dist');
    const rootJs = readFileSync(join(dist, 'index.js'), 'utf8');
    // Follow the root entry's static imports through the shared chunks.
    const seen = new Set<string>();
    const queue = ['index.js'];
    let text = '';
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const src = file === 'index.js' ? rootJs : readFileSync(join(dist, file), 'utf8');
      text += src;
      for (const m of src.matchAll(/from\s*["']\.\/([^"']+\.js)["']/g)) queue.push(m[1]!);
    }
    for (const io of [
      'node:fs',
      'node:https',
      'node:http',
      'node:net',
      'node:tls',
      'node:child_process',
    ]) {
      expect(text, io).not.toContain(`"${io}"`);
      expect(text, io).not.toContain(`'${io}'`);
    }
    expect(readdirSync(dist)).toContain('node.js');
  });

  it('passes publint and are-the-types-wrong', () => {
    const publint = run(join(root, 'node_modules', '.bin', 'publint'), ['--strict', tarball], root);
    expect(publint).not.toMatch(/error|warning/i);
    // The node16 profile checks what Node 20 users meet: ESM and CJS resolution of both
    // entries. It ignores node10 resolution (TypeScript's legacy `moduleResolution: node`, which
    // cannot see an exports map); the only problems allowed are of that kind.
    const attw = JSON.parse(
      run(
        join(root, 'node_modules', '.bin', 'attw'),
        ['--profile', 'node16', '--format', 'json', tarball],
        root,
      ),
    ) as { problems: Record<string, { resolutionKind?: string }[]> };
    const problems = Object.values(attw.problems).flat();
    expect(problems.filter((p) => p.resolutionKind !== 'node10')).toEqual([]);
  });
});
