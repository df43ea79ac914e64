// Registration floods over the plain-HTTP client port (8014): raw sockets from chosen loopback
// source addresses, each sending its requests pipelined in batches (HTTP/1.1 §9.3.2), so the
// client side costs little and the manager's own request path is what is measured.
import { connect, type Socket } from 'node:net';

/** What a flood got back, by status. */
export interface FloodResult {
  readonly sent: number;
  readonly statuses: ReadonlyMap<number, number>;
  readonly ms: number;
}

function open(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * Sends `total` registrations for `domainId` from `addresses` (one connection each, in turn),
 * `batch` pipelined requests at a time per connection.
 */
export async function floodRegistrations(
  port: number,
  domainId: string,
  addresses: readonly string[],
  total: number,
  batch = 50,
): Promise<FloodResult> {
  const body = JSON.stringify({ domainId, hostname: 'flood' });
  const one =
    `POST /secreg/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${body.length}\r\n\r\n${body}`;
  const statuses = new Map<number, number>();
  const started = Date.now();
  let left = total;
  const worker = async (address: string) => {
    const s = await open(port, address);
    try {
      while (left > 0) {
        const n = Math.min(batch, left);
        left -= n;
        await new Promise<void>((resolve, reject) => {
          let seen = 0;
          let tail = '';
          const onData = (chunk: Buffer) => {
            const text = tail + chunk.toString('latin1');
            let end = 0;
            for (const m of text.matchAll(/HTTP\/1\.1 (\d{3}) /g)) {
              const status = Number(m[1]);
              statuses.set(status, (statuses.get(status) ?? 0) + 1);
              seen++;
              end = m.index + m[0].length;
            }
            // A status line cut by the chunk boundary: keep less than one whole line (13
            // characters) and nothing already counted.
            tail = text.slice(Math.max(end, text.length - 12));
            if (seen >= n) {
              s.off('data', onData);
              s.off('error', reject);
              resolve();
            }
          };
          s.on('data', onData);
          s.once('error', reject);
          s.write(one.repeat(n));
        });
      }
    } finally {
      s.destroy();
    }
  };
  await Promise.all(addresses.map(worker));
  return { sent: total, statuses, ms: Date.now() - started };
}
