import { describe, expect, it } from 'vitest';
import { networkOf } from '../../../src/node/http/network.js';

describe('networkOf', () => {
  it('groups IPv4 by /24 and IPv6 by /64', () => {
    expect(networkOf('127.0.1.200')).toBe('127.0.1.0/24');
    expect(networkOf('127.0.1.3')).toBe(networkOf('127.0.1.250'));
    expect(networkOf('127.0.2.1')).not.toBe(networkOf('127.0.1.1'));
    expect(networkOf('::ffff:10.1.2.3')).toBe('10.1.2.0/24');
    expect(networkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:DB8:1:2::9%eth0')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:3::9')).not.toBe(networkOf('2001:db8:1:2::9'));
    expect(networkOf('::1')).toBe('0:0:0:0::/64');
    expect(networkOf('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(networkOf(undefined)).toBe('unknown');
    expect(networkOf('/tmp/sock')).toBe('/tmp/sock');
  });
});
