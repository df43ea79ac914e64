import { describe, it, expect } from 'vitest';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { Kcs } from '../../src/kcs.js';
import type { Sylink } from '../../src/sylink/index.js';
import { createClient } from '../../src/node/client/client.js';
import { testIdentity } from './helpers.js';

async function httpSylink(port: number): Promise<Sylink> {
  const identity = await testIdentity();
  return {
    domainId: 'AB'.repeat(16),
    kcs: Kcs.generate(),
    communication: {},
    serverLists: [
      {
        name: 'L',
        blocks: [{ name: 'Priority1', servers: [{ address: '127.0.0.1', httpPort: port }] }],
      },
    ],
    certificates: [{ name: '127.0.0.1', certificate: identity.certificate }],
  };
}

describe('createClient transport', () => {
  it('retries once on a fresh connection when a reused keep-alive socket is reset', async () => {
    const served = new WeakMap<Socket, number>();
    let resets = 0;
    const server = createServer((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      if (n === 2) {
        // The manager closed this kept-alive socket just as the client reused it.
        resets++;
        req.socket.destroy();
        return;
      }
      res.end('OK');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const client = createClient({ sylink: await httpSylink(port) });
    try {
      expect((await client.hello()).port).toBe(port);
      expect((await client.hello()).port).toBe(port);
      expect(resets).toBe(1);
    } finally {
      client.close();
      server.close();
    }
  });

  it('rejects bad options', async () => {
    const sylink = await httpSylink(1);
    expect(() => createClient({ sylink: { ...sylink, certificates: [] } })).toThrow(
      /no manager certificate/,
    );
    expect(() => createClient({ sylink, serverList: 'nope' })).toThrow(TypeError);
    expect(() => createClient({ sylink, transport: 'https-only' })).toThrow(TypeError);
  });
});
