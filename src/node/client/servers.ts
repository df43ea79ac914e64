/**
 * Which managers a client tries, in which order: the servers of one sylink list in priority
 * order (`serversInPriorityOrder`: block by block, KB 156653 "the first available SEPM by
 * priority"), shuffled within a block (clients load-balance, KB 151377).
 *
 * @module
 */
import { serversInPriorityOrder } from '../../sylink/create.js';
import type { Sylink, SylinkServer } from '../../sylink/model.js';
import type { ClientServer } from './types.js';

/** The servers of one list, grouped by priority block, each as the client will reach it. */
export type ServerBlocks = readonly (readonly ClientServer[])[];

function endpointOf(s: SylinkServer, transport: 'sylink' | 'https-only'): ClientServer | undefined {
  if (s.httpsPort !== undefined)
    return { address: s.address, port: s.httpsPort, protocol: 'https' };
  if (s.httpPort !== undefined) {
    return transport === 'https-only'
      ? undefined
      : { address: s.address, port: s.httpPort, protocol: 'http' };
  }
  return { address: s.address, port: 443, protocol: 'https' };
}

/**
 * The usable servers of the list `which` (index or `Name`; default the first).
 *
 * @throws TypeError when the list is not in the sylink or has no usable server.
 */
export function serverBlocks(
  sylink: Sylink,
  which: number | string | undefined,
  transport: 'sylink' | 'https-only',
): ServerBlocks {
  const name = typeof which === 'number' ? sylink.serverLists[which]?.name : which;
  const exists =
    which === undefined
      ? sylink.serverLists.length > 0
      : sylink.serverLists.some((l) => l.name === name);
  if (!exists) throw new TypeError(`"serverList" ${String(which ?? 0)} is not in the sylink`);
  const blocks: ClientServer[][] = [];
  for (const { priority, server } of serversInPriorityOrder(
    sylink,
    name === undefined ? {} : { list: name },
  )) {
    const e = endpointOf(server, transport);
    if (e === undefined) continue;
    (blocks[priority - 1] ??= []).push(e);
  }
  const usable = blocks.filter((b) => b !== undefined && b.length > 0);
  if (usable.length === 0) throw new TypeError('the server list has no usable server');
  return usable;
}

/** The order of one attempt: block by block, shuffled within a block with `random(n)`. */
export function attemptOrder(blocks: ServerBlocks, random: (n: number) => number): ClientServer[] {
  const out: ClientServer[] = [];
  for (const block of blocks) {
    const b = [...block];
    for (let i = b.length - 1; i > 0; i--) {
      const j = random(i + 1);
      [b[i], b[j]] = [b[j]!, b[i]!];
    }
    out.push(...b);
  }
  return out;
}

/** `protocol://address:port`, the key of a server in messages and state. */
export function serverKey(c: ClientServer): string {
  return `${c.protocol}://${c.address}:${c.port}`;
}
