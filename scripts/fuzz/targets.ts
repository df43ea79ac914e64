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
import type { ServerIdentity } from '../../src/cert/types.js';
import { isSepmError } from '../../src/errors.js';
import {
  identityFromKeystore,
  readJceks,
  readJks,
  readPem,
  readPkcs12,
} from '../../src/keystore/index.js';
import { Kcs } from '../../src/kcs.js';
import { decryptContent } from '../../src/content.js';
import { openPolicy, verifyPolicy } from '../../src/policy/index.js';
import { parseSylink } from '../../src/sylink/index.js';

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
/** The site key of the sealed-policy, content and sylink samples. */
export const FUZZ_KCS = Kcs.parse('00112233445566778899AABBCCDDEEFF');
/** The policy the CMS and sealed samples cover. */
export const FUZZ_POLICY = te.encode(
  '<FirewallPolicy default="block"><Rule port="443"/></FirewallPolicy>',
);

/**
 * The committed samples of each parser target (scripts/fuzz/corpus/, made by make-corpus.ts
 * except the OpenSSL files *.p12 iter1/iter10/legacy5, legacy-rsa.pem and enc-pkcs8.pem).
 */
export const SAMPLE_FILES = {
  jks: ['fuzz.jks', 'trust.jks', 'empty.jks'],
  jceks: ['fuzz.jceks', 'trust.jceks'],
  pkcs12: ['iter1.p12', 'iter10.p12', 'legacy5.p12', 'fuzz.p12', 'trust-legacy.p12'],
  pem: ['key.pem', 'trust.pem', 'enc-pkcs8.pem', 'legacy-rsa.pem'],
  cms: ['cms-1.der', 'cms-2.der'],
  sealed: ['sealed-1.bin', 'sealed-2.bin'],
  content: ['content-1.bin', 'content-2.bin', 'content-3.bin'],
  sylink: ['sylink.xml', '../../../test/sylink/vectors/sylink-v1.xml'],
} as const;

/** Everything the parser targets share: the two committed identities, the Kcs, the policy. */
export interface FuzzMaterial {
  readonly identity: ServerIdentity;
  readonly other: ServerIdentity;
  readonly kcs: Kcs;
  readonly policy: Uint8Array;
}

/** Loads the shared material (the committed throwaway identities of the corpus). */
export async function fuzzMaterial(): Promise<FuzzMaterial> {
  const load = (name: string) => identityFromKeystore(readPem(corpus(name)));
  const [identity, other] = await Promise.all([load('identity.pem'), load('other.pem')]);
  return { identity, other, kcs: FUZZ_KCS, policy: FUZZ_POLICY };
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

/** Builds every parser target over the committed samples. */
export async function parserTargets(m: FuzzMaterial): Promise<FuzzTarget[]> {
  const samples = (t: keyof typeof SAMPLE_FILES) => SAMPLE_FILES[t].map((f) => corpus(f));
  const opts = { maxIterations: 200_000 } as const;
  const pw = FUZZ_PASSWORD;
  const trusted = [m.identity.certificate, m.other.certificate];
  const targets: FuzzTarget[] = [
    {
      name: 'jks',
      samples: samples('jks'),
      dictionary: [...JAVA_TOKENS, ...DER_TOKENS],
      run: (b) => readJks(b, pw, opts),
    },
    {
      name: 'jceks',
      // The integrity digest is checked before any key KDF (10,000 iterations here) runs.
      samples: samples('jceks'),
      dictionary: [...JAVA_TOKENS, ...DER_TOKENS],
      run: (b) => readJceks(b, pw, opts),
    },
    {
      name: 'pkcs12',
      samples: samples('pkcs12'),
      dictionary: DER_TOKENS,
      run: (b) => readPkcs12(b, pw, opts),
    },
    {
      name: 'pem',
      samples: samples('pem'),
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
      samples: samples('cms'),
      dictionary: DER_TOKENS,
      run: (b) => verifyPolicy(m.policy, b, trusted),
    },
    {
      name: 'sealed',
      samples: samples('sealed'),
      dictionary: tokens('SPOL', '\u0001\u0000'),
      run: (b) => openPolicy(b, m.kcs, trusted),
    },
    {
      name: 'content',
      samples: samples('content'),
      dictionary: tokens('SCE1', '\u0001\u0001'),
      run: (b) => decryptContent(b, m.kcs),
    },
    {
      name: 'sylink',
      samples: samples('sylink'),
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
