/**
 * sylink.xml benchmark (issue 5): `parseSylink` and `buildSylink` on a realistic ~20 KB file
 * (20 servers in 2 lists x 2 priority blocks, 5 RSA-2048 manager certificates, a block of
 * settings this library does not type), next to saxes alone on the same text (the floor: a
 * strict SAX pass with no handlers) for scale. Target: parse <= 1 ms median. Parsing is timed twice: as a client or manager re-reads its file
 * (the 5 certificates already in the decoded-certificate cache, see src/sylink/certificate.ts)
 * and cold (cache emptied before each call: 5 ASN.1 certificate decodes of ~0.1 ms each).
 *
 * Run: `node --import tsx bench/sylink.bench.ts` (or `npm run bench -- sylink`). Prints a
 * markdown report. Environment: SYLINK_BENCH_ROUNDS (default 9), SYLINK_BENCH_ITERATIONS per
 * round (default 300).
 *
 * Method: 300 warm-up calls of each; then ROUNDS rounds, each timing ITERATIONS single calls of
 * each operation, the operations interleaved call by call. Reported: the median and p90 of all
 * single-call timings, and ops/s = 1000 / mean ms. The output of each operation is checked once
 * before timing (the parse must give back 20 servers and 5 certificates, the build must give
 * back the same bytes).
 */
import { webcrypto } from 'node:crypto';
import { cpus } from 'node:os';
import { SaxesParser } from 'saxes';
import { X509CertificateGenerator, type X509Certificate } from '../src/cert/x509.js';
import { Kcs } from '../src/kcs.js';
import { clearCertificateCache } from '../src/sylink/certificate.js';
import {
  buildSylink,
  createSylink,
  parseSylink,
  serversInPriorityOrder,
  type Sylink,
} from '../src/sylink/index.js';

const ROUNDS = Math.max(3, Number(process.env.SYLINK_BENCH_ROUNDS ?? 9));
const ITERATIONS = Math.max(50, Number(process.env.SYLINK_BENCH_ITERATIONS ?? 300));
const LOG_SETTINGS = 90;

async function certificates(n: number): Promise<X509Certificate[]> {
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const out: X509Certificate[] = [];
  for (let i = 0; i < n; i++) {
    const keys = (await webcrypto.subtle.generateKey(alg, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    out.push(
      await X509CertificateGenerator.createSelfSigned(
        {
          serialNumber: `0${i + 1}`,
          name: `CN=sepm${i + 1}.corp.example, O=Example, C=US`,
          notBefore: new Date('2026-01-01T00:00:00Z'),
          notAfter: new Date('2036-01-01T00:00:00Z'),
          signingAlgorithm: alg,
          keys,
        },
        webcrypto as unknown as Crypto,
      ),
    );
  }
  return out;
}

/** The ~20 KB fixture: what a multi-site SEPM with failover hands its clients. */
async function fixture(): Promise<string> {
  const certs = await certificates(5);
  const servers = Array.from({ length: 10 }, (_, i) => ({
    address: i < 5 ? `10.20.${i}.${10 + i}` : `sepm${i}.corp.example`,
    httpsPort: 443,
    priority: i < 5 ? 1 : 2,
    ...(i < 5 ? { certificate: certs[i], certificateName: `sepm${i + 1}.corp.example` } : {}),
  }));
  const base = createSylink({
    domainId: '1E814550AC1E00027245A393F26DBE37',
    kcs: Kcs.generate(),
    servers,
  });
  const second = createSylink({
    domainId: 'x',
    kcs: Kcs.generate(),
    servers: servers.map((s) => ({ ...s, address: `dr-${s.address}`, certificate: undefined })),
    serverListName: 'Disaster Recovery Management Server List',
  });
  // Settings this library keeps without typing them, enough to bring the file to ~20 KB.
  const logs = Array.from({ length: LOG_SETTINGS }, (_, i) => ({
    type: 'element' as const,
    name: 'LogSetting',
    attributes: {
      Name: `Log${i}`,
      MaxSize: '512',
      TTL: '30',
      Upload: i % 2 ? '1' : '0',
      Filter: 'System|Security|Traffic|Packet|Control',
    },
    children: [],
  }));
  const sylink: Sylink = {
    ...base,
    serverLists: [...base.serverLists, ...second.serverLists],
    xml: { commConf: { children: logs } },
  };
  return buildSylink(sylink);
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

async function main(): Promise<void> {
  const xml = await fixture();
  const bytes = new TextEncoder().encode(xml);
  const model = parseSylink(bytes);
  if (
    serversInPriorityOrder(model).length +
      serversInPriorityOrder(model, { list: 'Disaster Recovery Management Server List' }).length !==
    20
  ) {
    throw new Error('fixture does not have 20 servers');
  }
  if (model.certificates.length !== 5) throw new Error('fixture does not have 5 certificates');
  if (buildSylink(model) !== xml) throw new Error('build(parse(x)) differs from x');

  const saxesOnly = (): void => {
    new SaxesParser({ xmlns: true, position: true }).write(xml).close();
  };
  const ops: Array<[string, () => unknown]> = [
    ['parseSylink (bytes), certificates decoded before', () => parseSylink(bytes)],
    [
      'parseSylink (bytes), cold: certificate cache emptied first',
      () => {
        clearCertificateCache();
        return parseSylink(bytes);
      },
    ],
    ['buildSylink', () => buildSylink(model)],
    ['saxes alone, no handlers (floor)', saxesOnly],
  ];
  for (const [, op] of ops) for (let i = 0; i < 300; i++) op();

  const times = ops.map(() => [] as number[]);
  const cpu = ops.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < ITERATIONS; i++) {
      for (let k = 0; k < ops.length; k++) {
        const t = performance.now();
        ops[k]![1]();
        times[k]!.push(performance.now() - t);
      }
    }
    // CPU time of this process per call, in batches: what the code costs, whatever else the
    // machine is running (wall-clock medians above include waiting for a core).
    for (let k = 0; k < ops.length; k++) {
      const c = process.cpuUsage();
      for (let i = 0; i < ITERATIONS; i++) ops[k]![1]();
      const d = process.cpuUsage(c);
      cpu[k]!.push((d.user + d.system) / 1000 / ITERATIONS);
    }
  }

  console.log(
    `sylink.xml of ${bytes.length} bytes (20 servers, 5 RSA-2048 certificates, ${LOG_SETTINGS} kept LogSetting elements)`,
  );
  console.log(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}; ${ROUNDS} rounds x ${ITERATIONS} calls each, interleaved\n`,
  );
  // Call-by-call ratios to the saxes floor measured next to it: steadier than absolute figures
  // on a shared machine.
  const floor = times[ops.length - 1]!;
  console.log('| operation | median ms | p90 ms | ops/s | median ratio to saxes alone |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  ops.forEach(([name], k) => {
    const xs = times[k]!;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `| ${name} | ${quantile(xs, 0.5).toFixed(3)} | ${quantile(xs, 0.9).toFixed(3)} | ${Math.round(1000 / mean)} | ${quantile(
        xs.map((x, i) => x / floor[i]!),
        0.5,
      ).toFixed(2)} |`,
    );
  });
  console.log('\n| operation | CPU ms per call (median of rounds) | min-max |');
  console.log('| --- | ---: | ---: |');
  ops.forEach(([name], k) => {
    const xs = cpu[k]!;
    console.log(
      `| ${name} | ${quantile(xs, 0.5).toFixed(3)} | ${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)} |`,
    );
  });
  for (const k of [0, 1]) {
    const wall = quantile(times[k]!, 0.5);
    const c = quantile(cpu[k]!, 0.5);
    console.log(
      `\nTarget parse <= 1 ms median, ${ops[k]![0]}: wall ${wall.toFixed(3)} ms (${wall <= 1 ? 'met' : 'not met'}), CPU ${c.toFixed(3)} ms (${c <= 1 ? 'met' : 'not met'}).`,
    );
  }
}

await main();
