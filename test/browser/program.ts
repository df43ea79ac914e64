/**
 * The pure modules' browser test program: bundled by esbuild for the browser (no polyfills) and
 * run in headless Chromium by `pure.test.ts`. It imports only `src/` pure modules, so a Node
 * built-in anywhere in their graph fails the bundle. Each check records its outcome; outputs
 * the Node side must cross-check (files written here, signatures) are returned as base64.
 */
import { Twofish, twofishCbc } from '../../src/twofish/index.js';
import { Kcs } from '../../src/kcs.js';
import { decryptContent, encryptContent } from '../../src/content.js';
import { generateServerIdentity, checkServerIdentity } from '../../src/cert/index.js';
import { X509Certificate } from '../../src/cert/x509.js';
import { openPolicy, sealPolicy, signPolicy, verifyPolicy } from '../../src/policy/index.js';
import {
  buildSylink,
  createSylink,
  parseSylink,
  trustedCertificates,
} from '../../src/sylink/index.js';
import {
  identityFromKeystore,
  keystoreFromIdentity,
  readKeystore,
  writeJks,
  writePkcs12,
} from '../../src/keystore/index.js';
import { fromBase64, toBase64, toHex } from '../../src/bytes.js';
import ecbTable from '../vectors/twofish/ECB_TBL.TXT';

/** What the Node side prepared. */
export interface BrowserInputs {
  kcsHex: string;
  deriveSalt: string;
  deriveExpected: string;
  envelope: string;
  envelopePlain: string;
  jks: string;
  p12modern: string;
  p12legacy: string;
  sylink: string;
  sylinkCertificate: string;
}

export interface BrowserResults {
  checks: Record<string, boolean | string>;
  outputs: Record<string, string>;
}

const b64 = (s: string): Uint8Array => fromBase64(s)!;
const text = new TextEncoder();

function ecbKnownAnswers(): number {
  let key = '';
  let pt = '';
  let passed = 0;
  for (const line of (ecbTable as string).split(/\r?\n/)) {
    const [name, value] = line.split('=');
    if (name === 'KEY') key = value!;
    else if (name === 'PT') pt = value!;
    else if (name === 'CT') {
      const t = new Twofish(fromHexStrict(key));
      const ct = t.encryptBlock(fromHexStrict(pt));
      if (toHex(ct).toUpperCase() !== value)
        throw new Error(`Twofish vector failed for key ${key}`);
      passed++;
    }
  }
  return passed;
}

function fromHexStrict(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export async function runPure(inputs: BrowserInputs): Promise<BrowserResults> {
  const checks: Record<string, boolean | string> = {};
  const outputs: Record<string, string> = {};
  const check = async (name: string, fn: () => unknown): Promise<void> => {
    try {
      const r = await fn();
      checks[name] = r === undefined ? true : (r as boolean | string);
    } catch (e) {
      checks[name] = `failed: ${(e as Error).stack ?? String(e)}`;
    }
  };

  await check(
    'node built-ins absent',
    () =>
      typeof (globalThis as { process?: unknown }).process === 'undefined' &&
      typeof (globalThis as { Buffer?: unknown }).Buffer === 'undefined',
  );
  await check('twofish ECB_TBL vectors', () => String(ecbKnownAnswers()));
  await check('twofish CBC round trip', () => {
    const c = twofishCbc(new Uint8Array(16).fill(7), new Uint8Array(16).fill(9));
    const data = text.encode('hello browser twofish');
    return toHex(c.decrypt(c.encrypt(data))) === toHex(data);
  });
  const kcs = Kcs.parse(inputs.kcsHex);
  await check('kcs parse, redaction, derive', () => {
    const derived = Kcs.derive('site password', b64(inputs.deriveSalt), 1000);
    return (
      `${kcs}`.startsWith('Kcs(fingerprint=') &&
      !`${kcs}`.includes(inputs.kcsHex) &&
      toHex(derived.bytes) === inputs.deriveExpected &&
      Kcs.generate().bytes.length === 16
    );
  });
  await check('content: decrypt the Node envelope, encrypt one for Node', () => {
    const plain = decryptContent(b64(inputs.envelope), kcs);
    outputs.envelope = toBase64(encryptContent(text.encode('from the browser'), kcs));
    return toBase64(plain) === inputs.envelopePlain;
  });

  const identity = await generateServerIdentity({ commonName: 'browser.example' });
  outputs.certificate = toBase64(new Uint8Array(identity.certificate.rawData));
  await check('identity generation passes the import rules', async () => {
    const report = await checkServerIdentity(identity);
    return report.ok;
  });
  const policy = text.encode('<policy>browser</policy>');
  await check('raw and CMS sign/verify', async () => {
    const raw = await signPolicy(policy, identity, { format: 'raw' });
    const cms = await signPolicy(policy, identity, { format: 'cms' });
    outputs.rawSignature = toBase64(raw);
    outputs.cmsSignature = toBase64(cms);
    const a = await verifyPolicy(policy, raw, [identity.certificate]);
    const b = await verifyPolicy(policy, cms, [identity.certificate]);
    let refused = false;
    try {
      await verifyPolicy(text.encode('<policy>other</policy>'), raw, [identity.certificate]);
    } catch {
      refused = true;
    }
    return a.signer === identity.certificate && b.format === 'cms' && refused;
  });
  await check('seal/open', async () => {
    const sealed = await (sealPolicy as (...a: unknown[]) => Promise<Uint8Array>)(
      ...(sealPolicy.length >= 3 ? [policy, identity, kcs] : [policy, { identity, kcs }]),
    );
    outputs.sealed = toBase64(sealed);
    const opened = (await (openPolicy as (...a: unknown[]) => Promise<{ data: Uint8Array }>)(
      ...(openPolicy.length >= 3
        ? [sealed, kcs, [identity.certificate]]
        : [sealed, { kcs, trusted: [identity.certificate] }]),
    )) as { data: Uint8Array };
    return toHex(opened.data) === toHex(policy);
  });
  await check('sylink parse with certificates', () => {
    const s = parseSylink(inputs.sylink);
    const certs = trustedCertificates(s);
    return (
      certs.length === 1 &&
      toBase64(new Uint8Array(certs[0]!.rawData)) === inputs.sylinkCertificate &&
      s.kcs.equals(kcs)
    );
  });
  await check('sylink build with certificates', () => {
    // The Node-built file, parsed and written again here, comes out byte for byte the same;
    // and a new one holding this browser's certificate goes back to Node.
    const again = buildSylink(parseSylink(inputs.sylink));
    outputs.sylink = buildSylink(
      createSylink({
        domainId: '1E814550AC1E00027245A393F26DBE37',
        kcs,
        servers: [
          { address: 'browser.example', certificate: identity.certificate },
          { address: 'b<&>"\'.example', priority: 2 },
        ],
      }),
    );
    return again === inputs.sylink;
  });
  await check('JKS read (Node file) and write', async () => {
    const ks = readKeystore(b64(inputs.jks), 'changeit');
    const id = await identityFromKeystore(ks);
    const own = await keystoreFromIdentity(identity, { alias: 'browser' });
    outputs.jks = toBase64(writeJks({ ...own, format: 'jks' }, 'changeit'));
    return ks.format === 'jks' && id.certificate instanceof X509Certificate;
  });
  await check('PKCS#12 modern and legacy read (Node files) and write', async () => {
    const modern = readKeystore(b64(inputs.p12modern), 'changeit');
    const legacy = readKeystore(b64(inputs.p12legacy), 'changeit');
    const own = await keystoreFromIdentity(identity, { alias: 'browser' });
    outputs.p12modern = toBase64(writePkcs12({ ...own, format: 'pkcs12' }, 'changeit'));
    outputs.p12legacy = toBase64(
      writePkcs12({ ...own, format: 'pkcs12' }, 'changeit', { profile: 'legacy' }),
    );
    const key = (e: (typeof modern.entries)[number]) =>
      e.kind === 'privateKey' ? toHex(e.pkcs8) : '';
    return (
      modern.entries.length === 1 &&
      key(modern.entries[0]!) === key(legacy.entries[0]!) &&
      key(modern.entries[0]!) !== ''
    );
  });
  return { checks, outputs };
}

(globalThis as { runPure?: typeof runPure }).runPure = runPure;
