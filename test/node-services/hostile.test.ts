// Hostile requests on 8443, 8445 and 8446: random methods, paths, headers and bodies never get a
// 5xx, and every JSON answer parses.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { createManager, type Manager } from '../../src/node/manager/index.js';
import { ALL_ZERO, call, makeSite, type TestSite } from './helpers.js';

describe('hostile HTTP input on the services ports', () => {
  let t: TestSite;
  let manager: Manager;
  let ports: number[];
  let token: string;
  const errors: unknown[] = [];

  beforeAll(async () => {
    t = await makeSite('hostile.test');
    manager = createManager({
      site: t.site,
      ports: ALL_ZERO,
      // A high throttle limit keeps the login path reachable during the run.
      services: { throttle: { maxFailures: 10_000 } },
      onError: (e) => errors.push(e),
    });
    const a = await manager.listen();
    ports = [a.manager.port, a.reporting.port, a.webServices.port];
    await manager.publishPolicy('P', new TextEncoder().encode('<p/>'));
    const r = await call(a.webServices.port, 'POST', '/sepm/api/v1/identity/authenticate', {
      json: { username: 'admin', password: t.adminPassword, domain: '' },
    });
    token = r.json().token;
  });
  afterAll(async () => {
    await manager.close();
    await t.cleanup();
  });

  it('answers every request with a 2xx-4xx and well-formed JSON errors', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'sepm',
        'api',
        'v1',
        'version',
        'identity',
        'authenticate',
        'logout',
        'policies',
        'summary',
        'raw',
        'fw',
        'reporting',
        'activity',
        'console',
        'login',
        'overview',
        'sylink.xml',
        'replication',
        'index',
        'notify',
        '..',
        '%00',
        '%2F',
        '%ZZ',
        'P',
        'E3B0C44298FC1C149AFBF4C8996FB924',
      ),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    const path = fc
      .tuple(fc.array(segment, { maxLength: 6 }), fc.option(fc.string({ maxLength: 20 })))
      .map(([segs, q]) => '/' + segs.join('/') + (q === null ? '' : '?' + encodeURIComponent(q)));
    const body = fc.oneof(
      fc.constant(undefined),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constant('{"username":"admin","password":"x","domain":""}'),
      fc.constant('{"name":"Q","content":"<q/>"}'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 2),
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'HEAD'),
        path,
        body,
        fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', ''),
        fc.boolean(),
        fc.boolean(),
        async (which, method, p, b, type, withToken, withOrigin) => {
          const port = ports[which]!;
          const headers: Record<string, string> = {};
          if (type !== '') headers['Content-Type'] = type;
          if (withToken) headers.Authorization = `Bearer ${token}`;
          if (withOrigin) headers.Origin = `https://127.0.0.1:${port}`;
          if (withOrigin) headers.Host = `127.0.0.1:${port}`;
          const r = await call(port, method, p, {
            headers,
            ...(b !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: b } : {}),
          });
          expect(r.status).toBeGreaterThanOrEqual(200);
          expect(r.status).toBeLessThan(500);
          if (
            String(r.headers['content-type']).startsWith('application/json') &&
            method !== 'HEAD'
          ) {
            expect(() => JSON.parse(r.body.toString('utf8'))).not.toThrow();
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(errors).toEqual([]);
  });
});
