/**
 * Subpath checks (issue 16): each pure module is its own entry (`sepm-crypto/twofish`, `/kcs`,
 * `/content`, `/cert`, `/keystore`, `/policy`, `/sylink`, `/errors`) that loads under `import`
 * and `require`, shares one error class with the root, bundles for the browser without Node
 * built-ins, stays within its size budget, imports quickly, and whose `.d.ts` typechecks in a
 * project without `@types/node`.
 *
 * The files are resolved through the package's own `exports` (a package may import itself by
 * name), from `.tmp/subpaths/` inside the checkout, against the `dist/` the build left.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = join(root, '.tmp', 'subpaths');
const SUBPATHS = ['twofish', 'kcs', 'content', 'cert', 'keystore', 'policy', 'sylink', 'errors'];
/** Subpaths that bundle for the browser: all of them (the sylink builder has its own writer). */
const BROWSER_READY = SUBPATHS;

const run = (args: string[]): string =>
  execFileSync(process.execPath, args, { cwd: work, encoding: 'utf8' });

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

beforeAll(() => {
  // The other packaging file builds too; build here only when dist/ is missing or older than src/.
  const built = (() => {
    try {
      return statSync(join(root, 'dist', 'errors.js')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  if (built < newest(join(root, 'src'))) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore' });
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
}, 300_000);

/** Minified browser bundle of `code` (an ES module importing the package); its size in bytes. */
async function browserBundle(name: string, code: string): Promise<number> {
  const entry = join(work, `${name}.mjs`);
  writeFileSync(entry, code);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents.length;
}

describe('subpath entries', () => {
  it('load under import and require, with the root error class', () => {
    const esm = SUBPATHS.map((s, i) => `import * as m${i} from 'sepm-crypto/${s}';`).join('\n');
    writeFileSync(
      join(work, 'load.mjs'),
      `${esm}
       import * as root from 'sepm-crypto';
       import { createRequire } from 'node:module';
       const require = createRequire(import.meta.url);
       const cjsRoot = require('sepm-crypto');
       const out = {};
       ${SUBPATHS.map((s, i) => `out[${JSON.stringify(s)}] = [Object.keys(m${i}).length, Object.keys(require('sepm-crypto/${s}')).length];`).join('\n')}
       let e; try { (await import('sepm-crypto/kcs')).Kcs.parse('nope'); } catch (x) { e = x; }
       let c; try { require('sepm-crypto/kcs').Kcs.parse('nope'); } catch (x) { c = x; }
       out.esmSame = e instanceof root.SepmError && e instanceof (await import('sepm-crypto/errors')).KcsError;
       out.cjsSame = c instanceof cjsRoot.SepmError && c instanceof require('sepm-crypto/errors').KcsError;
       console.log(JSON.stringify(out));`,
    );
    const out = JSON.parse(run(['load.mjs'])) as Record<string, unknown>;
    for (const s of SUBPATHS) {
      const [esmCount, cjsCount] = out[s] as [number, number];
      expect(esmCount, s).toBeGreaterThan(0);
      expect(cjsCount, s).toBe(esmCount);
    }
    expect(out.esmSame).toBe(true);
    expect(out.cjsSame).toBe(true);
  });

  it('export nothing internal from the root', async () => {
    const names = JSON.parse(
      run(['-e', "import('sepm-crypto').then((m) => console.log(JSON.stringify(Object.keys(m))))"]),
    ) as string[];
    for (const internal of ['resolveReadLimits', 'useNodeCrypto', 'digest', 'abytes', 'toHex']) {
      expect(names).not.toContain(internal);
    }
    expect(names).toContain('twofishCbc');
  });
});

describe('types', () => {
  it('a consumer project without @types/node typechecks against every entry', () => {
    const dir = join(work, 'consumer');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules', 'sepm-crypto'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['use.ts'],
      }),
    );
    const imports = ['', ...SUBPATHS.map((s) => `/${s}`)];
    writeFileSync(
      join(dir, 'use.ts'),
      imports.map((s, i) => `import * as m${i} from 'sepm-crypto${s}';`).join('\n') +
        `\nexport const all = [${imports.map((_, i) => `m${i}`).join(', ')}];\n`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // Throws (with tsc's diagnostics) on any error, e.g. "Cannot find module 'node:crypto'".
    execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  }, 120_000);
});

describe('browser bundles (esbuild --bundle --platform=browser --minify)', () => {
  it.each(BROWSER_READY)('sepm-crypto/%s bundles without Node built-ins', async (s) => {
    const size = await browserBundle(`all-${s}`, `export * from 'sepm-crypto/${s}';`);
    expect(size).toBeGreaterThan(0);
  });

  // Issue 16 asked for 15 KiB; measured 12.6 KiB (2026-12-02) after the JavaScript kernel became a
  // loop of double rounds and the error classes stopped carrying every family's messages (it
  // was 20.4 KiB). The budget is that figure plus a little, to catch growth (docs/runtimes.md).
  it('twofishCbc alone stays within 13.5 KiB', async () => {
    const size = await browserBundle(
      'twofish',
      `import { twofishCbc } from 'sepm-crypto/twofish'; globalThis.x = twofishCbc;`,
    );
    console.log(`bundle size: twofishCbc ${size} B`);
    expect(size).toBeLessThanOrEqual(13.5 * 1024);
  });

  // Issue 16's target is 40 KiB; measured 32.2 KiB (2026-12-02). The budget leaves room for growth
  // but stays well under the target.
  it('Kcs + the content envelope stays within 36 KiB', async () => {
    const size = await browserBundle(
      'content',
      `import { Kcs } from 'sepm-crypto/kcs';
       import { encryptContent, decryptContent } from 'sepm-crypto/content';
       globalThis.x = [Kcs, encryptContent, decryptContent];`,
    );
    console.log(`bundle size: Kcs + content ${size} B`);
    expect(size).toBeLessThanOrEqual(36 * 1024);
  });

  // Issue 16 asks to report these (docs/runtimes.md): almost all of it is @peculiar/x509 and its
  // ASN.1 stack. The budgets only catch a dependency that starts pulling in much more.
  it('parseSylink + verifyPolicy, and parse + build of sylink.xml, are reported', async () => {
    const verify = await browserBundle(
      'verify',
      `import { parseSylink } from 'sepm-crypto/sylink';
       import { verifyPolicy } from 'sepm-crypto/policy';
       globalThis.x = [parseSylink, verifyPolicy];`,
    );
    const sylink = await browserBundle(
      'sylink',
      `import { parseSylink, buildSylink } from 'sepm-crypto/sylink';
       globalThis.x = [parseSylink, buildSylink];`,
    );
    console.log(`bundle size: parseSylink + verifyPolicy ${verify} B, parse + build ${sylink} B`);
    expect(verify).toBeLessThanOrEqual(320 * 1024);
    expect(sylink).toBeLessThanOrEqual(300 * 1024);
  });
});

describe('import time in a fresh Node process', () => {
  /** Median wall time of `node -e <code>` over `n` runs, in ms. */
  function median(code: string, n = 7): number {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      run(['--input-type=module', '-e', code]);
      xs.push(performance.now() - t);
    }
    xs.sort((a, b) => a - b);
    return xs[n >> 1]!;
  }

  it('sepm-crypto/twofish costs less than the root', () => {
    const bare = median('');
    const twofish = median("await import('sepm-crypto/twofish');");
    const rootMs = median("await import('sepm-crypto');");
    console.log(
      `import time: bare ${bare.toFixed(0)} ms, twofish +${(twofish - bare).toFixed(0)} ms, root +${(rootMs - bare).toFixed(0)} ms`,
    );
    // The targets (twofish <= 10 ms, root <= 120 ms over bare node) are recorded in
    // bench/RESULTS.md from a quiet run; on a shared 2-core machine only the ordering is stable.
    expect(twofish).toBeLessThan(rootMs);
  }, 120_000);
});
