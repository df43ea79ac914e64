/**
 * Packaging checks: the package as users meet it. The global setup (test/packaging/setup.ts)
 * builds, packs and installs the tarball into a fresh consumer project; these tests check what it
 * ships, that both entries load under `import` and `require` with one error class, that the pure
 * root reaches no I/O built-in, publint and are-the-types-wrong, and the dependency path of the
 * README (`npx sepm-crypto demo`).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { IO_BUILTINS, builtinsReached } from './builtins.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const consumer = inject('consumer');
const tarball = inject('tarball');
const dist = join(consumer, 'node_modules', 'sepm-crypto', 'dist');
const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the published package', () => {
  it('ships dist, src, docs, examples, SECURITY.md and the README, but no tests', () => {
    const out = run('npm', ['pack', '--dry-run', '--json'], root);
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of [
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
      'dist/node.js',
      'dist/node.cjs',
      'README.md',
      'SECURITY.md',
      'CHANGELOG.md',
      'LICENSE',
      'docs/formats.md',
      'docs/protocol.md',
      'examples/README.md',
      'examples/sign-and-verify.ts',
      'src/index.ts',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.some((f) => f.startsWith('test/'))).toBe(false);
    expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
    expect(files.some((f) => f.startsWith('docs/api/'))).toBe(false);
    // Every relative link of the README points at a file the tarball ships.
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const m of readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)) {
      const link = m[1]!.replace(/^\.\//, '');
      const shipped = link.endsWith('/')
        ? files.some((f) => f.startsWith(link))
        : files.includes(link);
      expect(shipped, `README link ${link}`).toBe(true);
    }
  });

  it('names its repository, homepage and issue tracker', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      repository?: { url?: string };
      homepage?: string;
      bugs?: { url?: string };
    };
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\/.+\/issues$/);
  });

  it('loads with ESM import and CJS require, root and ./node, with one SepmError class', () => {
    writeFileSync(
      join(consumer, 'esm.mjs'),
      `import * as root from 'sepm-crypto';
       import * as node from 'sepm-crypto/node';
       const k = root.Kcs.generate();
       let e; try { root.Kcs.parse('nope'); } catch (x) { e = x; }
       console.log(JSON.stringify({ kcs: k.bytes.length, sameClass: root.SepmError === node.SepmError,
         instanceofOther: e instanceof node.SepmError, code: e.code, is: node.isSepmError(e) }));`,
    );
    writeFileSync(
      join(consumer, 'cjs.cjs'),
      `const root = require('sepm-crypto');
       const node = require('sepm-crypto/node');
       let e; try { root.Kcs.parse('nope'); } catch (x) { e = x; }
       console.log(JSON.stringify({ kcs: root.Kcs.generate().bytes.length, sameClass: root.SepmError === node.SepmError,
         instanceofOther: e instanceof node.SepmError, code: e.code, is: node.isSepmError(e) }));`,
    );
    const expected = {
      kcs: 16,
      sameClass: true,
      instanceofOther: true,
      code: 'ERR_KCS_INVALID',
      is: true,
    };
    expect(JSON.parse(run('node', ['esm.mjs'], consumer))).toEqual(expected);
    expect(JSON.parse(run('node', ['cjs.cjs'], consumer))).toEqual(expected);
  });

  it('exports the same names, each defined, under import and require', () => {
    const names = (how: string) =>
      JSON.parse(
        run(
          'node',
          [
            '--input-type=module',
            '-e',
            `import { createRequire } from 'node:module';
             const require = createRequire(process.cwd() + '/x.js');
             const load = { esm: (s) => import(s), cjs: async (s) => require(s) }[${JSON.stringify(how)}];
             const out = {};
             for (const s of ['sepm-crypto', 'sepm-crypto/node']) {
               const m = await load(s);
               out[s] = Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort()
                 .map((k) => k + ':' + (m[k] === undefined ? 'undefined' : typeof m[k]));
             }
             console.log(JSON.stringify(out));`,
          ],
          consumer,
        ),
      ) as Record<string, string[]>;
    const esm = names('esm');
    const cjs = names('cjs');
    expect(cjs).toEqual(esm);
    for (const list of Object.values(esm)) {
      expect(list.length).toBeGreaterThan(20);
      expect(list.filter((k) => k.endsWith(':undefined'))).toEqual([]);
    }
    expect(esm['sepm-crypto']).toContain('X509Certificate:function');
  });

  it('recognises an error from the CJS build in the ESM build by isSepmError and code', () => {
    writeFileSync(
      join(consumer, 'dual.mjs'),
      `import { createRequire } from 'node:module';
       import * as esm from 'sepm-crypto';
       const cjs = createRequire(import.meta.url)('sepm-crypto');
       let e; try { cjs.Kcs.parse(''); } catch (x) { e = x; }
       console.log(JSON.stringify({ is: esm.isSepmError(e), code: e.code }));`,
    );
    expect(JSON.parse(run('node', ['dual.mjs'], consumer))).toEqual({
      is: true,
      code: 'ERR_KCS_INVALID',
    });
  });

  it('keeps I/O built-ins (fs, https, child_process, ...) out of the root entry and its chunks', () => {
    for (const entry of ['index.js', 'index.cjs']) {
      const io = builtinsReached(dist, entry).filter((m) => IO_BUILTINS.includes(m));
      expect(io, entry).toEqual([]);
    }
    // The Node entry does reach them: the walk sees through the chunks.
    expect(builtinsReached(dist, 'node.js')).toEqual(
      expect.arrayContaining(['fs/promises', 'https']),
    );
    expect(builtinsReached(dist, 'node.cjs')).toEqual(
      expect.arrayContaining(['fs/promises', 'https']),
    );
  });

  it('the built-ins check catches a planted import, with or without the node: prefix', () => {
    const copy = mkdtempSync(join(tmpdir(), 'sepm-planted-'));
    try {
      for (const [entry, line, expected] of [
        ['index.js', `import "fs";`, 'fs'],
        ['index.js', `export { get } from 'node:https';`, 'https'],
        ['index.cjs', `require("child_process");`, 'child_process'],
        ['index.cjs', `const n = require('node:net');`, 'net'],
      ] as const) {
        cpSync(dist, copy, { recursive: true });
        // Plant it in a chunk the entry reaches, not in the entry itself.
        const chunk = /["']\.\/(chunk-[A-Z0-9]+\.c?js)["']/.exec(
          readFileSync(join(copy, entry), 'utf8'),
        )![1]!;
        writeFileSync(join(copy, chunk), `${readFileSync(join(copy, chunk), 'utf8')}\n${line}\n`);
        expect(builtinsReached(copy, entry), line).toContain(expected);
        rmSync(copy, { recursive: true, force: true });
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
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

  it('runs the README dependency path: npx sepm-crypto demo in the consumer', () => {
    const out = execFileSync('npx', ['--no-install', 'sepm-crypto', 'demo', '--no-keytool'], {
      cwd: consumer,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(out).toContain('sepm-crypto demo: OK');
    expect(out.match(/decrypted bytes equal the published policy: yes/g)).toHaveLength(2);
  });
});
