import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kcs } from '../../src/kcs.js';
import { createManager, type Manager } from '../../src/node/manager/index.js';
import { TLS12_CIPHERS, TLS13_CIPHERS } from '../../src/node/http/tls_profile.js';
import { testIdentity } from './helpers.js';
import { requireTool, toolPath } from '../helpers/tools.js';

const HAS_SSLSCAN = requireTool('sslscan', import.meta.url);
const ALLOWED_CIPHERS = new Set<string>([...TLS13_CIPHERS, ...TLS12_CIPHERS]);
const ALLOWED_GROUPS = /^(x25519|secp256r1 \(NIST P-256\)|secp384r1 \(NIST P-384\))$/;

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/(\w[\w-]*)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

describe.runIf(HAS_SSLSCAN)('sslscan against the client port', () => {
  let manager: Manager;
  beforeAll(async () => {
    const identity = await testIdentity();
    manager = createManager({
      site: { identity, kcs: Kcs.generate(), domainId: 'AB'.repeat(16) },
      ports: { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 },
    });
    await manager.listen();
  });
  afterAll(() => manager.close());

  it('finds nothing outside TLS 1.2/1.3, the six ECDHE-AEAD suites and X25519/P-256/P-384', async () => {
    const { stdout } = await promisify(execFile)(toolPath('sslscan')!, [
      '--xml=-',
      '--no-colour',
      `127.0.0.1:${manager.addresses.client!.port}`,
    ]);
    const protocols = [...stdout.matchAll(/<protocol [^>]*\/>/g)].map((m) => attrs(m[0]));
    const enabled = protocols.filter((p) => p.enabled === '1').map((p) => `${p.type} ${p.version}`);
    expect(protocols.length).toBeGreaterThanOrEqual(6);
    expect(enabled.sort()).toEqual(['tls 1.2', 'tls 1.3']);
    const ciphers = [...stdout.matchAll(/<cipher [^>]*\/>/g)].map((m) => attrs(m[0]));
    expect(ciphers.length).toBeGreaterThanOrEqual(4);
    for (const c of ciphers) {
      expect(ALLOWED_CIPHERS.has(c.cipher!), `sslscan found ${c.sslversion} ${c.cipher}`).toBe(
        true,
      );
      expect(['TLSv1.2', 'TLSv1.3']).toContain(c.sslversion);
    }
    // Both TLS 1.3 and ECDHE TLS 1.2 suites are actually offered.
    expect(ciphers.some((c) => c.sslversion === 'TLSv1.3')).toBe(true);
    expect(ciphers.some((c) => c.sslversion === 'TLSv1.2')).toBe(true);
    const groups = [...stdout.matchAll(/<group [^>]*\/>/g)].map((m) => attrs(m[0]));
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(g.name, `sslscan found group ${g.name}`).toMatch(ALLOWED_GROUPS);
    for (const h of [...stdout.matchAll(/<heartbleed [^>]*\/>/g)].map((m) => attrs(m[0]))) {
      expect(h.vulnerable).toBe('0');
    }
    const reneg = attrs(stdout.match(/<renegotiation [^>]*\/>/)?.[0] ?? '');
    expect(reneg.supported === '0' || reneg.secure === '1').toBe(true);
  });
});
