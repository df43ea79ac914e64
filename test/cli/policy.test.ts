import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kcs } from '../../src/kcs.js';
import { openPolicy, verifyPolicy } from '../../src/policy/index.js';
import { decryptContent } from '../../src/content.js';
import { cli } from './run.js';
import { makeFixture, type Fixture } from './fixtures.js';
import { requireTool } from '../helpers/tools.js';

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

let fx: Fixture;
let policyFile: string;
const policy = randomBytes(3000);

beforeAll(async () => {
  fx = await makeFixture();
  policyFile = join(fx.dir, 'policy.bin');
  await writeFile(policyFile, policy);
});
afterAll(() => fx.cleanup());

describe('cli sign / verify', () => {
  it('signs with a keystore (password from a file) and verifies: exit 0, JSON names the signer', async () => {
    const sig = join(fx.dir, 'policy.sig');
    const signed = await cli([
      'sign',
      policyFile,
      '-k',
      join(fx.siteDir, 'keystore.jks'),
      '--password-file',
      fx.passwordFile,
      '-o',
      sig,
    ]);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    expect(signed.out).toContain('256-byte signature');
    // The library agrees with what the CLI wrote.
    const bytes = new Uint8Array(await readFile(sig));
    await expect(verifyPolicy(policy, bytes, [fx.site.identity.certificate])).resolves.toBeTruthy();

    const ok = await cli([
      'verify',
      policyFile,
      '-s',
      sig,
      '--sylink',
      join(fx.siteDir, 'sylink.xml'),
      '--json',
    ]);
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.out) as {
      verified: boolean;
      format: string;
      signer: { sha256: string };
    };
    expect(doc.verified).toBe(true);
    expect(doc.format).toBe('raw');
    expect(doc.signer.sha256.replaceAll(':', '').toLowerCase()).toBe(
      Buffer.from(
        await crypto.subtle.digest('SHA-256', fx.site.identity.certificate.rawData),
      ).toString('hex'),
    );

    // One flipped byte of the policy: exit 1, on stdout a JSON "not verified".
    const tampered = Buffer.from(policy);
    tampered[10]! ^= 1;
    const bad = await cli(
      ['verify', '-', '-s', sig, '--cert', join(fx.siteDir, 'server.crt'), '--json'],
      {
        input: tampered,
      },
    );
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({
      verified: false,
      code: 'ERR_POLICY_SIGNATURE_INVALID',
    });
  });

  it('signs CMS from stdin to stdout with the site; a stranger certificate does not verify it', async () => {
    const signed = await cli(['sign', '--site', fx.siteDir, '--format', 'cms'], { input: policy });
    expect(signed.code).toBe(0);
    expect(signed.stdout[0]).toBe(0x30); // DER SEQUENCE
    const r = await verifyPolicy(policy, new Uint8Array(signed.stdout), [
      fx.site.identity.certificate,
    ]);
    expect(r.format).toBe('cms');
    const sig = join(fx.dir, 'policy.p7s');
    await writeFile(sig, signed.stdout);
    // What the CLI wrote is what `openssl cms -verify` accepts for this content and certificate.
    if (HAS_OPENSSL)
      await promisify(execFile)('openssl', [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        sig,
        '-content',
        policyFile,
        '-CAfile',
        join(fx.siteDir, 'server.crt'),
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ]);
    const other = await makeFixture();
    try {
      const bad = await cli([
        'verify',
        policyFile,
        '-s',
        sig,
        '--cert',
        join(other.siteDir, 'server.crt'),
      ]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/verification failed: .*\(ERR_POLICY_UNTRUSTED_SIGNER\)/);
    } finally {
      await other.cleanup();
    }
  });
});

describe('cli seal / open, encrypt / decrypt', () => {
  it('seals to stdout and opens from stdin (pipes); the Kcs never appears in any output', async () => {
    const sealed = await cli(['seal', policyFile, '--site', fx.siteDir]);
    expect(sealed.code).toBe(0);
    const lib = await openPolicy(new Uint8Array(sealed.stdout), fx.site.kcs, [
      fx.site.identity.certificate,
    ]);
    expect(Buffer.from(lib.data).equals(policy)).toBe(true);
    const opened = await cli(['open', '--sylink', join(fx.siteDir, 'sylink.xml')], {
      input: sealed.stdout,
    });
    expect(opened.code).toBe(0);
    expect(opened.stdout.equals(policy)).toBe(true);
    const hex = fx.site.kcs.toHex();
    for (const r of [sealed, opened])
      expect(r.stdout.toString('latin1') + r.stderr).not.toContain(hex);

    // The wrong site key: exit 1 after the signature checked out.
    const wrong = await cli(['open', '--cert', join(fx.siteDir, 'server.crt'), '--kcs-env', 'K'], {
      input: sealed.stdout,
      env: { K: Kcs.generate().toHex() },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ERR_POLICY_DECRYPT_FAILED');
  });

  it('encrypts with the Kcs from a file and decrypts with the Kcs from the environment', async () => {
    const env = join(fx.dir, 'data.sce');
    const enc = await cli(['encrypt', policyFile, '--kcs-file', fx.kcsFile, '-o', env, '--json']);
    expect(enc.code).toBe(0);
    const doc = JSON.parse(enc.out) as { bytes: number; kcsFingerprint: string };
    expect(doc.kcsFingerprint).toBe(fx.site.kcs.fingerprint());
    expect(enc.out).not.toContain(fx.site.kcs.toHex());
    const envelope = new Uint8Array(await readFile(env));
    expect(doc.bytes).toBe(envelope.length);
    expect(Buffer.from(decryptContent(envelope, fx.site.kcs)).equals(policy)).toBe(true);

    const dec = await cli(['decrypt', env, '--kcs-env', 'SITE_KCS'], {
      env: { SITE_KCS: fx.site.kcs.toHex() },
    });
    expect(dec.code).toBe(0);
    expect(dec.stdout.equals(policy)).toBe(true);

    const tampered = Buffer.from(envelope);
    tampered[30]! ^= 0x80;
    const bad = await cli(['decrypt', '-', '--kcs-file', fx.kcsFile, '--json'], {
      input: tampered,
    });
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    expect(JSON.parse(bad.stderr)).toMatchObject({
      error: { code: 'ERR_CONTENT_DECRYPT_FAILED', exitCode: 1 },
    });
  });
});
