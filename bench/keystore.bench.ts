/**
 * Keystore benchmark (issue 3, items 3 and 6): JKS read and write ops/s against `jks-js` reading
 * the same file in the same run, plus PEM read/write.
 *
 * Run: `node --import tsx bench/keystore.bench.ts` (or `npm run bench -- keystore`). Prints a
 * markdown table. Environment: KEYSTORE_BENCH_ROUNDS (default 11; at least 9).
 *
 * Method: the SEPM shape, one RSA-2048 private-key entry with its self-signed certificate plus
 * one trusted certificate, store and key password "changeit"; the JKS is written once by
 * `writeJks` (and, when keytool is on the PATH, a keytool-made copy is read too). Outputs are
 * checked equal before timing. Every round runs every case once, rotating which goes first; a
 * case runs whole operations for at least 200 ms after a warm-up call; a round's figure is
 * ops/s, the table shows the median over rounds with min-max, and the ratio column is the median
 * of the per-round ratios ours / jks-js (paired, so machine noise cancels).
 *
 * The comparison: `readJks` checks the digest and recovers every key as PKCS#8; for `jks-js`
 * the same work is `parseJks` (digest) plus `decrypt` of each key. "to PEM" compares
 * `writePem(readJks(...))` with `jks-js`'s `toPem`, which also returns PEM text.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decrypt, parseJks, toPem } from 'jks-js';
import { generateServerIdentity } from '../src/cert/generate.js';
import { keystoreFromIdentity } from '../src/keystore/identity.js';
import { readJks, writeJks } from '../src/keystore/jks.js';
import type { Keystore, PrivateKeyEntry } from '../src/keystore/model.js';
import { readPem, writePem } from '../src/keystore/pem.js';

const ROUNDS = Math.max(9, Number(process.env.KEYSTORE_BENCH_ROUNDS ?? 11));
const MIN_MS = 200;

interface Case {
  name: string;
  group: string;
  ours: boolean;
  run: () => unknown;
}

function opsPerSecond(run: () => unknown): number {
  run();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < MIN_MS || n < 2) {
    run();
    n++;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** jks-js's equivalent of readJks: parse (digest check) and recover each key. */
function jksJsRead(bytes: Buffer, password: string): unknown[] {
  return parseJks(bytes, password).map((e) =>
    'protectedPrivateKey' in e ? decrypt(e.protectedPrivateKey, password) : e,
  );
}

async function main(): Promise<void> {
  const identity = await generateServerIdentity({ commonName: 'bench.example' });
  const trusted = await generateServerIdentity({ commonName: 'trusted.example' });
  const base = await keystoreFromIdentity(identity, {
    alias: 'sepm',
    date: new Date(1_700_000_000_000),
  });
  const ks: Keystore = {
    format: 'jks',
    entries: [
      ...base.entries,
      {
        kind: 'trustedCertificate',
        alias: 'peer',
        date: new Date(1_700_000_000_000),
        certificate: new Uint8Array(trusted.certificate.rawData),
      },
    ],
  };
  const ours = writeJks(ks, 'changeit');
  const files: [string, Uint8Array][] = [['writeJks file', ours]];

  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-'));
  try {
    const src = join(dir, 'src.jks');
    const dst = join(dir, 'kt.jks');
    writeFileSync(src, ours);
    // keytool re-writes our file: its own KeyProtector salt, Hashtable entry order.
    execFileSync(
      'keytool',
      [
        '-importkeystore',
        '-srckeystore',
        src,
        '-srcstorepass',
        'changeit',
        '-srcstoretype',
        'JKS',
        '-destkeystore',
        dst,
        '-deststoretype',
        'JKS',
        '-deststorepass',
        'changeit',
        '-destkeypass',
        'changeit',
        '-noprompt',
      ],
      { stdio: 'ignore' },
    );
    files.push(['keytool file', new Uint8Array(readFileSync(dst))]);
  } catch {
    console.log('(keytool not available: only our own file is read)\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Outputs agree before timing.
  const want = (ks.entries[0] as PrivateKeyEntry).pkcs8;
  for (const [name, bytes] of files) {
    const entry = readJks(bytes, 'changeit').entries.find(
      (e) => e.kind === 'privateKey',
    ) as PrivateKeyEntry;
    const theirs = jksJsRead(Buffer.from(bytes), 'changeit').find(
      (x) => typeof x === 'string',
    ) as string;
    const theirsDer = createPrivateKey(theirs).export({ type: 'pkcs8', format: 'der' });
    const oursDer = createPrivateKey({
      key: Buffer.from(entry.pkcs8),
      format: 'der',
      type: 'pkcs8',
    }).export({ type: 'pkcs8', format: 'der' });
    if (!theirsDer.equals(oursDer) || !Buffer.from(entry.pkcs8).equals(Buffer.from(want)))
      throw new Error(`outputs differ on ${name}`);
  }
  const pemText = writePem(ks);

  const cases: Case[] = [];
  for (const [name, bytes] of files) {
    const buf = Buffer.from(bytes);
    cases.push({
      group: `JKS read (${name})`,
      name: 'sepm-crypto readJks',
      ours: true,
      run: () => readJks(bytes, 'changeit'),
    });
    cases.push({
      group: `JKS read (${name})`,
      name: 'jks-js parseJks + decrypt',
      ours: false,
      run: () => jksJsRead(buf, 'changeit'),
    });
  }
  const buf = Buffer.from(ours);
  cases.push({
    group: 'JKS to PEM',
    name: 'sepm-crypto writePem(readJks)',
    ours: true,
    run: () => writePem(readJks(ours, 'changeit')),
  });
  cases.push({
    group: 'JKS to PEM',
    name: 'jks-js toPem',
    ours: false,
    run: () => toPem(buf, 'changeit'),
  });
  cases.push({
    group: 'JKS write',
    name: 'sepm-crypto writeJks',
    ours: true,
    run: () => writeJks(ks, 'changeit'),
  });
  cases.push({
    group: 'PEM read',
    name: 'sepm-crypto readPem',
    ours: true,
    run: () => readPem(pemText),
  });
  cases.push({
    group: 'PEM write',
    name: 'sepm-crypto writePem',
    ours: true,
    run: () => writePem(ks),
  });

  const results = cases.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length;
      results[i]!.push(opsPerSecond(cases[i]!.run));
    }
  }

  console.log(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${ROUNDS} rounds, file ${ours.length} bytes\n`,
  );
  console.log(
    '| group | implementation | ops/s (median) | min-max | ours / jks-js (median of paired ratios) |',
  );
  console.log('|---|---|---:|---:|---:|');
  cases.forEach((c, i) => {
    const xs = results[i]!;
    let ratio = '';
    if (c.ours) {
      const j = cases.findIndex((o) => o.group === c.group && !o.ours);
      if (j >= 0) ratio = `${median(xs.map((x, r) => x / results[j]![r]!)).toFixed(2)}x`;
    }
    console.log(
      `| ${c.group} | ${c.name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} | ${ratio} |`,
    );
  });
}

await main();
