/**
 * Regenerates the committed fuzz samples in scripts/fuzz/corpus/ (run once; the files are
 * committed so that every fuzz run, and every `--replay`, starts from the same bytes):
 *
 *   node --import tsx scripts/fuzz/make-corpus.ts
 *
 * The two identities are throwaway test keys made for this corpus, nothing else. Keystore KDF
 * iteration counts are the writers' floors (JCEKS 10,000, PKCS#12 1,000); the OpenSSL-made
 * PKCS#12 and PEM files beside them use 1 to 10 iterations.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateServerIdentity } from '../../src/cert/index.js';
import type { ServerIdentity } from '../../src/cert/types.js';
import {
  keystoreFromIdentity,
  writeJceks,
  writeJks,
  writePem,
  writePkcs12,
  type Keystore,
} from '../../src/keystore/index.js';
import { encryptContent } from '../../src/content.js';
import { sealPolicy, signPolicy } from '../../src/policy/index.js';
import { buildSylink, createSylink } from '../../src/sylink/index.js';
import { FUZZ_KCS, FUZZ_PASSWORD, FUZZ_POLICY, SAMPLE_FILES } from './targets.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const out = (name: string, data: Uint8Array | string) => writeFileSync(join(dir, name), data);
const date = new Date('2026-01-01T00:00:00Z');
let counter = 0;
/** Deterministic "random" bytes for IVs and salts, so the corpus is reproducible in shape. */
const fixedRandom = (n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (counter++ * 37 + 11) & 0xff;
  return b;
};

async function identityPem(identity: ServerIdentity, alias: string): Promise<string> {
  return writePem(await keystoreFromIdentity(identity, { alias }), { friendlyNames: true });
}

const [identity, other] = await Promise.all([
  generateServerIdentity({
    commonName: 'fuzz.test',
    subjectAltNames: ['127.0.0.1'],
    validityDays: 36500,
    notBefore: date,
  }),
  generateServerIdentity({ commonName: 'other.test', validityDays: 36500, notBefore: date }),
]);
out('identity.pem', await identityPem(identity, 'fuzz'));
out('other.pem', await identityPem(other, 'other'));

const keyEntry = await keystoreFromIdentity(identity, { alias: 'fuzz' });
const keyStore: Keystore = {
  format: 'jks',
  entries: keyEntry.entries.map((e) => ({ ...e, date })),
};
const trust: Keystore = {
  format: 'jks',
  entries: [
    {
      kind: 'trustedCertificate',
      alias: 'ca',
      date,
      certificate: new Uint8Array(identity.certificate.rawData),
    },
    {
      kind: 'trustedCertificate',
      alias: 'other',
      date,
      certificate: new Uint8Array(other.certificate.rawData),
    },
  ],
};
const withSecret: Keystore = {
  format: 'jceks',
  entries: [
    ...keyStore.entries,
    ...trust.entries,
    { kind: 'secretKey', alias: 'aes', date, algorithm: 'AES', key: FUZZ_KCS.bytes },
  ],
};
const pw = FUZZ_PASSWORD;
out('fuzz.jks', writeJks(keyStore, pw));
out('trust.jks', writeJks(trust, pw));
out('empty.jks', writeJks({ format: 'jks', entries: [] }, pw));
out('fuzz.jceks', writeJceks(withSecret, pw, { iterations: 10_000 }));
out(
  'trust.jceks',
  writeJceks({ format: 'jceks', entries: trust.entries }, pw, { iterations: 10_000 }),
);
out('fuzz.p12', writePkcs12(keyStore, pw, { iterations: 1000 }));
out('trust-legacy.p12', writePkcs12(trust, pw, { iterations: 1000, profile: 'legacy' }));
out('key.pem', writePem(keyStore));
out('trust.pem', writePem(trust, { friendlyNames: true }));
out('cms-1.der', await signPolicy(FUZZ_POLICY, identity, { format: 'cms', now: date }));
out('cms-2.der', await signPolicy(FUZZ_POLICY, other, { format: 'cms', now: date }));
out(
  'sealed-1.bin',
  await sealPolicy(FUZZ_POLICY, identity, FUZZ_KCS, { randomBytes: fixedRandom }),
);
out(
  'sealed-2.bin',
  await sealPolicy(new Uint8Array(0), identity, FUZZ_KCS, { randomBytes: fixedRandom }),
);
out('content-1.bin', encryptContent(FUZZ_POLICY, FUZZ_KCS, { randomBytes: fixedRandom }));
out('content-2.bin', encryptContent(new Uint8Array(0), FUZZ_KCS, { randomBytes: fixedRandom }));
out('content-3.bin', encryptContent(new Uint8Array(100), FUZZ_KCS, { randomBytes: fixedRandom }));
out(
  'sylink.xml',
  buildSylink(
    createSylink({
      domainId: '1E814550AC1E00027245A393F26DBE37',
      kcs: FUZZ_KCS,
      servers: [
        { address: '127.0.0.1', httpsPort: 443, httpPort: 8014, certificate: identity.certificate },
        { address: 'b.test', httpsPort: 443, certificate: other.certificate, priority: 2 },
      ],
    }),
  ),
);
console.log(`wrote the corpus in ${dir}: ${Object.values(SAMPLE_FILES).flat().length} samples`);
