/**
 * The source network of an address, the unit the manager counts abuse by (docs/node.md
 * "Abuse limits"): one attacker usually holds many addresses of one network (an IPv4 /24, an
 * IPv6 /64 is what one subscriber is given, RFC 6177 §3), rarely many networks.
 *
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

// An IPv6 address as its eight 16-bit groups; undefined when malformed.
function ipv6Groups(address: string): number[] | undefined {
  let text = address;
  let tail: number[] = [];
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const b = v4[1]!.split('.').map(Number);
    tail = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    text = text.slice(0, v4.index + 1) + '0';
  }
  const halves = text.split('::');
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = parse(halves[0]!);
  const rest = halves.length > 1 ? parse(halves[1]!) : [];
  if (tail.length > 0) (rest.length > 0 ? rest : head).pop();
  const known = head.length + rest.length + tail.length;
  const fill = halves.length > 1 ? 8 - known : 0;
  const groups = [...head, ...new Array<number>(Math.max(fill, 0)).fill(0), ...rest, ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : undefined;
}

/**
 * The network `address` belongs to, as a stable key: `a.b.c.0/24` for IPv4 (and IPv4-mapped
 * IPv6), the first four groups plus `::/64` for IPv6. Anything else (a Unix socket, an unknown
 * address) is its own network.
 *
 * @example
 * ```ts
 * networkOf('192.0.2.77'); // '192.0.2.0/24'
 * networkOf('2001:db8:1:2:3::4'); // '2001:db8:1:2::/64'
 * ```
 */
export function networkOf(address: string | undefined): string {
  if (address === undefined || address.length === 0) return 'unknown';
  const bare = address.replace(/%.*$/, '');
  if (isIPv4(bare)) return `${bare.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(bare)) return address;
  const g = ipv6Groups(bare.toLowerCase());
  if (g === undefined) return address;
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  if (mapped) return `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.0/24`;
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}
