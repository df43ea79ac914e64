/**
 * Identity generation benchmark (issue 3): `generateServerIdentity()` (RSA-2048 key pair and a
 * self-signed SHA256withRSA certificate, over WebCrypto) against `openssl req -x509 -newkey
 * rsa:2048 -nodes` (the same job as a CLI process), in the same run, interleaved.
 *
 * Run: `node --import tsx bench/identity.bench.ts` (or `npm run bench -- identity`). Prints a
 * markdown report. Environment: IDENTITY_BENCH_RUNS (default 31, at least 9).
 *
 * Method: one warm-up of each, then RUNS rounds; each round times one generation of each, the
 * order alternating between rounds; wall-clock milliseconds. RSA key generation searches for
 * random primes, so single timings spread widely (performance-anchors.md section 4: 129-509 ms
 * p10-p90 for openssl): compare medians and the median of the per-round ratios.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServerIdentity } from '../src/cert/index.js';

const RUNS = Math.max(9, Number(process.env.IDENTITY_BENCH_RUNS ?? 31));
const dir = mkdtempSync(join(tmpdir(), 'sepm-identity-bench-'));

async function ours(): Promise<number> {
  const t = performance.now();
  const id = await generateServerIdentity({ commonName: 'bench.example' });
  const ms = performance.now() - t;
  if (id.certificate.publicKey.algorithm.name !== 'RSASSA-PKCS1-v1_5')
    throw new Error('unexpected key');
  return ms;
}

function openssl(): number {
  const t = performance.now();
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '365',
      '-subj',
      '/CN=bench.example',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
    ],
    { stdio: 'ignore' },
  );
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.status}`);
  return ms;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

const f = (x: number) => x.toFixed(1);

async function main(): Promise<void> {
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim();
  await ours();
  openssl();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      a.push(await ours());
      b.push(openssl());
    } else {
      b.push(openssl());
      a.push(await ours());
    }
  }
  const ratios = a.map((x, i) => x / b[i]!);
  const row = (name: string, xs: number[]) =>
    `| ${name} | ${f(quantile(xs, 0.5))} | ${f(quantile(xs, 0.1))} | ${f(quantile(xs, 0.9))} | ${f(Math.min(...xs))} | ${f(Math.max(...xs))} |`;
  const medianRatio = quantile(a, 0.5) / quantile(b, 0.5);
  console.log(
    `### Identity generation (RSA-2048, self-signed, SHA256withRSA), ${RUNS} interleaved runs each\n`,
  );
  console.log(
    `Node ${process.version}, ${version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`,
  );
  console.log('| generator | median ms | p10 | p90 | min | max |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(row('`generateServerIdentity()` (node webcrypto)', a));
  console.log(row('`openssl req -x509 -newkey rsa:2048 -nodes` (process)', b));
  console.log();
  console.log(
    `- ratio of medians (ours / openssl): **${medianRatio.toFixed(2)}x** (target <= 1.2x: ${medianRatio <= 1.2 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `- median of per-round ratios: ${quantile(ratios, 0.5).toFixed(2)}x (p10 ${quantile(ratios, 0.1).toFixed(2)}, p90 ${quantile(ratios, 0.9).toFixed(2)})`,
  );
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
