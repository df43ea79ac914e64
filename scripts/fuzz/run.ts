/**
 * One fuzz run over the selected targets (parsers, then the HTTP endpoints of a live manager):
 * shared by `npm run fuzz` (scripts/fuzz.ts) and the short pass of `npm test`
 * (test/fuzz/fuzz.test.ts).
 *
 * @module
 */
import { fuzzTarget, watchdog, type FuzzFailure, type TargetReport } from './engine.js';
import { fuzzMaterial, parserTargets, type FuzzTarget } from './targets.js';
import { healthy, httpTargets, startFuzzManager } from './http.js';

/** Names of the parser targets. */
export const PARSER_TARGETS = [
  'jks',
  'jceks',
  'pkcs12',
  'pem',
  'cms',
  'sealed',
  'content',
  'sylink',
] as const;
/** Names of the HTTP targets. */
export const HTTP_TARGETS = [
  'http-register',
  'http-index',
  'http-policy',
  'rest-authenticate',
  'rest-publish',
  'console-login',
  'register-body',
  'authenticate-body',
  'publish-body',
  'console-login-body',
] as const;
/** Every target name. */
export const ALL_TARGETS: readonly string[] = [...PARSER_TARGETS, ...HTTP_TARGETS];

/** Options of {@link runFuzz}. */
export interface RunFuzzOptions {
  readonly seed: number;
  /** Targets to run (default: all). */
  readonly targets?: readonly string[];
  /** Inputs per target (default: unlimited, bounded by `seconds`). */
  readonly inputs?: number;
  /** Total time budget in seconds, shared evenly by the remaining targets (default: none). */
  readonly seconds?: number;
  /** Per-input CPU time bound, ms (default 2000). */
  readonly maxMs?: number;
  /** Per-input wall time bound, ms (default 10,000). */
  readonly maxWallMs?: number;
  /** Heap bound, bytes (default 512 MiB). */
  readonly maxHeapBytes?: number;
  /** Replay only this index (one target). */
  readonly replay?: number;
  /** Called after each target. */
  readonly onTarget?: (r: TargetReport) => void;
  /**
   * HTTP targets: how long a connection may stay quiet before the client half-closes or hangs
   * up, ms (default 30; longer is slower but gives a loaded machine's handlers more time).
   */
  readonly httpIdleMs?: number;
  /** Abort the process when one input runs longer than this, ms (default 30 s; 0 = no watchdog). */
  readonly hangMs?: number;
}

/** The result of a run. */
export interface FuzzRun {
  readonly seed: number;
  readonly reports: readonly TargetReport[];
  readonly failures: readonly FuzzFailure[];
  /** Whether the manager still answered a well-formed request after the HTTP targets. */
  readonly managerHealthy: boolean | undefined;
  /** Errors that escaped to the process (uncaught exceptions, unhandled rejections). */
  readonly processErrors: readonly string[];
}

/** Runs the fuzzer. */
export async function runFuzz(options: RunFuzzOptions): Promise<FuzzRun> {
  const wanted = options.targets ?? ALL_TARGETS;
  for (const t of wanted) if (!ALL_TARGETS.includes(t)) throw new RangeError(`unknown target ${t}`);
  const processErrors: string[] = [];
  const onUncaught = (e: unknown) => processErrors.push(`uncaught: ${(e as Error)?.stack ?? e}`);
  const onRejection = (e: unknown) => processErrors.push(`unhandled: ${(e as Error)?.stack ?? e}`);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);
  if ((options.hangMs ?? 30_000) > 0) watchdog.start(options.hangMs ?? 30_000);
  const start = performance.now();
  const reports: TargetReport[] = [];
  let managerHealthy: boolean | undefined;
  try {
    watchdog.pause(true);
    const targets: FuzzTarget[] = [];
    if (wanted.some((t) => (PARSER_TARGETS as readonly string[]).includes(t))) {
      targets.push(...(await parserTargets(await fuzzMaterial())));
    }
    const m = wanted.some((t) => (HTTP_TARGETS as readonly string[]).includes(t))
      ? await startFuzzManager()
      : undefined;
    if (m !== undefined) targets.push(...httpTargets(m, options.httpIdleMs));
    const selected = targets.filter((t) => wanted.includes(t.name));
    try {
      for (let i = 0; i < selected.length; i++) {
        const t = selected[i]!;
        let deadline: number | undefined;
        if (options.seconds !== undefined) {
          const left = start + options.seconds * 1000 - performance.now();
          deadline = performance.now() + Math.max(0, left / (selected.length - i));
        }
        watchdog.pause(false);
        const r = await fuzzTarget(t, {
          seed: options.seed,
          ...(options.inputs !== undefined ? { inputs: options.inputs } : {}),
          ...(deadline !== undefined ? { deadline } : {}),
          ...(options.maxMs !== undefined ? { maxMs: options.maxMs } : {}),
          ...(options.maxWallMs !== undefined ? { maxWallMs: options.maxWallMs } : {}),
          ...(options.maxHeapBytes !== undefined ? { maxHeapBytes: options.maxHeapBytes } : {}),
          ...(options.replay !== undefined ? { only: options.replay } : {}),
        });
        watchdog.pause(true);
        reports.push(r);
        options.onTarget?.(r);
      }
      if (m !== undefined) managerHealthy = await healthy(m);
      if (m !== undefined && m.errors.length > 0) {
        processErrors.push(...m.errors.map((e) => `manager onError: ${(e as Error)?.stack ?? e}`));
      }
    } finally {
      await m?.close();
    }
  } finally {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onRejection);
    await watchdog.stop();
  }
  return {
    seed: options.seed,
    reports,
    failures: reports.flatMap((r) => r.failures),
    managerHealthy,
    processErrors,
  };
}
