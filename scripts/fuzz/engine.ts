/**
 * The fuzz loop: feeds mutated samples to a target, checks each outcome (only allowed errors,
 * at most `maxMs` per input, heap under a bound), minimises failing inputs, and reports counts
 * and timings. A watchdog thread reports a hang (an input that never returns) with its seed and
 * index, which a synchronous loop could not do itself.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { isSepmError } from '../../src/errors.js';
import { inputSeed, mutate, Rng } from './mutate.js';
import { onlySepmErrors, type FuzzTarget } from './targets.js';

/** Options of {@link fuzzTarget}. */
export interface FuzzOptions {
  /** Run seed; input i of target t is derived from (seed, t, i). */
  readonly seed: number;
  /** Most inputs (default: no limit; then `deadline` must be finite). */
  readonly inputs?: number;
  /** `performance.now()` value after which the target stops (default: none). */
  readonly deadline?: number;
  /**
   * Most CPU time one input may take, ms (default 2000). CPU time (the process's user + system
   * time), not wall time, so that a loaded machine does not fail the run; see `maxWallMs`.
   */
  readonly maxMs?: number;
  /** Longest wall time one input may take, ms (default 10,000): catches waits and stalls. */
  readonly maxWallMs?: number;
  /** Largest `heapUsed` allowed while fuzzing, bytes (default 512 MiB). */
  readonly maxHeapBytes?: number;
  /** Stop at the first failure (default true). */
  readonly stopOnFailure?: boolean;
  /** Time spent minimising one failing input, ms (default 20 s). */
  readonly minimizeMs?: number;
  /** Only this input index (replay). */
  readonly only?: number;
}

/** One failing input. */
export interface FuzzFailure {
  readonly target: string;
  readonly seed: number;
  readonly index: number;
  readonly kind: 'escape' | 'slow' | 'heap';
  readonly detail: string;
  readonly steps: readonly string[];
  readonly inputHex: string;
  readonly minimalHex: string;
}

/** What one target's run did. */
export interface TargetReport {
  readonly name: string;
  readonly inputs: number;
  /** Inputs accepted (parsed without error). */
  readonly accepted: number;
  /** Error codes seen, with counts. */
  readonly codes: Readonly<Record<string, number>>;
  readonly totalMs: number;
  /** Most CPU time one input took, ms, and its index. */
  readonly slowestMs: number;
  readonly slowestIndex: number;
  /** Most wall time one input took, ms. */
  readonly slowestWallMs: number;
  readonly peakHeapBytes: number;
  readonly failures: readonly FuzzFailure[];
}

const DEFAULT_MAX_MS = 2000;
const DEFAULT_MAX_WALL_MS = 10_000;
const DEFAULT_MAX_HEAP = 512 * 1024 * 1024;
const HEAP_EVERY = 256;

type Outcome = { ms: number; wallMs: number } & (
  { ok: true; value: unknown } | { ok: false; error: unknown }
);

async function runOnce(target: FuzzTarget, input: Uint8Array): Promise<Outcome> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const times = () => {
    const c = process.cpuUsage(c0);
    return { ms: (c.user + c.system) / 1000, wallMs: performance.now() - t0 };
  };
  try {
    let value = target.run(input);
    if (value instanceof Promise) value = await value;
    return { ok: true, value, ...times() };
  } catch (error) {
    return { ok: false, error, ...times() };
  }
}

function describeError(e: unknown): string {
  if (isSepmError(e)) return `${e.name} ${e.code}: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}\n${e.stack ?? ''}`;
  return `non-Error thrown: ${String(e)}`;
}

/** The verdict on one outcome, or undefined when it is fine. */
function judge(
  target: FuzzTarget,
  o: Outcome,
  maxMs: number,
  maxWallMs = DEFAULT_MAX_WALL_MS,
): { kind: 'escape' | 'slow'; detail: string } | undefined {
  const allowed = target.allowed ?? onlySepmErrors;
  if (!o.ok && !allowed(o.error)) return { kind: 'escape', detail: describeError(o.error) };
  if (o.ms > maxMs)
    return { kind: 'slow', detail: `took ${o.ms.toFixed(0)} ms of CPU time (> ${maxMs} ms)` };
  if (o.wallMs > maxWallMs)
    return { kind: 'slow', detail: `took ${o.wallMs.toFixed(0)} ms (> ${maxWallMs} ms wall)` };
  return undefined;
}

/** The input of (seed, target, index), exactly as the loop makes it. */
export function makeInput(
  target: FuzzTarget,
  seed: number,
  index: number,
): { input: Uint8Array; steps: string[] } {
  const rng = new Rng(inputSeed(seed, target.name, index));
  const sample = rng.pick(target.samples);
  return mutate(sample, rng, { samples: target.samples, dictionary: target.dictionary });
}

/**
 * Shrinks a failing input greedily (drop chunks of halving size, then single bytes), keeping
 * only changes after which the same kind of failure still happens.
 */
async function minimize(
  target: FuzzTarget,
  input: Uint8Array,
  kind: 'escape' | 'slow',
  maxMs: number,
  budgetMs: number,
): Promise<Uint8Array> {
  const end = performance.now() + budgetMs;
  const fails = async (b: Uint8Array) =>
    judge(target, await runOnce(target, b), maxMs)?.kind === kind;
  let best = input;
  for (let chunk = best.length >> 1; chunk >= 1 && performance.now() < end;) {
    let changed = false;
    for (let at = 0; at + chunk <= best.length && performance.now() < end;) {
      const candidate = new Uint8Array(best.length - chunk);
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + chunk), at);
      if (await fails(candidate)) {
        best = candidate;
        changed = true;
      } else at += chunk;
    }
    if (!changed) chunk >>= 1;
  }
  return best;
}

const toHex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Fuzzes one target. */
export async function fuzzTarget(target: FuzzTarget, options: FuzzOptions): Promise<TargetReport> {
  const maxMs = options.maxMs ?? DEFAULT_MAX_MS;
  const maxWallMs = options.maxWallMs ?? DEFAULT_MAX_WALL_MS;
  const maxHeap = options.maxHeapBytes ?? DEFAULT_MAX_HEAP;
  const limit = options.inputs ?? Number.POSITIVE_INFINITY;
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(limit) && !Number.isFinite(deadline) && options.only === undefined) {
    throw new RangeError('fuzzTarget needs "inputs" or "deadline"');
  }
  const stop = options.stopOnFailure ?? true;
  const codes: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  let accepted = 0;
  let slowestMs = 0;
  let slowestIndex = -1;
  let slowestWallMs = 0;
  let peak = 0;
  let n = 0;
  const t0 = performance.now();
  const first = options.only ?? 0;
  for (let i = first; ; i++) {
    if (options.only !== undefined ? i > options.only : n >= limit || performance.now() > deadline)
      break;
    watchdog.beat(target.name, options.seed, i);
    const { input, steps } = makeInput(target, options.seed, i);
    const o = await runOnce(target, input);
    n++;
    if (o.ok) {
      accepted++;
      // HTTP targets resolve with the status: count those outcomes too.
      if (typeof o.value === 'number')
        codes[`HTTP ${o.value}`] = (codes[`HTTP ${o.value}`] ?? 0) + 1;
    } else {
      const code = isSepmError(o.error) ? o.error.code : ((o.error as Error)?.name ?? 'thrown');
      codes[code] = (codes[code] ?? 0) + 1;
    }
    if (o.ms > slowestMs) {
      slowestMs = o.ms;
      slowestIndex = i;
    }
    if (o.wallMs > slowestWallMs) slowestWallMs = o.wallMs;
    const bad = judge(target, o, maxMs, maxWallMs);
    if (bad !== undefined) {
      const min = await minimize(target, input, bad.kind, maxMs, options.minimizeMs ?? 20_000);
      failures.push({
        target: target.name,
        seed: options.seed,
        index: i,
        ...bad,
        steps,
        inputHex: toHex(input),
        minimalHex: toHex(min),
      });
      if (stop) break;
    }
    if (n % HEAP_EVERY === 0) {
      const heap = process.memoryUsage().heapUsed;
      if (heap > peak) peak = heap;
      if (heap > maxHeap) {
        failures.push({
          target: target.name,
          seed: options.seed,
          index: i,
          kind: 'heap',
          detail: `heapUsed ${(heap / 2 ** 20).toFixed(0)} MiB > ${(maxHeap / 2 ** 20).toFixed(0)} MiB`,
          steps,
          inputHex: toHex(input),
          minimalHex: toHex(input),
        });
        if (stop) break;
      }
      // Let timers and sockets run (HTTP targets, the watchdog's view of progress).
      await new Promise((r) => setImmediate(r));
    }
  }
  const heap = process.memoryUsage().heapUsed;
  if (heap > peak) peak = heap;
  return {
    name: target.name,
    inputs: n,
    accepted,
    codes,
    totalMs: performance.now() - t0,
    slowestMs,
    slowestIndex,
    slowestWallMs,
    peakHeapBytes: peak,
    failures,
  };
}

/**
 * A thread that watches the loop's heartbeat: if one input runs longer than `hangMs`, it prints
 * the target, seed and index (enough to replay it) and aborts the process, since a synchronous
 * infinite loop cannot be interrupted from inside.
 */
class Watchdog {
  private readonly shared = new Int32Array(new SharedArrayBuffer(16));
  private worker: Worker | undefined;
  private names: string[] = [];

  start(hangMs: number): void {
    if (this.worker !== undefined) return;
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      const { writeSync } = require('node:fs');
      const s = new Int32Array(workerData.sab);
      let names = [];
      parentPort.on('message', (n) => { names = n; });
      let last = -1, since = Date.now();
      setInterval(() => {
        const beat = Atomics.load(s, 0);
        if (beat !== last) { last = beat; since = Date.now(); return; }
        if (Atomics.load(s, 3) === 1 || Date.now() - since < workerData.hangMs) return;
        // writeSync: the main thread, which relays a worker's process.stderr, is the one stuck.
        writeSync(2, '\\nFUZZ HANG: target ' + names[Atomics.load(s, 1)] + ' seed ' + (Atomics.load(s, 2) >>> 0) +
          ' index ' + beat + ' ran for more than ' + workerData.hangMs + ' ms; replay with ' +
          'npm run fuzz -- --parser ' + names[Atomics.load(s, 1)] + ' --seed ' + (Atomics.load(s, 2) >>> 0) +
          ' --replay ' + beat + '\\n');
        process.kill(process.pid, 'SIGABRT');
      }, 250);
    `;
    this.worker = new Worker(code, { eval: true, workerData: { sab: this.shared.buffer, hangMs } });
    this.worker.unref();
    this.worker.postMessage(this.names);
  }
  beat(name: string, seed: number, index: number): void {
    let id = this.names.indexOf(name);
    if (id < 0) {
      id = this.names.push(name) - 1;
      this.worker?.postMessage(this.names);
    }
    Atomics.store(this.shared, 1, id);
    Atomics.store(this.shared, 2, seed | 0);
    Atomics.store(this.shared, 0, index);
  }
  /** Pauses the watchdog (setup and teardown work between targets). */
  pause(paused: boolean): void {
    Atomics.store(this.shared, 3, paused ? 1 : 0);
    Atomics.add(this.shared, 0, 0);
  }
  /** The target names in beat order (to read a hang report's target number). */
  get targetNames(): readonly string[] {
    return this.names;
  }
  async stop(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

/** The process-wide watchdog; {@link Watchdog.start} it once per process. */
export const watchdog = new Watchdog();
