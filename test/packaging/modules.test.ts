/**
 * CJS = ESM, from the installed tarball: every README snippet, every file of examples/ and a
 * program that touches every module run under `import` and under `require` (the same source,
 * transformed to each), and a TypeScript project that compiles to CommonJS typechecks against the
 * `.d.cts` files. (A `export *` of a dependency in the split CJS build once made every x509 name
 * `undefined` under `require` while ESM worked: these tests are what would have noticed.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { expectedLines, tsSnippets } from '../helpers/snippets.js';
import { toModule, usePackageImports, wrapBodyForCjs } from './transform.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const consumer = inject('consumer');
const formats = ['esm', 'cjs'] as const;

/** Writes the program in `format` into the consumer project and runs it with plain Node. */
function runProgram(name: string, source: string, format: 'esm' | 'cjs', args: string[] = []) {
  const file = join(consumer, `${name}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  writeFileSync(file, toModule(usePackageImports(source), format));
  const r = spawnSync(process.execPath, [file, ...args], {
    cwd: consumer,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, KEYSTORE_PASSWORD: undefined },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('README snippets from the installed package', () => {
  const snippets = tsSnippets(readFileSync(join(root, 'README.md'), 'utf8'));
  it('are there', () => expect(snippets.length).toBeGreaterThanOrEqual(6));
  snippets.forEach((code, index) => {
    it.each(formats)(`snippet ${index + 1} under %s prints what it says`, (format) => {
      const r = runProgram(`snippet-${index + 1}`, code, format);
      expect(r.code, r.err).toBe(0);
      const printed = r.out.trimEnd().split('\n');
      const expected = expectedLines(code);
      expect(printed.length).toBe(expected.length);
      expected.forEach((pattern, i) => expect(printed[i]).toMatch(pattern));
    });
  });
});

describe('examples/ from the installed package', () => {
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));
  it('are there', () => expect(examples.length).toBeGreaterThanOrEqual(6));
  for (const example of examples) {
    it.each(formats)(`${example} under %s exits 0 and prints the same lines`, (format) => {
      const source = readFileSync(join(root, 'examples', example), 'utf8');
      expect(source).not.toMatch(/from '\.\.\/src\/(?!index\.js|node\/index\.js)/);
      const r = runProgram(example.replace(/\.ts$/, ''), source, format);
      expect(r.code, r.err).toBe(0);
      expect(r.out.trim().length).toBeGreaterThan(0);
      expect(r.out).not.toContain('undefined');
    });
  }
});

describe('a program that touches every module', () => {
  const source = readFileSync(join(root, 'test/packaging/fixtures/chain.ts'), 'utf8');
  it('gives the same, right facts under import and require', () => {
    const facts = formats.map((format) => {
      const r = runProgram('chain', source, format);
      expect(r.code, `${format}: ${r.err}`).toBe(0);
      return JSON.parse(r.out.trim().split('\n').at(-1)!) as Record<string, unknown>;
    });
    expect(facts[1]).toEqual(facts[0]);
    expect(facts[0]).toEqual({
      subject: 'CN=chain.example',
      x509: true,
      jks: true,
      pkcs12: [true, true],
      signatures: [
        // A raw signature names no signer: under another key it is simply not valid.
        ['raw', 'ERR_POLICY_SIGNATURE_INVALID'],
        ['cms', 'ERR_POLICY_UNTRUSTED_SIGNER'],
      ],
      twofish: 'twofish',
      content: 'c',
      sealed: true,
      sylink: true,
      site: true,
      siteSylink: 1,
      client: [['Firewall', 55]],
    });
  });

  it('typechecks as a TypeScript project compiled to CommonJS, against the .d.cts files', () => {
    const project = join(consumer, 'ts-cjs');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    writeFileSync(join(project, 'chain.ts'), wrapBodyForCjs(source));
    // A deliberate mistake: proves the check can fail, and that it read the package's types.
    writeFileSync(
      join(project, 'mistake.ts'),
      `import { Kcs } from 'sepm-crypto';\nexport const n: number = Kcs.generate().bytes;\n`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(root, 'node_modules/@types')],
          types: ['node'],
        },
      }),
    );
    const tsc = (skipLibCheck: boolean) => {
      const args = [join(root, 'node_modules/typescript/bin/tsc'), '-p', project];
      if (!skipLibCheck) args.push('--skipLibCheck', 'false');
      const listed = spawnSync(process.execPath, [...args, '--listFilesOnly'], {
        encoding: 'utf8',
      });
      const check = spawnSync(process.execPath, args, { encoding: 'utf8' });
      return { listed: listed.stdout, out: check.stdout, code: check.status };
    };
    const all = tsc(true);
    expect(all.listed).toMatch(/node_modules\/sepm-crypto\/dist\/index\.d\.cts/);
    expect(all.listed).toMatch(/node_modules\/sepm-crypto\/dist\/node\.d\.cts/);
    expect(all.listed).not.toMatch(/node_modules\/sepm-crypto\/dist\/index\.d\.ts\b/);
    expect(all.out).toMatch(/mistake\.ts.*TS2322/);
    expect(all.out.replace(/.*mistake\.ts.*\n?/g, '')).toBe('');
    // With the declaration files checked too, nothing is wrong in ours. (Some dependencies'
    // own .d.ts files import ESM-only packages, which a CJS project with skipLibCheck off
    // reports; that is theirs, and skipLibCheck, TypeScript's default in new projects, hides it.)
    const strict = tsc(false);
    expect(strict.out.split('\n').filter((l) => l.includes('node_modules/sepm-crypto/'))).toEqual(
      [],
    );
    execFileSync('rm', [join(project, 'mistake.ts')]);
    expect(tsc(true).code).toBe(0);
  });
});
