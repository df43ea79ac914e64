/**
 * Policy benchmark (issue 4): `sealPolicy` / `openPolicy` on 4 KiB and 1 MiB with the split
 * between RSA and Twofish; RSA-2048 sign and verify through the library against
 * `openssl speed -seconds 3 rsa2048` in the same run; and `openPolicy(1 MiB)` against its floor,
 * one RSA verify over the sealed bytes plus one Twofish-CBC decryption of 1 MiB.
 *
 * Run: `node --import tsx bench/policy.bench.ts` (or `npm run bench -- policy`). Prints a
 * markdown report. Environment: POLICY_BENCH_ROUNDS (default 3), POLICY_BENCH_MS (time per
 * measurement, default 600).
 *
 * Method: each round measures every case once (throughput over >= POLICY_BENCH_MS after a
 * warm-up, whole calls, awaited one at a time), then runs `openssl speed`; figures are medians
 * over the rounds and ratios are taken within a round. openssl speed signs a 36-byte digest;
 * our sign/verify rows sign 32-byte messages, so both are almost pure RSA.
 */
import { spawnSync } from 'node:child_process';
import { constants, KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { cpus } from 'node:os';
import { generateServerIdentity } from '../src/cert/index.js';
import { openPolicy, sealPolicy, signPolicy, verifyPolicy } from '../src/policy/index.js';
import { twofishCbc } from '../src/twofish/index.js';
import { Kcs } from '../src/kcs.js';

const ROUNDS = Math.max(1, Number(process.env.POLICY_BENCH_ROUNDS ?? 3));
const MIN_MS = Math.max(100, Number(process.env.POLICY_BENCH_MS ?? 600));
const KiB = 1024;
const MiB = 1 << 20;

/** CPU milliseconds (user + system, this process) used per call by the last {@link msPerOp}. */
let lastCpuMs = 0;

/**
 * Wall-clock milliseconds per call of `fn`, over at least MIN_MS after a short warm-up; the CPU
 * time per call is left in {@link lastCpuMs}.
 */
async function msPerOp(fn: () => unknown): Promise<number> {
  const warm = performance.now();
  while (performance.now() - warm < MIN_MS / 5) await fn();
  let n = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  let elapsed: number;
  do {
    await fn();
    n++;
    elapsed = performance.now() - t;
  } while (elapsed < MIN_MS);
  const used = process.cpuUsage(cpu);
  lastCpuMs = (used.user + used.system) / 1000 / n;
  return elapsed / n;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * `openssl speed -seconds 3 rsa2048` sign/s and verify/s. By default openssl counts operations per
 * second of its own CPU time; `-elapsed` counts per wall-clock second, as our rows do.
 */
function opensslSpeed(elapsed: boolean): { sign: number; verify: number } {
  const args = ['speed', ...(elapsed ? ['-elapsed'] : []), '-seconds', '3', 'rsa2048'];
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => /^rsa\s+2048 bits/.test(l));
  const nums = line?.trim().split(/\s+/).slice(-2).map(Number);
  if (r.status !== 0 || nums === undefined || nums.some((x) => !Number.isFinite(x))) {
    throw new Error(`cannot parse openssl speed output: ${r.stdout}${r.stderr}`);
  }
  return { sign: nums[0]!, verify: nums[1]! };
}

function fill(n: number): Uint8Array {
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = (i * 131 + 7) & 0xff;
  return d;
}

async function main(): Promise<void> {
  const identity = await generateServerIdentity({ commonName: 'bench.example' });
  const trusted = [identity.certificate];
  const kcs = Kcs.generate();
  const privateKey = KeyObject.from(identity.privateKey as Parameters<typeof KeyObject.from>[0]);
  const publicKey = KeyObject.from(
    (await crypto.subtle.importKey(
      'spki',
      identity.certificate.publicKey.rawData,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['verify'],
    )) as Parameters<typeof KeyObject.from>[0],
  );
  const small = fill(32);
  const smallSig = await signPolicy(small, identity);

  const sizes = [4 * KiB, MiB];
  const data = new Map(sizes.map((s) => [s, fill(s)]));
  const sealed = new Map<number, Uint8Array>();
  for (const s of sizes) {
    const sl = await sealPolicy(data.get(s)!, identity, kcs);
    const opened = await openPolicy(sl, kcs, trusted);
    if (opened.data.length !== s || opened.data.some((b, i) => b !== data.get(s)![i]))
      throw new Error('round trip failed');
    sealed.set(s, sl);
  }
  if ((await verifyPolicy(small, smallSig, trusted)).signer !== identity.certificate)
    throw new Error('verify failed');

  type Row = Record<string, number>;
  const rounds: Row[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const row: Row = {};
    row.sign = await msPerOp(() => signPolicy(small, identity));
    row.signCpu = lastCpuMs;
    row.verify = await msPerOp(() => verifyPolicy(small, smallSig, trusted));
    row.verifyCpu = lastCpuMs;
    row.nodeSign = await msPerOp(() =>
      nodeSign('sha256', small, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }),
    );
    row.nodeVerify = await msPerOp(() =>
      nodeVerify(
        'sha256',
        small,
        { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
        smallSig,
      ),
    );
    for (const s of sizes) {
      const d = data.get(s)!;
      const sl = sealed.get(s)!;
      const signedPart = sl.subarray(0, sl.length - 256);
      const iv = sl.subarray(14, 30);
      const ct = sl.subarray(34, sl.length - 256 - 34);
      row[`seal${s}`] = await msPerOp(() => sealPolicy(d, identity, kcs));
      row[`open${s}`] = await msPerOp(() => openPolicy(sl, kcs, trusted));
      row[`rsaSign${s}`] = await msPerOp(() =>
        nodeSign('sha256', signedPart, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }),
      );
      row[`rsaVerify${s}`] = await msPerOp(() =>
        nodeVerify(
          'sha256',
          signedPart,
          { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
          sl.subarray(sl.length - 256),
        ),
      );
      row[`tfEnc${s}`] = await msPerOp(() => twofishCbc(kcs.bytes, iv).encrypt(d));
      row[`tfDec${s}`] = await msPerOp(() => twofishCbc(kcs.bytes, iv).decrypt(ct));
    }
    const o = opensslSpeed(false);
    row.osslSign = 1000 / o.sign;
    row.osslVerify = 1000 / o.verify;
    const w = opensslSpeed(true);
    row.osslSignWall = 1000 / w.sign;
    row.osslVerifyWall = 1000 / w.verify;
    rounds.push(row);
  }
  const med = (k: string) => median(rounds.map((r) => r[k]!));
  const ratio = (a: string, b: string) => median(rounds.map((r) => r[a]! / r[b]!));
  const ops = (ms: number) => (1000 / ms).toFixed(ms < 1 ? 0 : 1);
  const mbs = (ms: number, bytes: number) => (bytes / MiB / (ms / 1000)).toFixed(1);
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim();

  console.log(`### Policies: RSA-2048 and Twofish-128-CBC, median of ${ROUNDS} rounds\n`);
  console.log(
    `Node ${process.version}, ${version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`,
  );
  console.log(
    '| RSA-2048 (32-byte message) | ops/s per CPU second | vs `openssl speed -seconds 3 rsa2048` (CPU time) | ops/s wall clock | vs `openssl speed -elapsed` (wall clock) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(
    `| \`signPolicy\` raw | ${ops(med('signCpu'))} | ${ratio('osslSign', 'signCpu').toFixed(2)}x | ${ops(med('sign'))} | ${ratio('osslSignWall', 'sign').toFixed(2)}x |`,
  );
  console.log(
    `| \`verifyPolicy\` raw | ${ops(med('verifyCpu'))} | ${ratio('osslVerify', 'verifyCpu').toFixed(2)}x | ${ops(med('verify'))} | ${ratio('osslVerifyWall', 'verify').toFixed(2)}x |`,
  );
  console.log(
    `| node:crypto \`sign\` (cached KeyObject) | | | ${ops(med('nodeSign'))} | ${ratio('osslSignWall', 'nodeSign').toFixed(2)}x |`,
  );
  console.log(
    `| node:crypto \`verify\` (cached KeyObject) | | | ${ops(med('nodeVerify'))} | ${ratio('osslVerifyWall', 'nodeVerify').toFixed(2)}x |`,
  );
  console.log(
    `| openssl speed sign / verify | ${ops(med('osslSign'))} / ${ops(med('osslVerify'))} | 1.00x | ${ops(med('osslSignWall'))} / ${ops(med('osslVerifyWall'))} | 1.00x |`,
  );
  console.log();
  console.log('| operation | size | ops/s | MB/s | RSA part | Twofish part |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of sizes) {
    const label = s === MiB ? '1 MiB' : `${s / KiB} KiB`;
    const seal = med(`seal${s}`);
    const open = med(`open${s}`);
    const pct = (part: string, whole: string) => `${(100 * ratio(part, whole)).toFixed(0)}%`;
    console.log(
      `| \`sealPolicy\` | ${label} | ${ops(seal)} | ${mbs(seal, s)} | ${pct(`rsaSign${s}`, `seal${s}`)} | ${pct(`tfEnc${s}`, `seal${s}`)} |`,
    );
    console.log(
      `| \`openPolicy\` | ${label} | ${ops(open)} | ${mbs(open, s)} | ${pct(`rsaVerify${s}`, `open${s}`)} | ${pct(`tfDec${s}`, `open${s}`)} |`,
    );
  }
  console.log();
  console.log(
    'RSA part = node:crypto sign/verify (SHA-256 + RSA) of the signed bytes; Twofish part = Twofish-CBC of the policy; the rest is framing, fingerprint lookup and copies.\n',
  );
  const floor = rounds.map((r) => r[`open${MiB}`]! / (r[`rsaVerify${MiB}`]! + r[`tfDec${MiB}`]!));
  const m = median(floor);
  console.log(
    `- \`openPolicy(1 MiB)\` / (RSA verify of the sealed bytes + Twofish-CBC decrypt of 1 MiB) = **${m.toFixed(2)}x** (target <= 1.3x: ${m <= 1.3 ? 'met' : 'NOT met'}); floor ${med(`rsaVerify${MiB}`).toFixed(2)} + ${med(`tfDec${MiB}`).toFixed(2)} ms, openPolicy ${med(`open${MiB}`).toFixed(2)} ms`,
  );
  const s = ratio('osslSign', 'signCpu');
  const sw = ratio('osslSignWall', 'sign');
  console.log(
    `- RSA-2048 sign through \`signPolicy\`: **${s.toFixed(2)}x** openssl speed per CPU second, ${sw.toFixed(2)}x per wall-clock second (target >= 0.8x: ${s >= 0.8 ? 'met' : 'NOT met'})`,
  );
}

await main();
