/**
 * The committed sylink vector (test/sylink/vectors/sylink-v1.xml: `buildSylink(createSylink(...))`
 * with a certificate made by `openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650
 * -subj /CN=sepm.example -addext subjectAltName=DNS:sepm.example`, key discarded), and interop of
 * the `ServerCertList/Certificate` content with the real `openssl` binary both ways.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSylink, parseSylink, trustedCertificates } from '../../src/sylink/index.js';
import { minimal } from './fixtures.js';
import { requireTool } from '../helpers/tools.js';

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

const VECTOR = new URL('./vectors/sylink-v1.xml', import.meta.url);
const FINGERPRINT = '454391806bc148038a83f603f82bebc5d38a9bcf23223e70c08bd448af492a20';

function openssl(args: string[], input?: string | Uint8Array): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('sylink vector v1', () => {
  it('parses to the expected model, and builds back byte for byte', () => {
    const bytes = readFileSync(VECTOR);
    const s = parseSylink(bytes);
    expect(s.domainId).toBe('1E814550AC1E00027245A393F26DBE37');
    expect(s.kcs.toHex()).toBe('85FB05B288B45D92447A3EDCBEFC434E');
    expect(s.certificates.map((c) => c.name)).toEqual(['sepm.example']);
    const der = new Uint8Array(s.certificates[0]!.certificate.rawData);
    expect(createHash('sha256').update(der).digest('hex')).toBe(FINGERPRINT);
    expect(buildSylink(s)).toBe(bytes.toString('utf8'));
  });

  it.runIf(HAS_OPENSSL)('holds base64 DER that openssl reads as the same certificate', () => {
    const text = readFileSync(VECTOR, 'utf8');
    const b64 = /<Certificate Name="sepm.example">([^<]+)<\/Certificate>/.exec(text)![1]!;
    const out = openssl(
      ['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha256', '-subject'],
      Buffer.from(b64, 'base64'),
    ).toString();
    expect(out.toLowerCase().replace(/:/g, '')).toContain(`fingerprint=${FINGERPRINT}`);
    expect(out).toMatch(/subject=CN\s*=\s*sepm\.example/);
  });

  it.runIf(HAS_OPENSSL)(
    'reads a PEM certificate written by openssl req, and trusts exactly it',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'sylink-openssl-'));
      try {
        const pem = openssl([
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-sha256',
          '-days',
          '30',
          '-subj',
          '/CN=interop.example',
          '-keyout',
          join(dir, 'k.pem'),
        ]).toString();
        const expected = openssl(['x509', '-noout', '-fingerprint', '-sha256'], pem)
          .toString()
          .split('=')[1]!
          .trim()
          .replace(/:/g, '')
          .toLowerCase();
        const s = parseSylink(
          minimal(`<ServerCertList><Certificate Name="i">\n${pem}</Certificate></ServerCertList>`),
        );
        const [cert] = trustedCertificates(s);
        expect(createHash('sha256').update(new Uint8Array(cert!.rawData)).digest('hex')).toBe(
          expected,
        );
        // And what we write is one line of base64 DER that openssl reads back.
        const written = /<Certificate Name="i">([^<]+)<\/Certificate>/.exec(buildSylink(s))![1]!;
        expect(written).toMatch(/^[A-Za-z0-9+/]+=*$/);
        const again = openssl(
          ['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha256'],
          Buffer.from(written, 'base64'),
        ).toString();
        expect(again.toLowerCase().replace(/:/g, '')).toContain(expected);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
