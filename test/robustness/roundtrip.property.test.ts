// Round-trip properties (fast-check) that the owners' own tests do not already cover:
// keystores (JKS, JCEKS, PKCS#12, PEM) over random entry sets, aliases, dates, passwords and
// secret keys; the content envelope, the sealed policy and CMS/raw signatures over random data.
// (Covered elsewhere, not repeated here: toPem/pemBlocks in test/keystore/pem.test.ts, sylink
// build/parse in test/sylink/property.test.ts, Twofish modes in test/twofish/.)
//
// Each keystore format keeps a documented subset of the model: JKS and JCEKS lower-case aliases
// and keep dates; PKCS#12 keeps aliases as given, dates of key entries only, and writes key
// bags, then secret bags, then certificates; PEM keeps aliases (friendlyName lines) but not
// dates; JKS and PEM hold no secret keys.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  identityFromKeystore,
  readJceks,
  readJks,
  readPem,
  readPkcs12,
  writeJceks,
  writeJks,
  writePem,
  writePkcs12,
  type KeystoreEntry,
  type PrivateKeyEntry,
} from '../../src/keystore/index.js';
import type { ServerIdentity } from '../../src/cert/types.js';
import { Kcs } from '../../src/kcs.js';
import { decryptContent, encryptContent } from '../../src/content.js';
import { openPolicy, sealPolicy, signPolicy, verifyPolicy } from '../../src/policy/index.js';
import { ContentError, PolicyError } from '../../src/errors.js';

const corpus = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../scripts/fuzz/corpus', name));

const keyA = readPem(corpus('identity.pem')).entries[0] as PrivateKeyEntry;
const keyB = readPem(corpus('other.pem')).entries[0] as PrivateKeyEntry;
const certs = [keyA.chain[0]!, keyB.chain[0]!];

/** What survives a round trip in `format`, as comparable plain data, in a canonical order. */
function view(entries: readonly KeystoreEntry[], format: 'jks' | 'jceks' | 'pkcs12' | 'pem') {
  const lower = format === 'jks' || format === 'jceks';
  const dated = (e: KeystoreEntry) =>
    format === 'pem'
      ? undefined
      : format === 'pkcs12' && e.kind !== 'privateKey'
        ? undefined
        : e.date?.getTime();
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  return entries
    .map((e) => ({
      kind: e.kind,
      alias: lower ? e.alias.toLowerCase() : e.alias,
      date: dated(e),
      bytes:
        e.kind === 'privateKey'
          ? [hex(e.pkcs8), ...e.chain.map(hex)]
          : e.kind === 'trustedCertificate'
            ? [hex(e.certificate)]
            : [e.algorithm, hex(e.key)],
    }))
    .sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
}

const alias = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,15}$/);
const date = fc
  .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) })
  .map((t) => new Date(t));
const password = fc.string({
  unit: fc.constantFrom(...'abcXYZ019 !#%&*+-./:=?@_~'.split('')),
  maxLength: 24,
});

/** A random entry set: unique aliases (case-insensitively), at most one key per identity. */
function entrySet(withSecrets: boolean): fc.Arbitrary<KeystoreEntry[]> {
  const entry: fc.Arbitrary<Omit<KeystoreEntry, 'alias'>> = fc.oneof(
    fc
      .record({ kind: fc.constant('privateKey' as const), which: fc.nat(1), date })
      .map(({ which, date: d }) => ({ ...(which === 0 ? keyA : keyB), date: d })),
    fc
      .record({ kind: fc.constant('trustedCertificate' as const), which: fc.nat(1), date })
      .map(({ kind, which, date: d }) => ({ kind, certificate: certs[which]!, date: d })),
    ...(withSecrets
      ? [
          fc
            .record({
              algorithm: fc.constantFrom('AES', 'HmacSHA256', 'DESede'),
              key: fc.uint8Array({ minLength: 16, maxLength: 32 }),
              date,
            })
            .map((r) => ({ kind: 'secretKey' as const, ...r })),
        ]
      : []),
  );
  return fc
    .uniqueArray(fc.tuple(alias, entry), {
      minLength: 1,
      maxLength: 4,
      selector: ([a]) => a.toLowerCase(),
    })
    .map((xs) => xs.map(([a, e]) => ({ ...e, alias: a }) as KeystoreEntry));
}

describe('keystore round trips (random entry sets)', () => {
  it('JKS: readJks(writeJks(ks)) keeps every entry (aliases lower-cased), any password', () => {
    fc.assert(
      fc.property(entrySet(false), password, (entries, pw) => {
        const back = readJks(writeJks({ format: 'jks', entries }, pw), pw);
        expect(back.format).toBe('jks');
        expect(view(back.entries, 'jks')).toEqual(view(entries, 'jks'));
      }),
      { numRuns: 60 },
    );
  });

  it('JCEKS: keys, certificates and secret keys survive (10,000 iterations)', () => {
    fc.assert(
      fc.property(entrySet(true), password, (entries, pw) => {
        const back = readJceks(
          writeJceks({ format: 'jceks', entries }, pw, { iterations: 10_000 }),
          pw,
        );
        expect(view(back.entries, 'jceks')).toEqual(view(entries, 'jceks'));
      }),
      { numRuns: 12 },
    );
  });

  it('PKCS#12: modern and legacy profiles keep every entry', () => {
    fc.assert(
      fc.property(
        entrySet(true),
        password,
        fc.constantFrom('modern' as const, 'legacy' as const),
        (entries, pw, profile) => {
          const back = readPkcs12(
            writePkcs12({ format: 'pkcs12', entries }, pw, { iterations: 1000, profile }),
            pw,
          );
          expect(view(back.entries, 'pkcs12')).toEqual(view(entries, 'pkcs12'));
        },
      ),
      { numRuns: 12 },
    );
  });

  it('PEM: keys (plain or encrypted) and certificates with friendlyName aliases survive', () => {
    fc.assert(
      fc.property(
        entrySet(false),
        fc.option(password.filter((p) => p.length > 0)),
        (entries, pw) => {
          // PEM pairs keys and certificates by public key, so a trusted certificate that is also a
          // key's leaf in the same bundle is read as that key's chain: a limit of the format.
          const leaves = entries.flatMap((e) => (e.kind === 'privateKey' ? [e.chain[0]] : []));
          // Likewise the same key twice leaves its second certificate unpaired.
          fc.pre(
            !entries.some(
              (e) => e.kind === 'trustedCertificate' && leaves.includes(e.certificate),
            ) && new Set(leaves).size === leaves.length,
          );
          const text = writePem(
            { format: 'pem', entries },
            { friendlyNames: true, ...(pw !== null ? { password: pw, iterations: 1000 } : {}) },
          );
          const back = readPem(text, pw !== null ? { password: pw } : {});
          expect(view(back.entries, 'pem')).toEqual(view(entries, 'pem'));
        },
      ),
      { numRuns: 25 },
    );
  });
});

const OVERHEAD = encryptContent(new Uint8Array(0), Kcs.generate()).length - 16;

describe('envelopes and signatures over random data', () => {
  let identity: ServerIdentity;
  let other: ServerIdentity;
  beforeAll(async () => {
    identity = await identityFromKeystore(readPem(corpus('identity.pem')));
    other = await identityFromKeystore(readPem(corpus('other.pem')));
  });

  it('content: decryptContent(encryptContent(x, k), k) = x; any other Kcs fails with the fixed error', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 4096 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (data, k1, k2) => {
          const kcs = Kcs.fromBytes(k1);
          const env = encryptContent(data, kcs);
          expect(Buffer.from(decryptContent(env, kcs)).equals(Buffer.from(data))).toBe(true);
          // Length: a fixed overhead (header, IV, tag) plus the PKCS#7-padded ciphertext.
          expect(env.length - 16 * (Math.floor(data.length / 16) + 1)).toBe(OVERHEAD);
          if (!Buffer.from(k1).equals(Buffer.from(k2))) {
            expect(() => decryptContent(env, Kcs.fromBytes(k2))).toThrow(ContentError);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sealed policy: openPolicy(sealPolicy(x)) = x with the signer; another Kcs or signer is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 8192 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        async (data, k) => {
          const kcs = Kcs.fromBytes(k);
          const sealed = await sealPolicy(data, identity, kcs);
          const opened = await openPolicy(sealed, kcs, [other.certificate, identity.certificate]);
          expect(Buffer.from(opened.data).equals(Buffer.from(data))).toBe(true);
          expect(opened.signer).toBe(identity.certificate);
          await expect(openPolicy(sealed, kcs, [other.certificate])).rejects.toThrow(PolicyError);
          const wrong = Kcs.fromBytes(k.map((x) => x ^ 1));
          await expect(openPolicy(sealed, wrong, [identity.certificate])).rejects.toThrow(
            PolicyError,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('signatures (CMS and raw): verify(x, sign(x)) names the signer; a changed byte of x is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 4096 }),
        fc.constantFrom('cms' as const, 'raw' as const),
        fc.nat(),
        async (data, format, at) => {
          const sig = await signPolicy(data, identity, { format });
          const v = await verifyPolicy(data, sig, [other.certificate, identity.certificate]);
          expect(v.signer).toBe(identity.certificate);
          expect(v.format).toBe(format);
          const changed = data.slice();
          changed[at % changed.length]! ^= 0x01;
          await expect(
            verifyPolicy(changed, sig, [other.certificate, identity.certificate]),
          ).rejects.toThrow(PolicyError);
        },
      ),
      { numRuns: 40 },
    );
  });
});
