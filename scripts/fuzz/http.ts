/**
 * HTTP targets of the fuzzer: a real manager on loopback (every port ephemeral) and raw request
 * bytes (request line, headers and body, all mutated) sent on a fresh connection each, then
 * half-closed. A target fails when the manager answers 500 (a handler threw), reports an error
 * through `onError`, takes more than the time bound, or stops answering well-formed requests.
 *
 * @module
 */
import { scryptSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSite, loadSite, SITE_FILES } from '../../src/node/site/site.js';
import { createManager, type Manager } from '../../src/node/manager/index.js';
import type { FuzzTarget } from './targets.js';

/** The outcome of one raw exchange. */
export interface Exchange {
  /** The status of the first response, or 0 when the connection closed without one. */
  readonly status: number;
  /** Everything the server sent. */
  readonly bytes: Buffer;
  readonly ms: number;
}

/**
 * How long the connection may stay silent before the client acts: with nothing received yet it
 * half-closes (the server then drops a request still waiting for body bytes), after a response
 * it hangs up (the server may keep a keep-alive connection open). Short, so that requests whose
 * mutated framing makes the server wait cost little; a handler slower than this gets its request
 * aborted, which is a fine outcome, not a failure.
 */
const IDLE_MS = 30;

/**
 * Sends `bytes` on a new connection and collects the answer until the server closes, the
 * connection goes quiet after a response, or `timeoutMs` passes (then `status` is -1).
 */
export function exchange(
  port: number,
  tls: boolean,
  bytes: Uint8Array,
  timeoutMs = 2000,
  session?: { value?: Buffer },
  idleMs = IDLE_MS,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    let done = false;
    let ended = false;
    let sock: Socket | TLSSocket;
    let idle: NodeJS.Timeout | undefined;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(idle);
      sock.destroy();
      const all = Buffer.concat(chunks);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(all.subarray(0, 16).toString('latin1'));
      resolve({
        status: timedOut ? -1 : m === null ? 0 : Number(m[1]),
        bytes: all,
        ms: performance.now() - t0,
      });
    };
    const quiet = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        if (chunks.length > 0) return finish(false);
        if (!ended) {
          ended = true;
          sock.end();
        }
      }, idleMs);
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    const send = () => {
      sock.write(bytes);
      quiet();
    };
    if (tls) {
      const s = tlsConnect({
        host: '127.0.0.1',
        port,
        rejectUnauthorized: false,
        ...(session?.value !== undefined ? { session: session.value } : {}),
      });
      s.on('session', (v: Buffer) => {
        if (session !== undefined) session.value = v;
      });
      s.once('secureConnect', send);
      sock = s;
    } else {
      sock = netConnect({ host: '127.0.0.1', port }, send);
    }
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      quiet();
    });
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(false));
  });
}

/** A running manager for the HTTP targets, and how to stop it. */
export interface FuzzManager {
  readonly manager: Manager;
  readonly ports: { clientHttp: number; client: number; manager: number; webServices: number };
  readonly domainId: string;
  readonly adminPassword: string;
  readonly token: string;
  /** Errors the manager reported through `onError` (handler exceptions). */
  readonly errors: unknown[];
  close(): Promise<void>;
}

/**
 * A site whose admin credential uses a tiny scrypt cost (N = 16, r = 1): the login code path is
 * the real one, but each attempt costs microseconds instead of ~80 ms, so fuzzing reaches far.
 */
async function cheapSite(dir: string): Promise<{ password: string }> {
  await createSite(dir, { commonName: 'fuzz.test', address: '127.0.0.1' });
  const password = 'fuzz-admin-password';
  const path = join(dir, SITE_FILES.site);
  const config = JSON.parse(await readFile(path, 'utf8'));
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: 16, r: 1, p: 1 });
  config.admin.scrypt = {
    N: 16,
    r: 1,
    p: 1,
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
  };
  await writeFile(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  return { password };
}

/** Starts the manager the HTTP targets talk to. */
export async function startFuzzManager(): Promise<FuzzManager> {
  const dir = await mkdtemp(join(tmpdir(), 'sepm-fuzz-'));
  const { password } = await cheapSite(dir);
  const site = await loadSite(dir);
  const errors: unknown[] = [];
  const manager = createManager({
    site,
    ports: { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 },
    // Failed logins must not lock the fuzzer out: the throttle is tested on its own elsewhere.
    services: { throttle: { maxFailures: 1e9 } },
    onError: (e) => errors.push(e),
  });
  const a = await manager.listen();
  await manager.publishPolicy('P', new TextEncoder().encode('<FirewallPolicy/>'));
  const ports = {
    clientHttp: a.clientHttp.port,
    client: a.client.port,
    manager: a.manager.port,
    webServices: a.webServices.port,
  };
  const auth = JSON.stringify({ username: 'admin', password, domain: '' });
  const r = await exchange(
    ports.webServices,
    true,
    rawRequest('POST', '/sepm/api/v1/identity/authenticate', ports.webServices, auth, {
      'Content-Type': 'application/json',
    }),
    10_000,
    undefined,
    2000,
  );
  const body = r.bytes.subarray(r.bytes.indexOf('\r\n\r\n') + 4).toString('utf8');
  const token = (JSON.parse(body) as { token: string }).token;
  if (typeof token !== 'string') throw new Error('fuzz manager: login failed: ' + body);
  return {
    manager,
    ports,
    domainId: site.domainId,
    adminPassword: password,
    token,
    errors,
    close: async () => {
      await manager.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A well-formed HTTP/1.1 request (Connection: close). */
export function rawRequest(
  method: string,
  path: string,
  port: number,
  body = '',
  headers: Record<string, string> = {},
): Uint8Array {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body.length > 0 || method === 'POST')
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  lines.push('Connection: close', '', body);
  return new TextEncoder().encode(lines.join('\r\n'));
}

const te = new TextEncoder();
const HTTP_TOKENS = [
  'Content-Length: 999999999\r\n',
  'Content-Length: -1\r\n',
  'Transfer-Encoding: chunked\r\n',
  'Transfer-Encoding: chunked\r\nContent-Length: 5\r\n',
  '\r\n\r\n',
  '0\r\n\r\n',
  'ffffffffffff\r\n',
  'Expect: 100-continue\r\n',
  'Connection: keep-alive\r\n',
  'Content-Type: application/json; charset=utf-16\r\n',
  'Origin: null\r\n',
  'Cookie: SEPMSESSION=' + 'A'.repeat(64) + '\r\n',
  'Authorization: Bearer \r\n',
  'If-None-Match: *\r\n',
  'Range: bytes=0-0,1-1\r\n',
  '%00',
  '%ff%fe',
  '/../',
  '{"__proto__":{"x":1}}',
  '[[[[[[[[[[[[[[[[[[[[[[[[',
  '"\\ud800"',
  '1e999999',
].map((s) => te.encode(s));

/** The HTTP targets over one running manager. */
export function httpTargets(m: FuzzManager, idleMs = IDLE_MS): FuzzTarget[] {
  const { clientHttp, webServices, manager } = m.ports;
  const session = { value: undefined as Buffer | undefined };
  const target = (
    name: string,
    port: number,
    tls: boolean,
    samples: Uint8Array[],
    wrap: (input: Uint8Array) => Uint8Array = (x) => x,
  ): FuzzTarget => ({
    name,
    samples,
    dictionary: HTTP_TOKENS,
    async run(input) {
      const before = m.errors.length;
      // The wall-clock bound of the engine (10 s) applies; CPU time is judged by the engine.
      const r = await exchange(port, tls, wrap(input), 10_000, tls ? session : undefined, idleMs);
      if (r.status === -1) throw new Error(`no answer and no close within 10 s`);
      if (r.status >= 500 && r.status !== 503) {
        throw new Error(`status ${r.status}: ${r.bytes.subarray(0, 300).toString('latin1')}`);
      }
      if (m.errors.length > before) {
        const e = m.errors[m.errors.length - 1];
        throw new Error(`manager onError: ${e instanceof Error ? e.stack : String(e)}`);
      }
      return r.status;
    },
    // Every outcome above is judged inside run(); anything thrown is a failure.
    allowed: () => false,
  });
  const json = { 'Content-Type': 'application/json' };
  const bearer = { ...json, Authorization: `Bearer ${m.token}` };
  const origin = { ...json, Origin: `https://127.0.0.1:${manager}` };
  /**
   * Body-only targets: the mutations hit the JSON body alone, under a well-formed head with the
   * right Content-Length, so that they reach the handlers' parsing and validation (mutating the
   * whole request mostly exercises Node's HTTP parser).
   */
  const body = (path: string, port: number, headers: Record<string, string>) => {
    const head = (n: number) => {
      const lines = [`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      lines.push(`Content-Length: ${n}`, 'Connection: close', '', '');
      return te.encode(lines.join('\r\n'));
    };
    return (input: Uint8Array) => {
      const h = head(input.length);
      const out = new Uint8Array(h.length + input.length);
      out.set(h);
      out.set(input, h.length);
      return out;
    };
  };
  const j = (x: unknown) => te.encode(JSON.stringify(x));
  return [
    target(
      'register-body',
      clientHttp,
      false,
      [
        j({ domainId: m.domainId, hostname: 'fuzz-client' }),
        j({ domainId: m.domainId }),
        j({ domainId: m.domainId, hostname: 'h'.repeat(255) }),
      ],
      body('/secreg/register', clientHttp, json),
    ),
    target(
      'authenticate-body',
      webServices,
      true,
      [
        j({ username: 'admin', password: 'wrong', domain: '' }),
        j({ username: 'admin', password: m.adminPassword, domain: '' }),
      ],
      body('/sepm/api/v1/identity/authenticate', webServices, json),
    ),
    target(
      'publish-body',
      webServices,
      true,
      [
        j({ name: 'Fuzz', content: '<FirewallPolicy/>', desc: 'd', enabled: true }),
        j({ name: 'Fuzz2', contentBase64: 'AAEC' }),
      ],
      body('/sepm/api/v1/policies/raw/fw', webServices, bearer),
    ),
    target(
      'console-login-body',
      manager,
      true,
      [
        j({ username: 'admin', password: 'wrong' }),
        j({ username: 'admin', password: m.adminPassword }),
      ],
      body('/console/api/login', manager, origin),
    ),
    target('http-register', clientHttp, false, [
      rawRequest(
        'POST',
        '/secreg/register',
        clientHttp,
        JSON.stringify({ domainId: m.domainId, hostname: 'fuzz-client' }),
        json,
      ),
      rawRequest('POST', '/secreg/register', clientHttp, JSON.stringify({ domainId: 'X' }), json),
    ]),
    target('http-index', clientHttp, false, [
      rawRequest('GET', '/secars/index', clientHttp),
      rawRequest('GET', '/secars/index', clientHttp, '', { 'If-None-Match': '"abc"' }),
      rawRequest('GET', '/secars/secars.dll?hello,secars', clientHttp),
      rawRequest('GET', '/secars/endorsements', clientHttp),
    ]),
    target('http-policy', clientHttp, false, [
      rawRequest('GET', '/secars/policies/P', clientHttp),
      rawRequest('HEAD', '/secars/policies/P', clientHttp, '', { 'If-None-Match': '"x", *' }),
      rawRequest('GET', '/secars/policies/%50', clientHttp),
    ]),
    target('rest-authenticate', webServices, true, [
      rawRequest(
        'POST',
        '/sepm/api/v1/identity/authenticate',
        webServices,
        JSON.stringify({ username: 'admin', password: 'wrong', domain: '' }),
        json,
      ),
      rawRequest(
        'POST',
        '/sepm/api/v1/identity/authenticate',
        webServices,
        JSON.stringify({ username: 'admin', password: m.adminPassword, domain: '' }),
        json,
      ),
    ]),
    target('rest-publish', webServices, true, [
      rawRequest(
        'POST',
        '/sepm/api/v1/policies/raw/fw',
        webServices,
        JSON.stringify({ name: 'Fuzz', content: '<FirewallPolicy/>', desc: 'd', enabled: true }),
        bearer,
      ),
      rawRequest(
        'POST',
        '/sepm/api/v1/policies/raw/fw',
        webServices,
        JSON.stringify({ name: 'Fuzz2', contentBase64: 'AAEC' }),
        bearer,
      ),
      rawRequest('GET', '/sepm/api/v1/policies/summary/fw', webServices, '', bearer),
    ]),
    target('console-login', manager, true, [
      rawRequest(
        'POST',
        '/console/api/login',
        manager,
        JSON.stringify({ username: 'admin', password: 'wrong' }),
        origin,
      ),
      rawRequest(
        'POST',
        '/console/api/login',
        manager,
        JSON.stringify({ username: 'admin', password: m.adminPassword }),
        origin,
      ),
    ]),
  ];
}

/** A well-formed request must still get its normal answer (the manager kept serving). */
export async function healthy(m: FuzzManager): Promise<boolean> {
  const r = await exchange(
    m.ports.clientHttp,
    false,
    rawRequest('GET', '/secars/index', m.ports.clientHttp),
    5000,
    undefined,
    2000,
  );
  return r.status === 200;
}
