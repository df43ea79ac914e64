// Regression (found by `npm run fuzz`, target http-register, seed 1 index 6): a client that sent
// a registration head with a Content-Length larger than the body it sent, then hung up, made
// readBody() reject with "aborted"; the manager reported that through onError as a handler
// failure (and tried to answer 500 on a dead socket). A client hanging up is not a server error.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSite, loadSite } from '../../src/node/site/site.js';
import { createManager, type Manager } from '../../src/node/manager/index.js';
import { exchange, rawRequest } from '../../scripts/fuzz/http.js';

describe('registration body cut short by the client', () => {
  let dir: string;
  let manager: Manager;
  let port: number;
  let domainId: string;
  const errors: unknown[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sepm-reg-abort-'));
    await createSite(dir, { commonName: 'abort.test' });
    const site = await loadSite(dir);
    domainId = site.domainId;
    manager = createManager({
      site,
      ports: { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 },
      onError: (e) => errors.push(e),
    });
    port = (await manager.listen()).clientHttp.port;
  });
  afterAll(async () => {
    await manager.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is not reported through onError, and the manager keeps registering clients', async () => {
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const s = connect({ host: '127.0.0.1', port }, () => {
          // The minimal input the fuzzer reported, then a hang-up before the 7 body bytes.
          s.write('POST /secreg/register HTTP/1.1\r\nHost:\r\nContent-Length:7\r\nn:\r\n\r\n{"d');
          setTimeout(() => s.destroy(), 5);
        });
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(errors).toEqual([]);
    const body = JSON.stringify({ domainId, hostname: 'after-abort' });
    const r = await exchange(
      port,
      false,
      rawRequest('POST', '/secreg/register', port, body, { 'Content-Type': 'application/json' }),
      5000,
    );
    expect(r.status).toBe(200);
    expect(JSON.parse(r.bytes.subarray(r.bytes.indexOf('\r\n\r\n') + 4).toString()).domainId).toBe(
      domainId,
    );
  });
});
