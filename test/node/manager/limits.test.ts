// createManager's `limits` are checked before anything binds: a limit that is not a number used to
// switch its bound off silently (a string `maxBodyBytes` compared false with every body size, so
// any body was read), and a head deadline above the request deadline failed only at listen().
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'node:http';
import { createManager, memoryStore, type ManagerLimits } from '../../../src/node/manager/index.js';
import { checkLimits, resolvedLimits, DEFAULT_LIMITS } from '../../../src/node/manager/options.js';
import { PATH_REGISTER } from '../../../src/protocol/index.js';
import { makeSite, type TestSite } from '../../node-services/helpers.js';
import { NO_PORTS } from '../../helpers/ports.js';

const PORTS = { ...NO_PORTS, clientHttp: 0 } as const;

describe('manager limits', () => {
  let t: TestSite;
  beforeAll(async () => {
    t = await makeSite('limits.test');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const make = (limits: unknown) =>
    createManager({
      site: t.site,
      ports: PORTS,
      store: memoryStore(),
      limits: limits as ManagerLimits,
    });

  it.each([
    ['maxBodyBytes', '1000', 'string'],
    ['maxBodyBytes', 0, '0'],
    ['maxClients', 1.5, '1.5'],
    ['headersTimeoutMs', -1, '-1'],
    ['clientIdleMs', Number.NaN, 'NaN'],
    ['maxGroups', 1, '1'],
  ])('refuses %s = %s, naming the limit', (name, value, got) => {
    expect(() => make({ [name]: value })).toThrow(RangeError);
    expect(() => make({ [name]: value })).toThrow(`"limits.${name}" expected an integer >= `);
    expect(() => make({ [name]: value })).toThrow(`got ${got}`);
  });

  it('refuses a name that is not a limit, listing the known ones', () => {
    expect(() => make({ maxBody: 10 })).toThrow(TypeError);
    expect(() => make({ maxBody: 10 })).toThrow(
      '"limits.maxBody" is not a manager limit (known: maxHeaderSize',
    );
    expect(() => make('big')).toThrow('"options.limits" expected an object');
  });

  it('refuses a head deadline above the request deadline before listen()', () => {
    expect(() => make({ headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).toThrow(
      '"limits.headersTimeoutMs" (5000) must not exceed "limits.requestTimeoutMs" (1000)',
    );
    expect(() => make({ headersTimeoutMs: 40_000 })).toThrow('(30000)');
  });

  it('takes a limit given as undefined as its default', () => {
    expect(() => checkLimits({ maxGroups: undefined })).not.toThrow();
    expect(resolvedLimits({ maxGroups: undefined, maxBodyBytes: 10 })).toEqual({
      ...DEFAULT_LIMITS,
      maxBodyBytes: 10,
    });
    expect(() => make({ maxGroups: 2, closeTimeoutMs: 1 })).not.toThrow();
  });

  it('enforces a valid maxBodyBytes: a larger declared body gets 413', async () => {
    const m = make({ maxBodyBytes: 16 });
    await m.listen();
    try {
      const port = m.addresses.clientHttp!.port;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method: 'POST', path: PATH_REGISTER },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('x'.repeat(17));
      });
      expect(status).toBe(413);
    } finally {
      await m.close();
    }
  });
});
