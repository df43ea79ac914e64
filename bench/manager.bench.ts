/**
 * Manager throughput: requests/s and p99 latency for the signed index and a 64 KiB sealed policy
 * over HTTPS keep-alive (wrk when installed, else autocannon; see `load`), against nginx serving the very same bytes over TLS with the
 * same certificate and TLS settings (one worker, loopback, temporary config) when
 * /usr/sbin/nginx exists; then the cost of one client heartbeat.
 *
 * The manager runs in its own Node process (as nginx runs in its own), so the load generator
 * does not steal the event loop it measures. Runs are interleaved (manager, nginx,
 * nginx, manager, ...) and reported as medians and ratios.
 *
 *   node --import tsx bench/manager.bench.ts                 # 3 rounds x 5 s per cell
 *   node --import tsx bench/manager.bench.ts --duration 30 --rounds 1   # the 30 s load run
 *   options: --autocannon (force autocannon)  --duration S  --rounds N  --connections C  --no-bare (skip the bare node:https reference)
 *            --no-build (use the dist/ already built; by default the bench runs `npm run build` first)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createSite, loadSite } from '../src/node/site/site.js';
import type * as NodeEntry from '../src/node/index.js';
import { createClient } from '../src/node/client/client.js';
import { TLS12_CIPHERS, TLS13_CIPHERS, TLS_CURVES } from '../src/node/http/tls_profile.js';
import { PATH_INDEX, policyPath } from '../src/protocol/index.js';

const POLICY = 'Bench 64K';
const NGINX = '/usr/sbin/nginx';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

// ---- child: the manager under test --------------------------------------------------------
// The manager runs from the built package (`dist/`), as its users run it: under tsx every
// function expression is wrapped to keep its name, which adds work per request that the
// shipped build does not have (about 1-2 µs per index request in a --cpu-prof run).
const DIST_NODE = new URL('../dist/node.js', import.meta.url).href;

async function serve(dir: string): Promise<void> {
  const { createManager, loadSite } = (await import(DIST_NODE)) as typeof NodeEntry;
  const site = await loadSite(dir);
  const policy = await readFile(join(dir, 'policy.bin'));
  const manager = createManager({
    site,
    ports: { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 },
    // A user handler on the manager port drives the heartbeat measurements.
    handlers: {
      manager: async (req, res, next) => {
        if (req.url === '/bench/publish' && req.method === 'POST') {
          await manager.publishPolicy(POLICY, randomBytes(64 * 1024));
          res.end('published');
        } else if (req.url === '/bench/cpu') {
          res.end(JSON.stringify(process.cpuUsage()));
        } else next();
      },
    },
  });
  const a = await manager.listen();
  await manager.publishPolicy(POLICY, policy);
  process.stdout.write(
    JSON.stringify({ client: a.client.port, http: a.clientHttp.port, manager: a.manager.port }) +
      '\n',
  );
  process.on('SIGTERM', () => void manager.close().then(() => process.exit(0)));
}

// ---- child: a bare node:https server with the same TLS settings and bytes (the ceiling) -----
// "The same bytes" is the whole response: the body and the manager's own response headers
// (ETag, Cache-Control, X-Content-Type-Options, Content-Type, HSTS; `headers.json`), so the
// ratio measures what the facade adds per request (chain, routing, activity), not the protocol.
async function serveBare(dir: string): Promise<void> {
  const { createServer } = await import('node:https');
  const { TLS_SERVER_PROFILE } = await import('../src/node/http/tls_profile.js');
  const index = await readFile(join(dir, 'www', 'secars', 'index'));
  const sealed = await readFile(join(dir, 'www', 'secars', 'policies', 'bench64k'));
  const headers = JSON.parse(await readFile(join(dir, 'headers.json'), 'utf8')) as {
    index: string[];
    policy: string[];
  };
  const server = createServer(
    {
      ...TLS_SERVER_PROFILE,
      key: await readFile(join(dir, 'server.key')),
      cert: await readFile(join(dir, 'server.crt')),
    },
    (req, res) => {
      const isIndex = req.url === '/secars/index';
      res.writeHead(200, isIndex ? headers.index : headers.policy);
      res.end(isIndex ? index : sealed);
    },
  );
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(
      JSON.stringify({ port: (server.address() as { port: number }).port }) + '\n',
    );
  });
  process.on('SIGTERM', () => process.exit(0));
}

// ---- parent -----------------------------------------------------------------------------------
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = netConnect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Cell {
  rps: number[];
  p99: number[];
  /** Server CPU time per request, µs (user + system of the server's processes). */
  cpu: number[];
  errors: number;
  requests: number;
}

// CPU ticks (user + system, /proc/<pid>/stat fields 14 and 15) of a process and its children
// (nginx's worker is a child of its master). A cost per request is far less sensitive to other
// jobs on a shared machine than a rate is.
const TICK_US = 1e6 / 100; // CLK_TCK is 100 on Linux
async function cpuTicks(pid: number): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    if (Number(entry) === pid || Number(f[1]) === pid) total += Number(f[11]) + Number(f[12]);
  }
  return total;
}

/** One load run's figures, whichever tool made them. */
interface LoadResult {
  rps: number;
  p99: number;
  total: number;
  errors: number;
}

const WRK = '/usr/bin/wrk';

/**
 * wrk (C, one thread) when installed, else autocannon. autocannon appends every response body to
 * a JavaScript string (`req.body += data`), so random binary bodies, such as sealed policies, cost
 * it a UTF-8 decode each: it then tops out near 1,200 req/s of 64 KiB on this machine while wrk
 * does about 9,800, and the servers are no longer what is measured.
 */
async function load(url: string, duration: number, connections: number): Promise<LoadResult> {
  const tool = process.argv.includes('--autocannon') || !existsSync(WRK) ? 'autocannon' : 'wrk';
  if (tool === 'autocannon') {
    const r = await autocannon({ url, duration, connections, pipelining: 1, timeout: 10 });
    return {
      rps: r.requests.average,
      p99: r.latency.p99,
      total: r.requests.total,
      errors: r.errors + r.timeouts + r.non2xx,
    };
  }
  const { execFile } = await import('node:child_process');
  const out = await new Promise<string>((resolve, reject) =>
    execFile(WRK, ['-t1', `-c${connections}`, `-d${duration}s`, '--latency', url], (e, so) =>
      e ? reject(e) : resolve(so),
    ),
  );
  const num = (re: RegExp): number => Number(out.match(re)?.[1] ?? 0);
  const p99 = out.match(/^\s*99%\s+([\d.]+)(us|ms|s)\s*$/m);
  const scale = p99?.[2] === 'us' ? 0.001 : p99?.[2] === 's' ? 1000 : 1;
  const sock = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p99: p99 ? Number(p99[1]) * scale : NaN,
    total: num(/(\d+) requests in /),
    errors:
      num(/Non-2xx or 3xx responses: (\d+)/) +
      (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

function loaderName(): string {
  return process.argv.includes('--autocannon') || !existsSync(WRK) ? 'autocannon' : 'wrk -t1';
}

async function main(): Promise<void> {
  const duration = arg('duration', 5);
  const rounds = arg('rounds', 3);
  const connections = arg('connections', 16);
  if (!process.argv.includes('--no-build')) {
    // The manager under test is the shipped build (see `serve`): build it from this tree.
    const b = spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
    if (b.status !== 0) throw new Error('npm run build failed');
  }
  const dir = await mkdtemp(join(tmpdir(), 'sepm-bench-'));
  const children: ChildProcess[] = [];
  try {
    await createSite(dir, { commonName: 'bench.sepm.test' });
    await writeFile(join(dir, 'policy.bin'), randomBytes(64 * 1024));
    const self = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--serve', dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const ports = await new Promise<{ client: number; http: number; manager: number }>(
      (resolve, reject) => {
        let buf = '';
        child.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]!));
        });
        child.once('exit', (c) => reject(new Error(`manager exited ${c}`)));
      },
    );
    // The exact bytes the manager serves, for nginx.
    const index = Buffer.from(
      await (await fetch(`http://127.0.0.1:${ports.http}${PATH_INDEX}`)).arrayBuffer(),
    );
    const sealed = Buffer.from(
      await (await fetch(`http://127.0.0.1:${ports.http}${policyPath(POLICY)}`)).arrayBuffer(),
    );
    const targets: Record<string, { index: string; policy: string; pid: number }> = {
      manager: {
        pid: child.pid!,
        index: `https://127.0.0.1:${ports.client}${PATH_INDEX}`,
        policy: `https://127.0.0.1:${ports.client}${policyPath(POLICY)}`,
      },
    };
    const root = join(dir, 'www');
    await mkdir(join(root, 'secars', 'policies'), { recursive: true });
    await writeFile(join(root, 'secars', 'index'), index);
    await writeFile(join(root, 'secars', 'policies', 'bench64k'), sealed);
    if (!process.argv.includes('--no-bare')) {
      // The manager's response headers over HTTPS, less the per-response ones.
      const headersOf = async (path: string): Promise<string[]> => {
        const r = await fetchInsecure(ports.client, path);
        const out: string[] = [];
        r.headers.forEach((v, k) => {
          if (!['date', 'connection', 'keep-alive'].includes(k)) out.push(k, v);
        });
        return out;
      };
      await writeFile(
        join(dir, 'headers.json'),
        JSON.stringify({
          index: await headersOf(PATH_INDEX),
          policy: await headersOf(policyPath(POLICY)),
        }),
      );
      const bare = spawn(process.execPath, ['--import', 'tsx', self, '--serve-bare', dir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(bare);
      const { port } = await new Promise<{ port: number }>((resolve, reject) => {
        let buf = '';
        bare.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]!));
        });
        bare.once('exit', (c) => reject(new Error(`bare server exited ${c}`)));
      });
      targets['bare node'] = {
        pid: bare.pid!,
        index: `https://127.0.0.1:${port}/secars/index`,
        policy: `https://127.0.0.1:${port}/secars/policies/bench64k`,
      };
    }
    if (existsSync(NGINX)) {
      const port = await freePort();
      const conf = `worker_processes 1;
daemon off;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp;
  uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  keepalive_requests 1000000;
  # Tuned for the comparison: no per-request open(), one read per 64 KiB file (sendfile does not
  # apply under TLS).
  sendfile on;
  open_file_cache max=64 inactive=600s;
  open_file_cache_valid 600s;
  output_buffers 1 128k;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${dir}/server.crt;
    ssl_certificate_key ${dir}/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ${TLS12_CIPHERS.join(':')};
    ssl_conf_command Ciphersuites ${TLS13_CIPHERS.join(':')};
    ssl_ecdh_curve ${TLS_CURVES};
    ssl_prefer_server_ciphers off;
    root ${root};
    default_type application/octet-stream;
  }
}
`;
      await mkdir(join(dir, 'tmp'));
      await writeFile(join(dir, 'nginx.conf'), conf);
      const ng = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
      children.push(ng);
      await waitForPort(port);
      targets.nginx = {
        pid: ng.pid!,
        index: `https://127.0.0.1:${port}/secars/index`,
        policy: `https://127.0.0.1:${port}/secars/policies/bench64k`,
      };
      // Same bytes from both.
      const check = await fetchInsecure(port, '/secars/policies/bench64k');
      if (!Buffer.from(await check.arrayBuffer()).equals(sealed)) {
        throw new Error('nginx does not serve the same bytes');
      }
    } else {
      console.log(`(${NGINX} not found: manager only)`);
    }

    const cells: Record<string, Cell> = {};
    const names = Object.keys(targets);
    for (let r = 0; r < rounds; r++) {
      // Alternate who goes first, so drift in machine load hits both sides alike.
      const order = r % 2 === 0 ? names : [...names].reverse();
      for (const what of ['index', 'policy'] as const) {
        for (const name of order) {
          const t = targets[name]!;
          const before = await cpuTicks(t.pid);
          const res = await load(t[what], duration, connections);
          const used = (await cpuTicks(t.pid)) - before;
          const c = (cells[`${name} ${what}`] ??= {
            rps: [],
            p99: [],
            cpu: [],
            errors: 0,
            requests: 0,
          });
          c.cpu.push((used * TICK_US) / Math.max(1, res.total));
          c.rps.push(res.rps);
          c.p99.push(res.p99);
          c.errors += res.errors;
          c.requests += res.total;
        }
      }
    }

    console.log(
      `\nHTTPS keep-alive (${loaderName()}), ${connections} connections, ${rounds} x ${duration} s per cell, interleaved; medians.\n`,
    );
    console.log(
      '| target | object | bytes | req/s | p99 ms | server CPU µs/req | requests | errors |',
    );
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const what of ['index', 'policy'] as const) {
      for (const name of names) {
        const c = cells[`${name} ${what}`]!;
        const bytes = what === 'index' ? index.length : sealed.length;
        console.log(
          `| ${name} | ${what} | ${bytes} | ${median(c.rps).toFixed(0)} | ${median(c.p99).toFixed(1)} | ${median(c.cpu).toFixed(1)} | ${c.requests} | ${c.errors} |`,
        );
      }
    }
    for (const [a, b] of [
      ['manager', 'nginx'],
      ['bare node', 'nginx'],
      ['manager', 'bare node'],
    ] as const) {
      if (targets[a] === undefined || targets[b] === undefined) continue;
      for (const what of ['index', 'policy'] as const) {
        const m = cells[`${a} ${what}`]!.rps;
        const n = cells[`${b} ${what}`]!.rps;
        const paired = m.map((x, i) => x / n[i]!);
        // Requests per CPU-second, a over b: b's CPU per request over a's.
        const eff = median(cells[`${b} ${what}`]!.cpu) / median(cells[`${a} ${what}`]!.cpu);
        console.log(
          `${a}/${b} ${what}: req/s ${(median(m) / median(n)).toFixed(2)}x (paired per round: ${paired.map((x) => x.toFixed(2)).join(', ')}); requests per CPU-second ${eff.toFixed(2)}x`,
        );
      }
    }

    // The speed bars of the facade (docs/node.md "Speed"): its overhead on the small index against
    // a bare node:https answering the same bytes, and the 64 KiB policy against nginx.
    const ratio = (a: string, b: string, what: 'index' | 'policy') =>
      targets[a] && targets[b]
        ? median(cells[`${a} ${what}`]!.rps) / median(cells[`${b} ${what}`]!.rps)
        : undefined;
    for (const [a, b, what, bar] of [
      ['manager', 'bare node', 'index', 0.9],
      ['manager', 'nginx', 'policy', 0.9],
    ] as const) {
      const r = ratio(a, b, what);
      if (r !== undefined)
        console.log(
          `bar: ${a}/${b} ${what} ${r.toFixed(2)}x (>= ${bar}x: ${r >= bar ? 'met' : 'NOT met'})`,
        );
    }

    // ---- heartbeat cost --------------------------------------------------------------------
    const site = await loadSite(dir);
    const sylink = {
      ...site.sylink,
      serverLists: [
        {
          name: 'bench',
          blocks: [
            { name: 'Priority1', servers: [{ address: '127.0.0.1', httpsPort: ports.client }] },
          ],
        },
      ],
    };
    const client = createClient({ sylink });
    await client.register();
    await client.heartbeat();
    const cpu = async (): Promise<NodeJS.CpuUsage> =>
      JSON.parse(
        await (await fetchInsecure(ports.manager, '/bench/cpu')).text(),
      ) as NodeJS.CpuUsage;
    const measure = async (n: number, changed: boolean) => {
      const wall: number[] = [];
      let clientCpu = 0;
      const s0 = await cpu();
      for (let i = 0; i < n; i++) {
        if (changed) await fetchInsecure(ports.manager, '/bench/publish', 'POST');
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const hb = await client.heartbeat();
        wall.push(performance.now() - t0);
        const c1 = process.cpuUsage(c0);
        clientCpu += c1.user + c1.system;
        if (changed !== hb.updated.length > 0) throw new Error('unexpected heartbeat result');
      }
      const s1 = await cpu();
      return {
        wall: median(wall),
        clientCpu: clientCpu / n / 1000,
        serverCpu: (s1.user + s1.system - s0.user - s0.system) / n / 1000,
      };
    };
    const same = await measure(300, false);
    const changed = await measure(50, true);
    client.close();
    console.log(
      '\nHeartbeat cost (client over HTTPS keep-alive; server CPU includes the publish in the changed case):\n',
    );
    console.log('| heartbeat | median wall ms | client CPU ms | manager CPU ms |');
    console.log('| --- | ---: | ---: | ---: |');
    console.log(
      `| unchanged (index fetch + verify) | ${same.wall.toFixed(2)} | ${same.clientCpu.toFixed(2)} | ${same.serverCpu.toFixed(2)} |`,
    );
    console.log(
      `| one 64 KiB policy changed (index + download + open) | ${changed.wall.toFixed(2)} | ${changed.clientCpu.toFixed(2)} | ${changed.serverCpu.toFixed(2)} |`,
    );
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await rm(dir, { recursive: true, force: true });
  }
}

// The bench talks to its own manager's control handler; TLS there is not what is measured.
async function fetchInsecure(port: number, path: string, method = 'GET'): Promise<Response> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, rejectUnauthorized: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // Response headers as sent (a Headers object drops nothing we compare).
          const headers = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers }));
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const serveAt = process.argv.indexOf('--serve');
const bareAt = process.argv.indexOf('--serve-bare');
if (bareAt >= 0) await serveBare(process.argv[bareAt + 1]!);
else if (serveAt >= 0) await serve(process.argv[serveAt + 1]!);
else await main();
