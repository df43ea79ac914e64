/**
 * The parser targets of the fuzzer: each has valid samples (made here with small KDF iteration
 * counts, plus committed OpenSSL files with 1 to 10 iterations), a dictionary of tokens for its
 * format, and `run(input)`, which must return or throw a `SepmError`, nothing else.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateServerIdentity } from '../../src/cert/index.js';
import type { ServerIdentity } from '../../src/cert/types.js';
import { isSepmError } from '../../src/errors.js';
import {
  keystoreFromIdentity,
  readJceks,
  readJks,
  readPem,
  readPkcs12,
  writeJceks,
  writeJks,
  writePem,
  writePkcs12,
  type Keystore,
} from '../../src/keystore/index.js';
import { Kcs } from '../../src/kcs.js';
import { decryptContent, encryptContent } from '../../src/content.js';
import { openPolicy, sealPolicy, signPolicy, verifyPolicy } from '../../src/policy/index.js';
import { buildSylink, createSylink, parseSylink } from '../../src/sylink/index.js';

/** One fuzz target. */
export interface FuzzTarget {
  readonly name: string;
  /** Valid inputs the mutations start from. */
  readonly samples: readonly Uint8Array[];
  /** Tokens of the format that mutations insert. */
  readonly dictionary: readonly Uint8Array[];
  /** Feeds one input; resolves or throws. */
  run(input: Uint8Array): unknown;
  /** Whether an error thrown by `run` is an accepted outcome (default: any SepmError). */
  allowed?(error: unknown): boolean;
}

/** The default verdict: only typed library errors may escape a parser. */
export function onlySepmErrors(error: unknown): boolean {
  return isSepmError(error);
}

const here = dirname(fileURLToPath(import.meta.url));
const te = new TextEncoder();
const tokens = (...s: string[]): Uint8Array[] => s.map((x) => te.encode(x));

/** The store password of every keystore sample. */
export const FUZZ_PASSWORD = 'changeit';

/** Everything the parser targets share: one identity, one Kcs, the policy bytes. */
export interface FuzzMaterial {
  readonly identity: ServerIdentity;
  readonly other: ServerIdentity;
  readonly kcs: Kcs;
  readonly policy: Uint8Array;
}

/** Makes the shared material (two 2048-bit identities: about a second). */
export async function fuzzMaterial(): Promise<FuzzMaterial> {
  const [identity, other] = await Promise.all([
    generateServerIdentity({ commonName: 'fuzz.test', subjectAltNames: ['127.0.0.1'] }),
    generateServerIdentity({ commonName: 'other.test' }),
  ]);
  return {
    identity,
    other,
    kcs: Kcs.parse('00112233445566778899AABBCCDDEEFF'),
    policy: te.encode('<FirewallPolicy default="block"><Rule port="443"/></FirewallPolicy>'),
  };
}

function corpus(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(here, 'corpus', name)));
}

const DER_TOKENS = [
  new Uint8Array([0x30, 0x80]),
  new Uint8Array([0x00, 0x00]),
  new Uint8Array([0x02, 0x04, 0x7f, 0xff, 0xff, 0xff]),
  new Uint8Array([0x02, 0x03, 0x4c, 0x4b, 0x40]), // INTEGER 5,000,000
  new Uint8Array([0x02, 0x03, 0x03, 0x0d, 0x41]), // INTEGER 200,001
  new Uint8Array([0x04, 0x84, 0xff, 0xff, 0xff, 0xff]),
  new Uint8Array([0x24, 0x80, 0x04, 0x01, 0x00, 0x00, 0x00]),
  new Uint8Array([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]),
  new Uint8Array([0xa0, 0x80, 0x30, 0x80, 0x30, 0x80]),
];

const JAVA_TOKENS = [
  new Uint8Array([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]),
  new Uint8Array([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]),
  new Uint8Array([0, 0, 0, 1]),
  new Uint8Array([0, 0, 0, 2]),
  new Uint8Array([0, 0, 0, 3]),
  new Uint8Array([0xff, 0xff]),
  te.encode('\u0000\u0005X.509'),
  new Uint8Array([0xac, 0xed, 0x00, 0x05, 0x73, 0x72]),
];

/** Builds every parser target from the shared material. */
export async function parserTargets(m: FuzzMaterial): Promise<FuzzTarget[]> {
  const cert = new Uint8Array(m.identity.certificate.rawData);
  const keyEntry = await keystoreFromIdentity(m.identity, { alias: 'fuzz' });
  const trust: Keystore = {
    format: 'jks',
    entries: [
      { kind: 'trustedCertificate', alias: 'ca', date: new Date(0), certificate: cert },
      {
        kind: 'trustedCertificate',
        alias: 'other',
        date: new Date(0),
        certificate: new Uint8Array(m.other.certificate.rawData),
      },
    ],
  };
  const withSecret: Keystore = {
    format: 'jceks',
    entries: [
      ...keyEntry.entries,
      ...trust.entries,
      { kind: 'secretKey', alias: 'aes', date: new Date(0), algorithm: 'AES', key: m.kcs.bytes },
    ],
  };
  const opts = { maxIterations: 200_000 } as const;
  const pw = FUZZ_PASSWORD;
  const targets: FuzzTarget[] = [
    {
      name: 'jks',
      samples: [
        writeJks(keyEntry, pw),
        writeJks(trust, pw),
        writeJks({ format: 'jks', entries: [] }, pw),
      ],
      dictionary: [...JAVA_TOKENS, ...DER_TOKENS],
      run: (b) => readJks(b, pw, opts),
    },
    {
      name: 'jceks',
      // 10,000 is the writer's floor; the integrity digest is checked before any key KDF.
      samples: [
        writeJceks(withSecret, pw, { iterations: 10_000 }),
        writeJceks({ format: 'jceks', entries: trust.entries }, pw),
      ],
      dictionary: [...JAVA_TOKENS, ...DER_TOKENS],
      run: (b) => readJceks(b, pw, opts),
    },
    {
      name: 'pkcs12',
      samples: [
        corpus('iter1.p12'),
        corpus('iter10.p12'),
        corpus('legacy5.p12'),
        writePkcs12(keyEntry, pw, { iterations: 1000 }),
        writePkcs12(trust, pw, { iterations: 1000, profile: 'legacy' }),
      ],
      dictionary: DER_TOKENS,
      run: (b) => readPkcs12(b, pw, opts),
    },
    {
      name: 'pem',
      samples: [
        te.encode(writePem(keyEntry)),
        te.encode(writePem(trust, { friendlyNames: true })),
        corpus('enc-pkcs8.pem'), // PBES2 with 10 PBKDF2 iterations (openssl pkcs8 -iter 10)
        corpus('legacy-rsa.pem'),
      ],
      dictionary: tokens(
        '-----BEGIN CERTIFICATE-----\n',
        '-----END CERTIFICATE-----\n',
        '-----BEGIN PRIVATE KEY-----\n',
        '-----BEGIN ENCRYPTED PRIVATE KEY-----\n',
        '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00000000000000000000000000000000\n\n',
        '-----BEGIN EC PARAMETERS-----\n',
        'friendlyName: x\n',
        '\r\n',
        '====',
        '-----',
      ),
      run: (b) => readPem(b, { password: pw }),
    },
    {
      name: 'cms',
      samples: [
        await signPolicy(m.policy, m.identity, { format: 'cms' }),
        await signPolicy(m.policy, m.other, { format: 'cms' }),
      ],
      dictionary: DER_TOKENS,
      run: (b) => verifyPolicy(m.policy, b, [m.identity.certificate, m.other.certificate]),
    },
    {
      name: 'sealed',
      samples: [
        await sealPolicy(m.policy, { identity: m.identity, kcs: m.kcs }),
        await sealPolicy(new Uint8Array(0), { identity: m.identity, kcs: m.kcs }),
      ],
      dictionary: tokens('SPOL', '\u0001\u0000'),
      run: (b) => openPolicy(b, { kcs: m.kcs, trusted: [m.identity.certificate] }),
    },
    {
      name: 'content',
      samples: [
        encryptContent(m.policy, m.kcs),
        encryptContent(new Uint8Array(0), m.kcs),
        encryptContent(new Uint8Array(100), m.kcs),
      ],
      dictionary: tokens('SCE1', '\u0001\u0001'),
      run: (b) => decryptContent(b, m.kcs),
    },
    {
      name: 'sylink',
      samples: [
        te.encode(
          buildSylink(
            createSylink({
              domainId: '1E814550AC1E00027245A393F26DBE37',
              kcs: m.kcs,
              servers: [
                {
                  address: '127.0.0.1',
                  httpsPort: 443,
                  httpPort: 8014,
                  certificate: m.identity.certificate,
                },
                {
                  address: 'b.test',
                  httpsPort: 443,
                  certificate: m.other.certificate,
                  priority: 2,
                },
              ],
            }),
          ),
        ),
        new Uint8Array(readFileSync(join(here, '../../test/sylink/vectors/sylink-v1.xml'))),
      ],
      dictionary: tokens(
        '<!DOCTYPE r [<!ENTITY e "x">]>',
        '&e;',
        '&#x110000;',
        '&#0;',
        '<![CDATA[',
        ']]>',
        '<?xml version="1.0" encoding="UTF-16"?>',
        '\ufeff',
        '<a>',
        '</a>',
        ' xmlns:x="urn:x"',
        ' Kcs="ZZ"',
        ' __proto__="1"',
        '<!--',
        '-->',
      ),
      run: (b) => parseSylink(b),
    },
  ];
  for (const t of targets) for (const s of t.samples) await checkSample(t, s);
  return targets;
}

/** Every sample must parse: a fuzz run from broken samples would prove little. */
export async function checkSample(t: FuzzTarget, s: Uint8Array): Promise<void> {
  try {
    await t.run(s);
  } catch (e) {
    throw new Error(`fuzz sample of ${t.name} does not parse: ${String(e)}`, { cause: e });
  }
}
