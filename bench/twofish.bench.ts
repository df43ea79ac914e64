/**
 * Twofish benchmark (issue 2, item 7): ours against `twofish-ts` (driven by a fair word-wise
 * mode loop, below) and against native Crypto++ (bench/native/twofish_bench.cpp, built here
 * when g++ and the Crypto++ headers are present), in the same run, interleaved.
 *
 * Run: `node --import tsx bench/twofish.bench.ts` (or `npm run bench -- twofish`). Prints a
 * markdown report. Environment: TWOFISH_BENCH_ROUNDS (default 5), TWOFISH_BENCH_COLD_ROUNDS
 * (default 7), TWOFISH_BENCH_SIZES (default "1,16", MiB).
 *
 * Method (see shared/reference/performance-anchors.md §1): every round runs each case for
 * each implementation, rotating which goes first; throughput is measured after a warm-up as
 * whole calls over >= 300 ms; ratios are computed within a round, then the median is taken.
 * Cold start is the first call in a fresh `node` process (this file re-run with `--cold`).
 * Data: key byte i = (29 i + 1) mod 256, IV byte i = (7 i + 3) mod 256, data = xorshift32 words
 * stored little-endian; outputs of all implementations are checked to agree before timing.
 */
import {
  execFileSync,
  spawn,
  spawnSync,
  type ChildProcessWithoutNullStreams,
} from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as twofishTs from 'twofish-ts';
import { Twofish, twofishCbc, twofishCtr } from '../src/twofish/index.js';
import { setWasmEnabled } from '../src/twofish/words.js';

const MiB = 1 << 20;
const MODES = ['cbc-enc', 'cbc-dec', 'ctr'] as const;
type Mode = (typeof MODES)[number];
type Impl = 'ours' | 'ours-js' | 'twofish-ts' | 'crypto++';

const key = Uint8Array.from({ length: 16 }, (_, i) => (29 * i + 1) & 255);
const iv = Uint8Array.from({ length: 16 }, (_, i) => (7 * i + 3) & 255);

function makeData(n: number): Uint8Array {
  const d = new Uint8Array(n);
  const w = new Uint32Array(d.buffer, 0, n >>> 2);
  let x = 0x12345678;
  for (let i = 0; i < w.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    w[i] = x >>> 0;
  }
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1)
    throw new Error('little-endian host expected');
  return d;
}

// ---------------------------------------------------------------------------------------------
// twofish-ts with a fair, word-wise mode loop: XORs are done four bytes at a time through
// Uint32Array views (the data and output buffers here are always 4-byte aligned), the block
// function is called once per block, and the output is a fresh buffer, as ours is.

function tsCbcEncrypt(
  session: twofishTs.Session,
  ivBytes: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(n);
  const in32 = new Uint32Array(data.buffer, data.byteOffset, n >>> 2);
  const out32 = new Uint32Array(out.buffer);
  const blk = new Uint8Array(16);
  const blk32 = new Uint32Array(blk.buffer);
  const iv32 = new Uint32Array(ivBytes.slice().buffer);
  let p0 = iv32[0]!;
  let p1 = iv32[1]!;
  let p2 = iv32[2]!;
  let p3 = iv32[3]!;
  for (let i = 0, w = 0; i < n; i += 16, w += 4) {
    blk32[0] = in32[w]! ^ p0;
    blk32[1] = in32[w + 1]! ^ p1;
    blk32[2] = in32[w + 2]! ^ p2;
    blk32[3] = in32[w + 3]! ^ p3;
    twofishTs.encrypt(blk, 0, out, i, session);
    p0 = out32[w]!;
    p1 = out32[w + 1]!;
    p2 = out32[w + 2]!;
    p3 = out32[w + 3]!;
  }
  return out;
}

function tsCbcDecrypt(
  session: twofishTs.Session,
  ivBytes: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(n);
  const in32 = new Uint32Array(data.buffer, data.byteOffset, n >>> 2);
  const out32 = new Uint32Array(out.buffer);
  const iv32 = new Uint32Array(ivBytes.slice().buffer);
  let p0 = iv32[0]!;
  let p1 = iv32[1]!;
  let p2 = iv32[2]!;
  let p3 = iv32[3]!;
  for (let i = 0, w = 0; i < n; i += 16, w += 4) {
    twofishTs.decrypt(data, i, out, i, session);
    out32[w] = out32[w]! ^ p0;
    out32[w + 1] = out32[w + 1]! ^ p1;
    out32[w + 2] = out32[w + 2]! ^ p2;
    out32[w + 3] = out32[w + 3]! ^ p3;
    p0 = in32[w]!;
    p1 = in32[w + 1]!;
    p2 = in32[w + 2]!;
    p3 = in32[w + 3]!;
  }
  return out;
}

function tsCtr(session: twofishTs.Session, ivBytes: Uint8Array, data: Uint8Array): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(n);
  const in32 = new Uint32Array(data.buffer, data.byteOffset, n >>> 2);
  const out32 = new Uint32Array(out.buffer);
  const ctr = ivBytes.slice();
  const ks = new Uint8Array(16);
  const ks32 = new Uint32Array(ks.buffer);
  for (let i = 0, w = 0; i < n; i += 16, w += 4) {
    twofishTs.encrypt(ctr, 0, ks, 0, session);
    out32[w] = in32[w]! ^ ks32[0]!;
    out32[w + 1] = in32[w + 1]! ^ ks32[1]!;
    out32[w + 2] = in32[w + 2]! ^ ks32[2]!;
    out32[w + 3] = in32[w + 3]! ^ ks32[3]!;
    // 128-bit big-endian increment; almost always one byte.
    for (let j = 15; j >= 0; j--) {
      const v = (ctr[j]! + 1) & 255;
      ctr[j] = v;
      if (v !== 0) break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Native Crypto++ harness.

const here = fileURLToPath(new URL('.', import.meta.url));
const nativeSrc = `${here}native/twofish_bench.cpp`;
const nativeBin = `${here}native/build/twofish_bench`;

function buildNative(): string | undefined {
  const hasLib = ['/usr/include/cryptopp/twofish.h', '/usr/include/crypto++/twofish.h'].some((p) =>
    existsSync(p),
  );
  if (!hasLib) return 'Crypto++ headers not found (Debian: libcrypto++-dev)';
  if (existsSync(nativeBin) && statSync(nativeBin).mtimeMs >= statSync(nativeSrc).mtimeMs)
    return undefined;
  mkdirSync(`${here}native/build`, { recursive: true });
  for (const lib of ['-lcryptopp', '-lcrypto++']) {
    const r = spawnSync('g++', ['-O2', '-o', nativeBin, nativeSrc, lib], { encoding: 'utf8' });
    if (r.error) return `g++ not available (${r.error.message})`;
    if (r.status === 0) return undefined;
  }
  return 'building the Crypto++ harness failed';
}

/** The harness in `serve` mode: one long-lived process, one command per line. */
class NativeHarness {
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  constructor() {
    this.#proc = spawn(nativeBin, ['serve']);
    this.#lines = createInterface({ input: this.#proc.stdout })[Symbol.asyncIterator]();
  }
  async #line(): Promise<string> {
    const r = await this.#lines.next();
    if (r.done) throw new Error('native harness exited');
    return r.value;
  }
  async digests(n: number): Promise<string[]> {
    this.#proc.stdin.write(`digest ${n} 0\n`);
    return [await this.#line(), await this.#line(), await this.#line()];
  }
  async measure(mode: string, n: number, minMs: number): Promise<Sample> {
    this.#proc.stdin.write(`${mode} ${n} ${minMs}\n`);
    const [units, wall, cpu] = (await this.#line()).split(' ').map(Number) as [
      number,
      number,
      number,
    ];
    return { units, wall, cpu };
  }
  close(): void {
    this.#proc.stdin.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers. A sample is units done (bytes or keys) in wall and CPU milliseconds.
// CPU time is reported beside wall time: on this shared 2-vCPU machine other jobs steal the CPU
// in phases, which shows in wall time but hardly in the process's own CPU time.

interface Sample {
  units: number;
  wall: number;
  cpu: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs `f` (which does `unitsPerCall` units) for at least `minMs` of wall time. */
function measure(f: () => unknown, unitsPerCall: number, minMs: number): Sample {
  let calls = 0;
  const c0 = cpuNow();
  const t0 = performance.now();
  let wall: number;
  do {
    f();
    calls++;
    wall = performance.now() - t0;
  } while (wall < minMs);
  return { units: calls * unitsPerCall, wall, cpu: cpuNow() - c0 };
}

const add = (a: Sample, b: Sample): Sample => ({
  units: a.units + b.units,
  wall: a.wall + b.wall,
  cpu: a.cpu + b.cpu,
});

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------------------------------------
// Cold start: this file re-run as `--cold <impl> <mode> <bytes>` in a fresh process.

interface ColdResult {
  setupMs: number;
  firstMs: number;
  /** Process CPU time of the first call (all threads, so background compilation counts). */
  firstCpuMs: number;
}

function coldChild(impl: string, mode: string, bytes: number): void {
  const data = makeData(bytes);
  if (impl === 'ours-js') setWasmEnabled(false);
  const t0 = performance.now();
  let run: () => Uint8Array;
  if (impl === 'ours' || impl === 'ours-js') {
    const cbc = twofishCbc(key, iv, { padding: false });
    run = mode === 'cbc-enc' ? () => cbc.encrypt(data) : () => cbc.decrypt(data);
  } else {
    const s = twofishTs.makeSession(key);
    run = mode === 'cbc-enc' ? () => tsCbcEncrypt(s, iv, data) : () => tsCbcDecrypt(s, iv, data);
  }
  const t1 = performance.now();
  const c1 = cpuNow();
  const out = run();
  const c2 = cpuNow();
  const t2 = performance.now();
  process.stdout.write(
    JSON.stringify({ setupMs: t1 - t0, firstMs: t2 - t1, firstCpuMs: c2 - c1, check: out[0] }),
  );
}

function coldRun(impl: string, mode: string, bytes: number): ColdResult {
  const r = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--cold', impl, mode, String(bytes)],
    { encoding: 'utf8' },
  );
  return JSON.parse(r) as ColdResult;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const rounds = Number(process.env.TWOFISH_BENCH_ROUNDS ?? 5);
  const coldRounds = Number(process.env.TWOFISH_BENCH_COLD_ROUNDS ?? 7);
  const sizes = (process.env.TWOFISH_BENCH_SIZES ?? '1,16').split(',').map((s) => Number(s) * MiB);
  const SLICES = 5; // per case and round, each implementation runs in 5 interleaved slices
  const SLICE_MS = 60;

  const skipNative = buildNative();
  const nat = skipNative ? undefined : new NativeHarness();
  const impls: Impl[] = ['ours', 'ours-js', 'twofish-ts'];
  if (nat) impls.push('crypto++');

  // Bind every (implementation, mode, size) to a closure over prepared inputs.
  const ours = { cbc: twofishCbc(key, iv, { padding: false }), ctr: twofishCtr(key, iv) };
  const session = twofishTs.makeSession(key);
  const inputs = new Map<number, { data: Uint8Array; ct: Uint8Array }>();
  for (const n of [MiB, ...sizes]) {
    if (inputs.has(n)) continue;
    const data = makeData(n);
    inputs.set(n, { data, ct: ours.cbc.encrypt(data) });
  }
  const oursCase = (mode: Mode, n: number): (() => Uint8Array) => {
    const { data, ct } = inputs.get(n)!;
    if (mode === 'cbc-enc') return () => ours.cbc.encrypt(data);
    if (mode === 'cbc-dec') return () => ours.cbc.decrypt(ct);
    return () => ours.ctr.encrypt(data);
  };
  const jsCase = (impl: Impl, mode: Mode, n: number): (() => Uint8Array) => {
    const { data, ct } = inputs.get(n)!;
    if (impl === 'ours') return oursCase(mode, n);
    if (impl === 'ours-js') {
      // Our JavaScript kernel: the fallback when WebAssembly is unavailable.
      const f = oursCase(mode, n);
      return () => {
        setWasmEnabled(false);
        try {
          return f();
        } finally {
          setWasmEnabled(true);
        }
      };
    }
    if (mode === 'cbc-enc') return () => tsCbcEncrypt(session, iv, data);
    if (mode === 'cbc-dec') return () => tsCbcDecrypt(session, iv, ct);
    return () => tsCtr(session, iv, data);
  };
  const sample = async (impl: Impl, mode: Mode, n: number, minMs: number): Promise<Sample> =>
    impl === 'crypto++' ? nat!.measure(mode, n, minMs) : measure(jsCase(impl, mode, n), n, minMs);

  // Correctness first: all implementations must give the same bytes (1 MiB).
  const nativeDigests = nat ? await nat.digests(MiB) : undefined;
  MODES.forEach((mode, i) => {
    const digests = (['ours', 'ours-js', 'twofish-ts'] as const).map((impl) =>
      sha(jsCase(impl, mode, MiB)()),
    );
    if (nativeDigests) digests.push(nativeDigests[i]!);
    if (new Set(digests).size !== 1)
      throw new Error(`outputs differ for ${mode}: ${digests.join(', ')}`);
  });

  // Warm-up: every JS case for >= 400 ms in total per implementation.
  for (const impl of ['ours', 'ours-js', 'twofish-ts'] as const) {
    const t0 = performance.now();
    while (performance.now() - t0 < 400) for (const mode of MODES) jsCase(impl, mode, MiB)();
  }

  // Interleaved rounds: within a round, each case runs as SLICES short slices per
  // implementation, rotating the order, so that load phases hit all implementations alike.
  const speed = new Map<string, { wall: number[]; cpu: number[] }>();
  const ratios = new Map<string, number[]>();
  const push = (k: string, v: number): void => void ratios.set(k, [...(ratios.get(k) ?? []), v]);
  const mbs = (x: Sample, t: 'wall' | 'cpu'): number => x.units / (x[t] * 1000);
  let rotation = 0;
  for (let r = 0; r < rounds; r++) {
    for (const n of sizes) {
      for (const mode of MODES) {
        const tot = new Map<Impl, Sample>(impls.map((i) => [i, { units: 0, wall: 0, cpu: 0 }]));
        for (let sl = 0; sl < SLICES; sl++) {
          for (let j = 0; j < impls.length; j++) {
            const impl = impls[(j + rotation) % impls.length]!;
            tot.set(impl, add(tot.get(impl)!, await sample(impl, mode, n, SLICE_MS)));
          }
          rotation++;
        }
        for (const impl of impls) {
          const e = speed.get(`${impl}/${mode}/${n}`) ?? { wall: [], cpu: [] };
          e.wall.push(mbs(tot.get(impl)!, 'wall'));
          e.cpu.push(mbs(tot.get(impl)!, 'cpu'));
          speed.set(`${impl}/${mode}/${n}`, e);
        }
        for (const t of ['wall', 'cpu'] as const) {
          for (const who of ['ours', 'ours-js'] as const) {
            const o = mbs(tot.get(who)!, t);
            push(`${who}:ts/${t}/${mode}/${n}`, o / mbs(tot.get('twofish-ts')!, t));
            if (nat) push(`${who}:native/${t}/${mode}/${n}`, o / mbs(tot.get('crypto++')!, t));
          }
        }
      }
    }
  }

  // Key setup, microseconds per 128-bit key (CPU time; wall time beside it), interleaved.
  const ks = new Map<string, { wall: number[]; cpu: number[] }>();
  const k2 = key.slice();
  const keys1000 = (f: () => unknown) => (): void => {
    for (let i = 0; i < 1000; i++) {
      k2[i & 15] ^= 1;
      f();
    }
  };
  const OURS_KS = 'ours (`new Twofish(key)`)';
  const ksCases: [string, () => Promise<Sample>][] = [
    [
      OURS_KS,
      async () =>
        measure(
          keys1000(() => new Twofish(k2)),
          1000,
          200,
        ),
    ],
    [
      'ours (`twofishCbc(key, iv)`)',
      async () =>
        measure(
          keys1000(() => twofishCbc(k2, iv)),
          1000,
          200,
        ),
    ],
    [
      'twofish-ts (`makeSession`)',
      async () =>
        measure(
          keys1000(() => twofishTs.makeSession(k2)),
          1000,
          200,
        ),
    ],
  ];
  if (nat) ksCases.push(['Crypto++ (`SetKey`)', () => nat.measure('keysetup', 0, 200)]);
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of ksCases) {
      const x = await run();
      const e = ks.get(name) ?? { wall: [], cpu: [] };
      e.wall.push((x.wall * 1000) / x.units);
      e.cpu.push((x.cpu * 1000) / x.units);
      ks.set(name, e);
    }
  }
  nat?.close();

  // Cold start: first 64 KiB CBC call in a fresh process, interleaved.
  const cold = new Map<
    string,
    { setup: number[]; first: number[]; firstCpu: number[]; total: number[] }
  >();
  const coldCases = ['ours', 'ours-js', 'twofish-ts'].flatMap((impl) =>
    ['cbc-enc', 'cbc-dec'].map((m) => `${impl} ${m}`),
  );
  for (let r = 0; r < coldRounds; r++) {
    for (let i = 0; i < coldCases.length; i++) {
      const c = coldCases[(i + r) % coldCases.length]!;
      const [impl, mode] = c.split(' ') as [string, string];
      const res = coldRun(impl, mode, 64 * 1024);
      const e = cold.get(c) ?? { setup: [], first: [], firstCpu: [], total: [] };
      e.setup.push(res.setupMs);
      e.first.push(res.firstMs);
      e.firstCpu.push(res.firstCpuMs);
      e.total.push(res.setupMs + res.firstMs);
      cold.set(c, e);
    }
  }

  // Report.
  const f1 = (x: number): string => x.toFixed(1);
  const f2 = (x: number): string => x.toFixed(2);
  const range = (xs: number[], f = f1): string =>
    `${f(median(xs))} [${f(Math.min(...xs))}-${f(Math.max(...xs))}]`;
  const r2 = (k: string): string => (ratios.has(k) ? f2(median(ratios.get(k)!)) : 'n/a');
  const lines: string[] = [];
  lines.push(`Twofish benchmark, ${new Date().toISOString()}`);
  lines.push('');
  lines.push(
    `- Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs`,
  );
  lines.push(
    `- ${rounds} rounds; in each, every case runs ${SLICES} interleaved slices of >= ${SLICE_MS} ms per implementation (order rotated)`,
  );
  lines.push('- MB/s = 10^6 bytes per second of process CPU time, median [min-max] over rounds');
  lines.push(
    '- ratios: paired within a round, median over rounds; "cpu" from CPU time, "wall" from wall time',
  );
  lines.push(
    '- "ours" = the default path (WebAssembly kernel); "ours-js" = our JavaScript kernel (fallback)',
  );
  lines.push(
    '- 128-bit key; CBC without padding (whole blocks), so that all implementations do the same work',
  );
  lines.push(
    '- twofish-ts is driven by a word-wise mode loop (Uint32Array XORs, one block call per block)',
  );
  lines.push(
    nat
      ? '- native anchor: Crypto++ CBC_Mode/CTR_Mode<Twofish> (bench/native/twofish_bench.cpp, g++ -O2)'
      : `- native Crypto++ anchor skipped: ${skipNative}`,
  );
  lines.push('');
  lines.push('Throughput (MB/s per CPU-second):');
  lines.push('');
  lines.push('| case | ours | ours-js | twofish-ts | Crypto++ |');
  lines.push('|---|---|---|---|---|');
  for (const n of sizes) {
    for (const mode of MODES) {
      const cell = (impl: Impl): string => {
        const e = speed.get(`${impl}/${mode}/${n}`);
        return e ? range(e.cpu) : 'skipped';
      };
      lines.push(
        `| ${mode} ${n / MiB} MiB | ${cell('ours')} | ${cell('ours-js')} | ${cell('twofish-ts')} | ${cell('crypto++')} |`,
      );
    }
  }
  lines.push('');
  lines.push('Paired ratios (median over rounds), CPU time / wall time:');
  lines.push('');
  lines.push(
    '| case | ours / twofish-ts | ours / Crypto++ | ours-js / twofish-ts | ours-js / Crypto++ |',
  );
  lines.push('|---|---|---|---|---|');
  for (const n of sizes) {
    for (const mode of MODES) {
      const both = (k: string): string =>
        `${r2(`${k.replace('@', 'cpu')}`)} / ${r2(`${k.replace('@', 'wall')}`)}`;
      lines.push(
        `| ${mode} ${n / MiB} MiB | ${both(`ours:ts/@/${mode}/${n}`)} | ${both(`ours:native/@/${mode}/${n}`)} | ${both(`ours-js:ts/@/${mode}/${n}`)} | ${both(`ours-js:native/@/${mode}/${n}`)} |`,
      );
    }
  }
  lines.push('');
  lines.push('| key setup (128-bit key), µs per key | CPU time | wall time |');
  lines.push('|---|---|---|');
  for (const [name, e] of ks)
    lines.push(`| ${name} | ${range(e.cpu, f2)} | ${range(e.wall, f2)} |`);
  lines.push('');
  lines.push(
    `| cold start: fresh \`node\` process, ${coldRounds} rounds, wall ms | key setup (\`twofishCbc\`) | first 64 KiB CBC call | key setup + first call | first call, CPU ms |`,
  );
  lines.push('|---|---|---|---|---|');
  for (const c of coldCases) {
    const e = cold.get(c)!;
    lines.push(
      `| ${c} | ${range(e.setup)} | ${range(e.first)} | ${range(e.total)} | ${range(e.firstCpu)} |`,
    );
  }
  lines.push('');
  const worst = (prefix: string, t: 'cpu' | 'wall'): number | undefined => {
    const xs = MODES.flatMap((m) => sizes.map((n) => ratios.get(`${prefix}/${t}/${m}/${n}`)));
    return xs.every((x) => x) ? Math.min(...xs.map((x) => median(x!))) : undefined;
  };
  const wTs = worst('ours:ts', 'cpu')!;
  const wTsWall = worst('ours:ts', 'wall')!;
  const wNat = worst('ours:native', 'cpu');
  const wNatWall = worst('ours:native', 'wall');
  const ksOurs = median(ks.get(OURS_KS)!.cpu);
  const coldWorst = Math.max(
    median(cold.get('ours cbc-enc')!.first),
    median(cold.get('ours cbc-dec')!.first),
  );
  const coldWorstCpu = Math.max(
    median(cold.get('ours cbc-enc')!.firstCpu),
    median(cold.get('ours cbc-dec')!.firstCpu),
  );
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  lines.push('| target (issue 2) | measured (worst case) | |');
  lines.push('|---|---|---|');
  lines.push(
    `| warm >= 1.2x twofish-ts | ${f2(wTs)}x cpu, ${f2(wTsWall)}x wall | ${verdict(wTs >= 1.2)} |`,
  );
  lines.push(
    wNat === undefined
      ? '| warm >= 0.65x Crypto++ (aim 0.8x) | skipped | n/a |'
      : `| warm >= 0.65x Crypto++ (aim 0.8x) | ${f2(wNat)}x cpu, ${f2(wNatWall!)}x wall | ${verdict(wNat >= 0.65)} |`,
  );
  lines.push(`| key setup <= 10 µs | ${f2(ksOurs)} µs | ${verdict(ksOurs <= 10)} |`);
  lines.push(
    `| first 64 KiB CBC call in a fresh process <= 15 ms (worse of enc/dec) | ${f1(coldWorst)} ms wall, ${f1(coldWorstCpu)} ms CPU | ${verdict(coldWorst <= 15)} (wall), ${verdict(coldWorstCpu <= 15)} (CPU) |`,
  );
  console.log(lines.join('\n'));
}

if (process.argv[2] === '--cold') {
  coldChild(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
} else {
  await main();
}
