/**
 * PKCS#12 benchmark (issue 3, item 5): `readPkcs12` and `writePkcs12` ops/s for the `modern` and
 * `legacy` profiles, plus reading a file written by keytool 17 (when keytool is on the PATH) and,
 * as an anchor, `jks-js`'s `parsePkcs12` (node-forge underneath) reading the same files.
 *
 * Run: `node --import tsx bench/pkcs12.bench.ts` (or `npm run bench -- pkcs12`). Prints a
 * markdown table. Environment: PKCS12_BENCH_ROUNDS (default 9, at least 9 for the report).
 *
 * Method: one RSA-2048 private-key entry with its self-signed certificate (the SEPM server
 * identity), store password "changeit", default iteration counts (10,000 everywhere, as keytool 17).
 * Every round runs every case once, rotating which goes first; a case runs whole operations for at
 * least 250 ms (and at least 2 operations) after one warm-up call; the figure per round is ops/s
 * and the reported value is the median over rounds, with min-max.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { parsePkcs12 } from 'jks-js';
import { readPkcs12, writePkcs12 } from '../src/keystore/pkcs12/index.js';
import type { Keystore } from '../src/keystore/model.js';

const ROUNDS = Math.max(9, Number(process.env.PKCS12_BENCH_ROUNDS ?? 9));
const MIN_MS = 250;

const dir = mkdtempSync(join(tmpdir(), 'p12-bench-'));
try {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
      '-sha256',
      '-days',
      '365',
      '-subj',
      '/CN=bench.example',
    ],
    { stdio: 'ignore' },
  );
  const ks: Keystore = {
    format: 'pkcs12',
    entries: [
      {
        kind: 'privateKey',
        alias: 'server',
        date: new Date(1_700_000_000_000),
        pkcs8: new Uint8Array(
          createPrivateKey(readFileSync(join(dir, 'k.pem'))).export({
            format: 'der',
            type: 'pkcs8',
          }),
        ),
        chain: [new Uint8Array(new X509Certificate(readFileSync(join(dir, 'c.pem'))).raw)],
      },
    ],
  };
  const modern = writePkcs12(ks, 'changeit', { profile: 'modern' });
  const legacy = writePkcs12(ks, 'changeit', { profile: 'legacy' });
  let keytoolFile: Uint8Array | undefined;
  writeFileSync(join(dir, 'src.p12'), legacy);
  const kt = spawnSync(
    'keytool',
    [
      '-importkeystore',
      '-srckeystore',
      join(dir, 'src.p12'),
      '-srcstoretype',
      'PKCS12',
      '-srcstorepass',
      'changeit',
      '-destkeystore',
      join(dir, 'kt.p12'),
      '-deststoretype',
      'PKCS12',
      '-deststorepass',
      'changeit',
      '-noprompt',
    ],
    { stdio: 'ignore' },
  );
  if (kt.status === 0) keytoolFile = new Uint8Array(readFileSync(join(dir, 'kt.p12')));

  type Case = { name: string; op: () => unknown };
  const cases: Case[] = [
    { name: 'writePkcs12 modern', op: () => writePkcs12(ks, 'changeit', { profile: 'modern' }) },
    { name: 'writePkcs12 legacy', op: () => writePkcs12(ks, 'changeit', { profile: 'legacy' }) },
    { name: 'readPkcs12 modern (ours)', op: () => readPkcs12(modern, 'changeit') },
    { name: 'readPkcs12 legacy (ours)', op: () => readPkcs12(legacy, 'changeit') },
    {
      name: 'jks-js parsePkcs12 modern (ours)',
      op: () => parsePkcs12(Buffer.from(modern), 'changeit'),
    },
    {
      name: 'jks-js parsePkcs12 legacy (ours)',
      op: () => parsePkcs12(Buffer.from(legacy), 'changeit'),
    },
  ];
  if (keytoolFile !== undefined) {
    const f = keytoolFile;
    cases.push({ name: 'readPkcs12 keytool 17 file', op: () => readPkcs12(f, 'changeit') });
  }
  // Sanity: every reader recovers the same key.
  for (const f of [modern, legacy, ...(keytoolFile ? [keytoolFile] : [])]) {
    const e = readPkcs12(f, 'changeit').entries[0]!;
    if (
      e.kind !== 'privateKey' ||
      Buffer.compare(e.pkcs8, (ks.entries[0] as { pkcs8: Uint8Array }).pkcs8) !== 0
    ) {
      throw new Error('benchmark files do not round-trip');
    }
  }
  for (const c of cases) c.op(); // warm-up

  const results = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length]!;
      let n = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < MIN_MS || n < 2) {
        c.op();
        n++;
        t = performance.now();
      }
      results.get(c.name)!.push((n * 1000) / (t - t0));
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  console.log(
    `PKCS#12, RSA-2048 key + 1 certificate, 10,000 iterations; ${ROUNDS} rounds, interleaved.`,
  );
  console.log(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}; file sizes: modern ${modern.length} B, legacy ${legacy.length} B.\n`,
  );
  console.log('| operation | median ops/s | min-max ops/s | median ms/op |');
  console.log('|---|---:|---:|---:|');
  for (const c of cases) {
    const xs = results.get(c.name)!;
    const m = median(xs);
    console.log(
      `| ${c.name} | ${fmt(m)} | ${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))} | ${(1000 / m).toFixed(2)} |`,
    );
  }
  const ratio = (a: string, b: string) => {
    const xa = results.get(a)!;
    const xb = results.get(b)!;
    return median(xa.map((x, i) => x / xb[i]!));
  };
  console.log(
    `\nPaired ratios (median of per-round ratios): read modern ours / jks-js = ${ratio('readPkcs12 modern (ours)', 'jks-js parsePkcs12 modern (ours)').toFixed(1)}x, ` +
      `read legacy ours / jks-js = ${ratio('readPkcs12 legacy (ours)', 'jks-js parsePkcs12 legacy (ours)').toFixed(1)}x.`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
