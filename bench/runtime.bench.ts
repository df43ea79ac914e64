/**
 * Issue 16 speed bar: the pure modules (WebCrypto, `@noble/hashes`, our DES) against the library as
 * it was before (node:crypto everywhere), in one run, on Node. Each case must stay within 1.25x of
 * the baseline's time.
 *
 * The baseline is the source of commit BASE (default: main before issue 16), taken with
 * `git archive` into `.tmp/bench-baseline/<commit>/` and bundled there with esbuild (dependencies
 * external, resolved from this checkout's node_modules), so both versions run in this process on
 * the same inputs.
 *
 * Run: `node --import tsx bench/runtime.bench.ts` (or `npm run bench -- runtime`). Environment:
 * RUNTIME_BENCH_BASE (commit), RUNTIME_BENCH_ROUNDS (default 7), RUNTIME_BENCH_MS (default 300),
 * RUNTIME_BENCH_ONLY (comma-separated words of case names).
 *
 * Dependencies the baseline has and this checkout no longer has (xmlbuilder2, dropped by issue 16)
 * are installed once into `.tmp/bench-baseline/node_modules` (`npm install --no-save`), where the
 * baseline bundle finds them.
 *
 * Method: every round measures every case for both versions, alternating which goes first; a
 * measurement runs whole awaited calls for at least RUNTIME_BENCH_MS after a warm-up call. The
 * figure is the median over rounds of the per-round ratio after / before (time per call).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import * as afterIndex from '../src/index.js';
import { setWasmEnabled } from '../src/twofish/words.js';

// The library plus the switch of the WebAssembly Twofish kernel, so that both versions can be
// timed on the JavaScript kernel too.
const after = { ...afterIndex, setWasmEnabled };

const BASE = process.env.RUNTIME_BENCH_BASE ?? '7b39f352b594a5aa088d6c5280cdd4aa64722a4c';
const ROUNDS = Math.max(3, Number(process.env.RUNTIME_BENCH_ROUNDS ?? 7));
const MIN_MS = Math.max(50, Number(process.env.RUNTIME_BENCH_MS ?? 300));
const root = fileURLToPath(new URL('..', import.meta.url));

async function loadBaseline(): Promise<typeof after> {
  const commit = execFileSync('git', ['rev-parse', BASE], { cwd: root }).toString().trim();
  const top = join(root, '.tmp', 'bench-baseline');
  const dir = join(top, commit);
  const out = join(dir, 'bench.mjs');
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} src package.json | tar -x -C "${dir}"`], {
      cwd: root,
    });
    writeFileSync(
      join(dir, 'entry.ts'),
      "export * from './src/index.js';\nexport { setWasmEnabled } from './src/twofish/words.js';\n",
    );
    await build({
      entryPoints: [join(dir, 'entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      outfile: out,
      logLevel: 'warning',
    });
  }
  // The baseline's dependencies that this checkout no longer installs.
  const deps = (
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    }
  ).dependencies;
  // Installed together (a second `npm install --no-save` would prune the first one's packages).
  const missing = Object.entries(deps ?? {}).filter(
    ([name]) => !existsSync(join(root, 'node_modules', name, 'package.json')),
  );
  const installed = missing.every(([name]) =>
    existsSync(join(top, 'node_modules', name, 'package.json')),
  );
  if (!installed) {
    if (!existsSync(join(top, 'package.json'))) writeFileSync(join(top, 'package.json'), '{}\n');
    execFileSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--ignore-scripts',
        ...missing.map(([name, range]) => `${name}@${range}`),
      ],
      { cwd: top, stdio: 'ignore' },
    );
  }
  return (await import(pathToFileURL(out).href)) as typeof after;
}

async function msPerCall(fn: () => unknown): Promise<number> {
  await fn();
  let n = 0;
  const t = performance.now();
  let elapsed: number;
  do {
    await fn();
    n++;
    elapsed = performance.now() - t;
  } while (elapsed < MIN_MS || n < 2);
  return elapsed / n;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

type Lib = typeof after;
type Case = { name: string; make: (lib: Lib) => Promise<() => unknown> };

const before = await loadBaseline();
const identity = await after.generateServerIdentity({ commonName: 'bench.example' });
const MiB = new Uint8Array(1 << 20).map((_, i) => i * 31);
const small = new TextEncoder().encode('<policy>bench</policy>');
const KCS = '0123456789ABCDEF0123456789ABCDEF';
// Inputs written once by the baseline, read by both versions.
const ks = await before.keystoreFromIdentity(identity, { alias: 'server' });
const p12at = (iterations: number) =>
  before.writePkcs12({ ...ks, format: 'pkcs12' }, 'changeit', { iterations });
const p12k10 = p12at(10_000);
const p12k200 = p12at(200_000);
const p12legacy = before.writePkcs12({ ...ks, format: 'pkcs12' }, 'changeit', {
  profile: 'legacy',
});
const jks = before.writeJks({ ...ks, format: 'jks' }, 'changeit');
const rawSig = await before.signPolicy(small, identity, { format: 'raw' });
const cmsSig = await before.signPolicy(small, identity, { format: 'cms' });
const trusted = [identity.certificate];

// Arguments of seal/open as each version takes them (issue 13 made identity/kcs/trusted
// positional: a function taking 3 declared parameters is the new convention).
const seal = (lib: Lib, data: Uint8Array, kcs: unknown) =>
  lib.sealPolicy.length < 3
    ? (lib.sealPolicy as (...a: unknown[]) => Promise<Uint8Array>)(data, { identity, kcs })
    : (lib.sealPolicy as (...a: unknown[]) => Promise<Uint8Array>)(data, identity, kcs);
const open = (lib: Lib, sealed: Uint8Array, kcs: unknown) =>
  lib.openPolicy.length < 3
    ? (lib.openPolicy as (...a: unknown[]) => Promise<unknown>)(sealed, { kcs, trusted })
    : (lib.openPolicy as (...a: unknown[]) => Promise<unknown>)(sealed, kcs, trusted);

const SYLINK_SERVERS = Array.from({ length: 20 }, (_, i) => ({
  address: `sepm${i}.example`,
  priority: 1 + (i % 3),
  certificate: i < 5 ? identity.certificate : undefined,
}));
const sylinkText = before.buildSylink(
  before.createSylink({
    domainId: '1E814550AC1E00027245A393F26DBE37',
    kcs: before.Kcs.parse(KCS),
    servers: SYLINK_SERVERS,
  }),
);
const tfKey = new Uint8Array(16).map((_, i) => 29 * i + 1);
const tfIv = new Uint8Array(16).map((_, i) => 7 * i + 3);

/** Runs `make`'s operation on the JavaScript Twofish kernel (the fallback where WebAssembly is refused). */
const onJsKernel = (l: Lib, op: () => unknown) => (): unknown => {
  const was = l.setWasmEnabled(false);
  try {
    return op();
  } finally {
    l.setWasmEnabled(was);
  }
};

const cases: Case[] = [
  {
    name: 'twofishCbc encrypt 1 MiB',
    make: async (l) => {
      const c = l.twofishCbc(tfKey, tfIv, { padding: false });
      return () => c.encrypt(MiB);
    },
  },
  {
    name: 'twofishCbc decrypt 1 MiB',
    make: async (l) => {
      const c = l.twofishCbc(tfKey, tfIv, { padding: false });
      return () => c.decrypt(MiB);
    },
  },
  {
    name: 'twofishCbc encrypt 1 MiB, JS kernel',
    make: async (l) => {
      const c = l.twofishCbc(tfKey, tfIv, { padding: false });
      return onJsKernel(l, () => c.encrypt(MiB));
    },
  },
  {
    name: 'twofishCbc decrypt 1 MiB, JS kernel',
    make: async (l) => {
      const c = l.twofishCbc(tfKey, tfIv, { padding: false });
      return onJsKernel(l, () => c.decrypt(MiB));
    },
  },
  {
    name: 'twofishCtr 1 MiB, JS kernel',
    make: async (l) => {
      const c = l.twofishCtr(tfKey, tfIv);
      return onJsKernel(l, () => c.encrypt(MiB));
    },
  },
  {
    name: 'Twofish.encryptBlock x 65,536',
    make: async (l) => {
      const t = new l.Twofish(tfKey);
      const out = new Uint8Array(16);
      return () => {
        for (let at = 0; at < MiB.length; at += 16) t.encryptBlock(MiB, at, out);
      };
    },
  },
  {
    name: 'Twofish.decryptBlock x 65,536',
    make: async (l) => {
      const t = new l.Twofish(tfKey);
      const out = new Uint8Array(16);
      return () => {
        for (let at = 0; at < MiB.length; at += 16) t.decryptBlock(MiB, at, out);
      };
    },
  },
  {
    name: 'parseSylink (20 servers, 5 certificates)',
    make: async (l) => () => l.parseSylink(sylinkText),
  },
  {
    name: 'buildSylink (20 servers, 5 certificates)',
    make: async (l) => {
      const model = l.parseSylink(sylinkText);
      return () => l.buildSylink(model);
    },
  },
  {
    name: 'readKeystore PKCS#12 10,000 it.',
    make: async (l) => () => l.readKeystore(p12k10, 'changeit'),
  },
  {
    name: 'readKeystore PKCS#12 200,000 it.',
    make: async (l) => () => l.readKeystore(p12k200, 'changeit', { maxIterations: 200_000 }),
  },
  {
    name: 'readKeystore PKCS#12 legacy',
    make: async (l) => () => l.readKeystore(p12legacy, 'changeit'),
  },
  { name: 'readKeystore JKS', make: async (l) => () => l.readKeystore(jks, 'changeit') },
  {
    name: 'encryptContent 1 MiB',
    make: async (l) => {
      const kcs = l.Kcs.parse(KCS);
      return () => l.encryptContent(MiB, kcs);
    },
  },
  {
    name: 'decryptContent 1 MiB',
    make: async (l) => {
      const kcs = l.Kcs.parse(KCS);
      const env = l.encryptContent(MiB, kcs);
      return () => l.decryptContent(env, kcs);
    },
  },
  {
    name: 'signPolicy raw',
    make: async (l) => () => l.signPolicy(small, identity, { format: 'raw' }),
  },
  {
    name: 'verifyPolicy raw',
    make: async (l) => () => l.verifyPolicy(small, rawSig, trusted),
  },
  {
    name: 'signPolicy cms',
    make: async (l) => () => l.signPolicy(small, identity, { format: 'cms' }),
  },
  {
    name: 'verifyPolicy cms',
    make: async (l) => () => l.verifyPolicy(small, cmsSig, trusted),
  },
  {
    name: 'sealPolicy 1 MiB',
    make: async (l) => {
      const kcs = l.Kcs.parse(KCS);
      return () => seal(l, MiB, kcs);
    },
  },
  {
    name: 'openPolicy 1 MiB',
    make: async (l) => {
      const kcs = l.Kcs.parse(KCS);
      const sealed = await seal(l, MiB, kcs);
      return () => open(l, sealed, kcs);
    },
  },
  {
    name: 'generateServerIdentity',
    make: async (l) => () => l.generateServerIdentity({ commonName: 'bench.example' }),
  },
];

// RUNTIME_BENCH_ONLY=jks,content runs only the cases whose name contains one of the words.
const only = (process.env.RUNTIME_BENCH_ONLY ?? '').toLowerCase().split(',').filter(Boolean);
if (only.length > 0) {
  const keep = cases.filter((c) => only.some((w) => c.name.toLowerCase().includes(w)));
  cases.splice(0, cases.length, ...keep);
}
// Same results: the Twofish outputs on both kernels and the sylink text, before and after.
for (const l of [before, after]) {
  const c = l.twofishCbc(tfKey, tfIv, { padding: false });
  const js = onJsKernel(l, () => c.encrypt(MiB))() as Uint8Array;
  if (Buffer.compare(c.encrypt(MiB), js) !== 0) throw new Error('Twofish kernels disagree');
}
if (
  Buffer.compare(
    before.twofishCbc(tfKey, tfIv).encrypt(MiB),
    after.twofishCbc(tfKey, tfIv).encrypt(MiB),
  ) !== 0 ||
  after.buildSylink(after.parseSylink(sylinkText)) !== sylinkText
) {
  throw new Error('results differ between before and after');
}

const ops = new Map<string, [() => unknown, () => unknown]>();
for (const c of cases) ops.set(c.name, [await c.make(before), await c.make(after)]);

const ratios = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const times = new Map<string, [number[], number[]]>(cases.map((c) => [c.name, [[], []]]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    const [b, a] = ops.get(c.name)!;
    let tb: number;
    let ta: number;
    if (r % 2 === 0) {
      tb = await msPerCall(b);
      ta = await msPerCall(a);
    } else {
      ta = await msPerCall(a);
      tb = await msPerCall(b);
    }
    ratios.get(c.name)!.push(ta / tb);
    times.get(c.name)![0].push(tb);
    times.get(c.name)![1].push(ta);
  }
}

console.log(
  `Pure modules vs baseline ${BASE.slice(0, 7)}; Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}; ${ROUNDS} rounds of >= ${MIN_MS} ms per case.\n`,
);
console.log(
  '| case | before ms (median) | after ms (median) | after / before (median of rounds) |',
);
console.log('|---|---:|---:|---:|');
for (const c of cases) {
  const [tb, ta] = times.get(c.name)!;
  const ratio = median(ratios.get(c.name)!);
  console.log(
    `| ${c.name} | ${median(tb).toFixed(2)} | ${median(ta).toFixed(2)} | ${ratio.toFixed(2)}x${ratio > 1.25 ? ' (over 1.25x)' : ''} |`,
  );
}
