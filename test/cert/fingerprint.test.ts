import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  certificateFingerprint,
  formatFingerprint,
  generateServerIdentity,
  type ServerIdentity,
} from '../../src/cert/index.js';
import { openssl, tempDir } from './helpers.js';
import { requireTool } from '../helpers/tools.js';

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

describe('certificateFingerprint', () => {
  const tmp = tempDir();
  let id: ServerIdentity;
  let path: string;
  beforeAll(async () => {
    id = await generateServerIdentity({ commonName: 'fp.example' });
    path = tmp.file('c.pem', id.certificate.toString('pem'));
  });
  afterAll(() => tmp.dispose());

  describe.runIf(HAS_OPENSSL)('against openssl', () => {
    it.each([
      ['SHA-256', '-sha256', 32],
      ['SHA-1', '-sha1', 20],
      ['SHA-384', '-sha384', 48],
      ['SHA-512', '-sha512', 64],
    ] as const)('%s equals what openssl x509 -fingerprint prints', (alg, flag, size) => {
      const r = openssl(['x509', '-in', path, '-noout', '-fingerprint', flag]);
      expect(r.status).toBe(0);
      const expected = r.stdout.trim().split('=')[1];
      const fp = certificateFingerprint(id.certificate, alg);
      expect(fp.length).toBe(size);
      expect(formatFingerprint(fp)).toBe(expected);
    });
  });

  it('is the same for the certificate object and its DER, and returns fresh copies', () => {
    const a = certificateFingerprint(id.certificate);
    const b = certificateFingerprint(new Uint8Array(id.certificate.rawData));
    expect(b).toEqual(a);
    a[0] ^= 1;
    expect(certificateFingerprint(id.certificate)).toEqual(b);
  });

  it('formats with any separator', () => {
    expect(formatFingerprint(Uint8Array.of(0xab, 0x01, 0xff))).toBe('AB:01:FF');
    expect(formatFingerprint(Uint8Array.of(0xab, 0x01, 0xff), '')).toBe('AB01FF');
    expect(formatFingerprint(new Uint8Array(0))).toBe('');
  });

  it('refuses unknown algorithms and inputs', () => {
    expect(() => certificateFingerprint(id.certificate, 'MD5' as never)).toThrow(RangeError);
    expect(() => certificateFingerprint(id.certificate, 'toString' as never)).toThrow(RangeError);
    expect(() => certificateFingerprint('pem' as never)).toThrow(TypeError);
    expect(() => formatFingerprint([1, 2] as never)).toThrow(TypeError);
  });
});
