import { describe, expect, it } from 'vitest';
import { cli } from './run.js';

describe('cli demo', () => {
  it('demo --json: both heartbeats verified by the site certificate with equal bytes, exit 0', async () => {
    const r = await cli(['demo', '--json', '--no-keytool']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.out) as {
      ok: boolean;
      kept: boolean;
      ports: Record<string, number>;
      heartbeats: {
        protocol: string;
        bytesEqual: boolean;
        signerIsSiteCertificate: boolean;
        verifiedBySha256: string;
      }[];
      certificateSha256: string;
      keytool: { ran: boolean };
      timings: Record<string, number>;
    };
    expect(s.ok).toBe(true);
    expect(s.kept).toBe(false);
    expect(Object.values(s.ports).every((p) => p > 0 && p < 65536)).toBe(true);
    expect(new Set(Object.values(s.ports)).size).toBe(5);
    expect(s.heartbeats.map((h) => h.protocol)).toEqual(['https', 'http']);
    for (const h of s.heartbeats) {
      expect(h).toMatchObject({ bytesEqual: true, signerIsSiteCertificate: true });
      expect(h.verifiedBySha256).toBe(s.certificateSha256);
    }
    expect(s.keytool.ran).toBe(false);
    expect(s.timings.total).toBeGreaterThan(0);
  });
});
