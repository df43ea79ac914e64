// Issue 14 point 2: no rollback through any server, across restarts. The attack this replays: an
// attacker on the plain-HTTP port records manager A's signed index and sealed policy, waits for a
// newer publication, then blocks A and answers for the site's second manager (the next server
// entry of the sylink) with the recorded bytes. On the code before the fix, the client kept the
// highest serial per server entry and in memory only: it installed the old policy, and a restarted
// client did so too. Both must now be refused with ERR_MANAGER_ROLLBACK, nothing installed.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createManager, type Manager } from '../../src/node/manager/index.js';
import { createClient, type Client } from '../../src/node/client/client.js';
import { fileClientState } from '../../src/node/client/file_state.js';
import { isSepmError } from '../../src/errors.js';
import type { Sylink } from '../../src/sylink/model.js';
import { PATH_INDEX, policyPath } from '../../src/protocol/index.js';
import { freePort, makeSite, type TestSite, plainGet } from './helpers.js';

/** The sylink with a second, HTTP-only priority block: the "second manager" at `port`. */
function withSecondManager(s: Sylink, port: number): Sylink {
  const list = s.serverLists[0]!;
  return {
    ...s,
    serverLists: [
      {
        ...list,
        blocks: [
          ...list.blocks,
          { name: 'Priority2', servers: [{ address: '127.0.0.1', httpPort: port }] },
        ],
      },
    ],
  };
}

const rollback = (e: unknown) => isSepmError(e) && e.code === 'ERR_MANAGER_ROLLBACK';

describe('high-water marks per site, shared by every server entry, across restarts', () => {
  let a: TestSite;
  let A: Manager;
  let fake: Server;
  let fakePort: number;
  const recorded = new Map<string, Buffer>();
  let sylink: Sylink;
  let statePath: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    a = await makeSite('manager-a.test');
    statePath = join(a.dir, 'client-state.json');
    A = createManager({
      site: a.site,
      ports: { client: 0, clientHttp: 0, manager: false, reporting: false, webServices: false },
    });
    await A.listen();
    fakePort = await freePort();
    // The attacker's server: answers every request with the bytes recorded from A.
    fake = createServer((req, res) => {
      const body = recorded.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200).end(body);
    });
    await new Promise<void>((r) => fake.listen(fakePort, '127.0.0.1', r));
    sylink = withSecondManager(A.sylink({ protocol: 'http' }), fakePort);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await A.close();
    await new Promise((r) => fake.close(r));
    await a.cleanup();
  });

  it("refuses A's recorded older index served as the second manager, and again after a restart", async () => {
    const http = A.addresses.clientHttp!.port;
    await A.publishPolicy('Firewall', new TextEncoder().encode('<Policy v="1"/>'));
    recorded.set(PATH_INDEX, (await plainGet(http, PATH_INDEX)).body);
    recorded.set(policyPath('Firewall'), (await plainGet(http, policyPath('Firewall'))).body);
    await A.publishPolicy('Firewall', new TextEncoder().encode('<Policy v="2"/>'));

    const client = createClient({
      sylink,
      state: fileClientState(statePath),
      connectTimeoutMs: 2000,
    });
    clients.push(client);
    const first = await client.heartbeat();
    expect(first.server.port).toBe(http);
    expect(new TextDecoder().decode(first.policies[0]!.data)).toBe('<Policy v="2"/>');
    const saved = await readFile(statePath, 'utf8');
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);

    // A is blocked: the next server entry answers with A's older, validly signed bytes.
    await A.close();
    const e = await client.heartbeat().catch((x: unknown) => x);
    expect(rollback(e), String(e)).toBe(true);
    // Nothing installed: the saved marks are those of v2.
    expect(await readFile(statePath, 'utf8')).toBe(saved);

    // A restarted client keeps the marks.
    const restarted = createClient({
      sylink,
      state: fileClientState(statePath),
      connectTimeoutMs: 2000,
    });
    clients.push(restarted);
    const e2 = await restarted.heartbeat().catch((x: unknown) => x);
    expect(rollback(e2), String(e2)).toBe(true);
    expect(await readFile(statePath, 'utf8')).toBe(saved);
  });

  it('refuses a stale index with maxIndexAgeMs, and takes a fresh one', async () => {
    const client = createClient({
      sylink,
      connectTimeoutMs: 2000,
      maxIndexAgeMs: 60_000,
      now: () => Date.now() + 120_000,
    });
    clients.push(client);
    const e = await client.heartbeat().catch((x: unknown) => x);
    expect(rollback(e), String(e)).toBe(true);
    const fresh = createClient({ sylink, connectTimeoutMs: 2000, maxIndexAgeMs: 600_000 });
    clients.push(fresh);
    expect((await fresh.heartbeat()).policies).toHaveLength(1);
  });
});
