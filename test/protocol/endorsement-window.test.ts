// Issue 14 point 1: an endorsement (version 2) carries a validity window (default 90 days, at
// most 365) that a client holds it to, and the certificate it endorses must pass the import rules
// (checkServerIdentity, all but the key match). On the code before, a statement had no window,
// so an endorsement stayed good forever, and any parseable certificate was adopted (a 1024-bit
// RSA key, an EC key, an expired certificate).
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '../../src/cert/x509.js';
import { generateServerIdentity, type ServerIdentity } from '../../src/cert/index.js';
import { isSepmError } from '../../src/errors.js';
import {
  DEFAULT_ENDORSEMENT_VALIDITY_MS,
  ENDORSEMENT_CLOCK_SKEW_MS,
  MAX_ENDORSEMENT_VALIDITY_MS,
  createEndorsement,
  endorsedCertificates,
  verifyEndorsement,
  type SignedEndorsement,
} from '../../src/protocol/index.js';
import { signForPurpose } from '../../src/policy/purpose_sign.js';
import { signWithIdentity } from '../../src/policy/rsa.js';
import { cryptoKeyOf } from '../cert/helpers.js';

const DOMAIN = 'AB'.repeat(16);
const DAY = 86_400_000;
const T0 = new Date('2026-12-01T00:00:00.000Z');
const nodeCrypto = webcrypto as unknown as Crypto;

/** A self-signed certificate over a node:crypto key pair (anything @peculiar/x509 can sign). */
async function certificate(
  type: 'rsa' | 'ec',
  bits: number,
  notBefore: Date,
  days: number,
): Promise<x509.X509Certificate> {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: bits })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const alg =
    type === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  const privateKey = await cryptoKeyOf(pair.privateKey);
  const publicKey = await nodeCrypto.subtle.importKey(
    'spki',
    pair.publicKey.export({ format: 'der', type: 'spki' }),
    alg,
    true,
    ['verify'],
  );
  return x509.X509CertificateGenerator.createSelfSigned(
    {
      name: [{ CN: ['endorsed.example'] }],
      notBefore,
      notAfter: new Date(notBefore.getTime() + days * DAY),
      keys: { privateKey, publicKey },
      signingAlgorithm: type === 'rsa' ? alg : { name: 'ECDSA', hash: 'SHA-256' },
    },
    nodeCrypto,
  );
}

const code = (e: unknown) => (isSepmError(e) ? e.code : String(e));

let previous: ServerIdentity;
let next: ServerIdentity;
beforeAll(async () => {
  [previous, next] = await Promise.all([
    generateServerIdentity({ commonName: 'old.example', notBefore: new Date(T0.getTime() - DAY) }),
    generateServerIdentity({ commonName: 'new.example', notBefore: new Date(T0.getTime() - DAY) }),
  ]);
});

describe('endorsement validity window (version 2)', () => {
  it('is 90 days by default and at most 365 days', async () => {
    expect(DEFAULT_ENDORSEMENT_VALIDITY_MS).toBe(90 * DAY);
    expect(MAX_ENDORSEMENT_VALIDITY_MS).toBe(365 * DAY);
    const e = await createEndorsement(next.certificate, previous, DOMAIN, T0);
    const doc = JSON.parse(new TextDecoder().decode(e.statement)) as Record<string, unknown>;
    expect(doc.version).toBe(2);
    expect(doc.issuedAt).toBe(T0.toISOString());
    expect(doc.expiresAt).toBe(new Date(T0.getTime() + 90 * DAY).toISOString());
    await expect(
      createEndorsement(next.certificate, previous, DOMAIN, T0, 366 * DAY),
    ).rejects.toThrow(RangeError);
    const year = await createEndorsement(next.certificate, previous, DOMAIN, T0, 365 * DAY);
    const v = await verifyEndorsement(year, [previous.certificate], DOMAIN);
    expect(v.expiresAt).toBe(new Date(T0.getTime() + 365 * DAY).toISOString());
  });

  it('a client refuses one outside its window (5 minutes of skew before issuedAt)', async () => {
    const e = await createEndorsement(next.certificate, previous, DOMAIN, T0);
    const trusted = [previous.certificate];
    const at = (ms: number) => ({ now: new Date(T0.getTime() + ms) });
    for (const ok of [-ENDORSEMENT_CLOCK_SKEW_MS + 1000, 0, 89 * DAY, 90 * DAY]) {
      expect(
        (await verifyEndorsement(e, trusted, DOMAIN, at(ok))).certificate.equal(next.certificate),
      ).toBe(true);
    }
    for (const late of [-ENDORSEMENT_CLOCK_SKEW_MS - 1000, 90 * DAY + 1, 400 * DAY]) {
      const err = await verifyEndorsement(e, trusted, DOMAIN, at(late)).catch((x: unknown) => x);
      expect(code(err), String(late)).toBe('ERR_PROTOCOL_MALFORMED');
      expect(await endorsedCertificates([e], trusted, DOMAIN, at(late))).toEqual([]);
    }
  });

  it('refuses a window longer than 365 days or empty, even when properly signed', async () => {
    for (const [issued, expires] of [
      [T0, new Date(T0.getTime() + 366 * DAY)],
      [T0, T0],
      [T0, new Date(T0.getTime() - 1)],
    ] as const) {
      const statement = new TextEncoder().encode(
        JSON.stringify({
          format: 'sepm-crypto.endorsement',
          version: 2,
          domainId: DOMAIN,
          certificate: Buffer.from(next.certificate.rawData).toString('base64'),
          previousSha256: Buffer.from(
            await nodeCrypto.subtle.digest('SHA-256', previous.certificate.rawData),
          ).toString('hex'),
          issuedAt: issued.toISOString(),
          expiresAt: expires.toISOString(),
        }),
      );
      const forged: SignedEndorsement = {
        statement,
        signature: await signForPurpose('endorsement', statement, previous),
      };
      const err = await verifyEndorsement(forged, [previous.certificate], DOMAIN).catch(
        (x: unknown) => x,
      );
      expect(code(err)).toBe('ERR_PROTOCOL_MALFORMED');
    }
  });

  it('refuses a version 1 statement, signed bare as version 1 endorsements were', async () => {
    const statement = new TextEncoder().encode(
      JSON.stringify({
        format: 'sepm-crypto.endorsement',
        version: 1,
        domainId: DOMAIN,
        certificate: Buffer.from(next.certificate.rawData).toString('base64'),
        previousSha256: '00'.repeat(32),
        issuedAt: T0.toISOString(),
      }),
    );
    const v1: SignedEndorsement = {
      statement,
      signature: await signWithIdentity(previous, statement, undefined),
    };
    const err = await verifyEndorsement(v1, [previous.certificate], DOMAIN).catch(
      (x: unknown) => x,
    );
    expect(code(err)).toBe('ERR_PROTOCOL_MALFORMED');
  });
});

describe('an endorsed certificate must pass the import rules', () => {
  it('refuses a 1024-bit RSA key, an EC key and an expired or not yet valid certificate', async () => {
    const now = new Date(T0.getTime() + DAY);
    const bad: Record<string, x509.X509Certificate> = {
      'RSA 1024': await certificate('rsa', 1024, T0, 365),
      'EC P-256': await certificate('ec', 256, T0, 365),
      expired: await certificate('rsa', 2048, new Date(T0.getTime() - 30 * DAY), 10),
      'not yet valid': await certificate('rsa', 2048, new Date(T0.getTime() + 10 * DAY), 30),
    };
    for (const [what, cert] of Object.entries(bad)) {
      const e = await createEndorsement(cert, previous, DOMAIN, T0);
      const err = await verifyEndorsement(e, [previous.certificate], DOMAIN, { now }).catch(
        (x: unknown) => x,
      );
      expect(code(err), what).toBe('ERR_PROTOCOL_MALFORMED');
      expect(String((err as Error).message), what).toMatch(/import rules/);
      expect(await endorsedCertificates([e], [previous.certificate], DOMAIN, { now })).toEqual([]);
    }
    // Control: a certificate that passes the rules is adopted at the same instant.
    const good = await createEndorsement(next.certificate, previous, DOMAIN, T0);
    expect(
      await endorsedCertificates([good], [previous.certificate], DOMAIN, { now }),
    ).toHaveLength(1);
  });
});
