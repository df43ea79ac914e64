// The login step the REST API and the console share (src/node/manager/login.ts), over a plain
// HTTP server on loopback: what it counts against the source address and its network.
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { login } from '../../../src/node/manager/login.js';
import {
  Authenticator,
  LoginThrottle,
  TokenStore,
  type Account,
} from '../../../src/node/manager/auth.js';
import type { LoginDeps } from '../../../src/node/manager/context.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

// The password is the request's `x-password` header ('x' without one).
async function serve(ctx: LoginDeps): Promise<number> {
  server = createServer((req, res) => {
    const password = String(req.headers['x-password'] ?? 'x');
    void login(ctx, req, res, { username: 'admin', password }, 'bearer').then((issued) => {
      if (issued !== undefined) res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function post(port: number, localAddress: string, password?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = password === undefined ? {} : { 'x-password': password };
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', localAddress, headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('login', () => {
  it('counts a busy answer as a failure of the address and of its network', async () => {
    const throttle = new LoginThrottle(Date.now, { maxFailures: 2, maxNetworkFailures: 3 });
    const busy = { check: () => Promise.resolve('busy' as const) };
    const ctx = {
      auth: busy as unknown as LoginDeps['auth'],
      throttle,
      tokens: new TokenStore(),
      sessionTtlMs: 60_000,
      tokenTtlMs: 60_000,
    } satisfies LoginDeps;
    const port = await serve(ctx);
    expect(await post(port, '127.0.3.1')).toBe(503);
    expect(await post(port, '127.0.3.1')).toBe(503);
    // Two busy answers lock the address out, though no password was ever checked.
    expect(throttle.retryAfterMs('127.0.3.1')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('127.0.3.2')).toBe(0);
    expect(await post(port, '127.0.3.2')).toBe(503);
    // The third of the network locks the whole /24 out, not another network.
    expect(throttle.retryAfterMs('127.0.3.99')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('127.0.4.1')).toBe(0);
  });

  it('gives the admin a token from another network while one network is locked out', async () => {
    const admin: Account = {
      username: 'admin',
      role: 'administrator',
      verifyPassword: (p) => Promise.resolve(p === 'x'),
    };
    const throttle = new LoginThrottle();
    const ctx = {
      auth: new Authenticator([admin]),
      throttle,
      tokens: new TokenStore(),
      sessionTtlMs: 60_000,
      tokenTtlMs: 60_000,
    } satisfies LoginDeps;
    const port = await serve(ctx);
    // 20 wrong passwords for `admin`, through the login step, from 20 addresses of one /24.
    for (let i = 1; i <= 20; i++) expect(await post(port, `127.0.5.${i}`, 'wrong')).toBe(401);
    // Nothing is counted per account: those failures do not lock `admin` from elsewhere.
    expect(await post(port, '127.0.6.1')).toBe(200);
    expect(throttle.retryAfterMs('127.0.5.200')).toBeGreaterThan(0);
  });

  it('answers a locked-out login only after its wait (a tarpit)', async () => {
    const throttle = new LoginThrottle(Date.now, { maxFailures: 1, lockoutMs: 500 });
    const admin: Account = {
      username: 'admin',
      role: 'administrator',
      verifyPassword: (p) => Promise.resolve(p === 'x'),
    };
    const ctx = {
      auth: new Authenticator([admin]),
      throttle,
      tokens: new TokenStore(),
      sessionTtlMs: 60_000,
      tokenTtlMs: 60_000,
    } satisfies LoginDeps;
    const port = await serve(ctx);
    expect(await post(port, '127.0.7.1', 'wrong')).toBe(401);
    const t0 = performance.now();
    expect(await post(port, '127.0.7.1')).toBe(429);
    // A flood that ignores Retry-After gets one answer per lockout wait, not one per request.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
  });
});
