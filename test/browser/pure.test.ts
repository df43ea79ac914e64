/**
 * Issue 16 proof in a browser: the pure modules' test program (`program.ts`) is bundled with
 * esbuild for the browser, without polyfills, and run in headless Chromium; what it writes
 * (content envelope, signatures, sealed policy, sylink.xml, JKS and PKCS#12 files) is checked here with the
 * Node path, and what Node wrote is read there.
 *
 * Needs Debian's Chromium (gated by test/helpers/tools.ts: skipped with the summary line when it
 * is absent, a failure under CI=true).
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64, toHex } from '../../src/bytes.js';
import { generateServerIdentity } from '../../src/cert/index.js';
import { X509Certificate } from '../../src/cert/x509.js';
import { decryptContent, encryptContent } from '../../src/content.js';
import { Kcs } from '../../src/kcs.js';
import {
  keystoreFromIdentity,
  readKeystore,
  writeJks,
  writePkcs12,
} from '../../src/keystore/index.js';
import { openPolicy, verifyPolicy } from '../../src/policy/index.js';
import {
  buildSylink,
  createSylink,
  parseSylink,
  serversInPriorityOrder,
  trustedCertificates,
} from '../../src/sylink/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { requireTool } from '../helpers/tools.js';
import type { BrowserInputs, BrowserResults } from './program.js';

const available = requireTool('chromium', import.meta.url);

const b64 = (s: string) => fromBase64(s)!;

describe.runIf(available)('pure modules in headless Chromium (bundled, no polyfills)', () => {
  let browser: Browser;
  let server: Server;
  let results: BrowserResults;
  const kcs = Kcs.generate();
  const salt = new Uint8Array(16).fill(3);
  const envelopePlain = new TextEncoder().encode('from node');

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('program.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      loader: { '.TXT': 'text' },
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0]!.text;
    server = createServer((req, res) => {
      if (req.url === '/bundle.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      } else {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><script src="/bundle.js"></script>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;

    const identity = await generateServerIdentity({ commonName: 'node.example' });
    const ks = await keystoreFromIdentity(identity, { alias: 'node' });
    const inputs: BrowserInputs = {
      kcsHex: kcs.toHex(),
      deriveSalt: toBase64(salt),
      deriveExpected: toHex(Kcs.derive('site password', salt, 1000).bytes),
      envelope: toBase64(encryptContent(envelopePlain, kcs)),
      envelopePlain: toBase64(envelopePlain),
      jks: toBase64(writeJks({ ...ks, format: 'jks' }, 'changeit')),
      p12modern: toBase64(writePkcs12({ ...ks, format: 'pkcs12' }, 'changeit')),
      p12legacy: toBase64(
        writePkcs12({ ...ks, format: 'pkcs12' }, 'changeit', { profile: 'legacy' }),
      ),
      sylink: buildSylink(
        createSylink({
          domainId: '1E814550AC1E00027245A393F26DBE37',
          kcs,
          servers: [{ address: 'manager.example', certificate: identity.certificate }],
        }),
      ),
      sylinkCertificate: toBase64(new Uint8Array(identity.certificate.rawData)),
    };

    browser = await launchChromium(); // a fresh temporary profile, no network traffic
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    results = await page.evaluate(
      (i) => (globalThis as unknown as { runPure(i: unknown): Promise<BrowserResults> }).runPure(i),
      inputs,
    );
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('passes every check of the program in the browser', () => {
    expect(results.checks).toEqual({
      'node built-ins absent': true,
      'twofish ECB_TBL vectors': '147',
      'twofish CBC round trip': true,
      'kcs parse, redaction, derive': true,
      'content: decrypt the Node envelope, encrypt one for Node': true,
      'identity generation passes the import rules': true,
      'raw and CMS sign/verify': true,
      'seal/open': true,
      'sylink parse with certificates': true,
      'sylink build with certificates': true,
      'JKS read (Node file) and write': true,
      'PKCS#12 modern and legacy read (Node files) and write': true,
    });
  });

  it('writes a sylink.xml that Node reads and writes back the same', () => {
    const s = parseSylink(results.outputs.sylink!);
    expect(trustedCertificates(s).map((c) => toBase64(new Uint8Array(c.rawData)))).toEqual([
      results.outputs.certificate,
    ]);
    expect(serversInPriorityOrder(s).map((p) => p.server.address)).toEqual([
      'browser.example',
      'b<&>"\'.example',
    ]);
    expect(s.kcs.equals(kcs)).toBe(true);
    expect(buildSylink(s)).toBe(results.outputs.sylink);
  });

  it('writes what the Node path reads: envelope, signatures, sealed policy, keystores', async () => {
    const o = results.outputs;
    expect(new TextDecoder().decode(decryptContent(b64(o.envelope!), kcs))).toBe(
      'from the browser',
    );
    const cert = new X509Certificate(b64(o.certificate!));
    const policy = new TextEncoder().encode('<policy>browser</policy>');
    expect((await verifyPolicy(policy, b64(o.rawSignature!), [cert])).format).toBe('raw');
    expect((await verifyPolicy(policy, b64(o.cmsSignature!), [cert])).format).toBe('cms');
    const opened = (await (openPolicy as (...a: unknown[]) => Promise<{ data: Uint8Array }>)(
      ...(openPolicy.length >= 3
        ? [b64(o.sealed!), kcs, [cert]]
        : [b64(o.sealed!), { kcs, trusted: [cert] }]),
    )) as { data: Uint8Array };
    expect(opened.data).toEqual(policy);
    for (const name of ['jks', 'p12modern', 'p12legacy']) {
      const ks = readKeystore(b64(o[name]!), 'changeit');
      const entry = ks.entries[0]!;
      expect(entry.kind, name).toBe('privateKey');
      if (entry.kind === 'privateKey') expect(entry.chain[0], name).toEqual(b64(o.certificate!));
    }
  });
});
