// Shared helpers for the cert and policy tests: the WebCrypto providers every identity/signing
// test runs under, the real openssl binary, temporary folders, and identities from PEM files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import { X509Certificate } from '../../src/cert/x509.js';
import type { ServerIdentity } from '../../src/cert/types.js';

/** Node's built-in WebCrypto (the default) and @peculiar/webcrypto (injected). */
export const PROVIDERS: readonly { name: string; crypto: Crypto | undefined }[] = [
  { name: 'node:crypto webcrypto (default)', crypto: undefined },
  { name: '@peculiar/webcrypto (injected)', crypto: new PeculiarCrypto() as unknown as Crypto },
];

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs openssl with `args` in `cwd`; never throws (tests assert on status and output). */
export function openssl(args: readonly string[], cwd?: string): RunResult {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder and its removal. */
export function tempDir(): {
  dir: string;
  file: (name: string, data?: Uint8Array | string) => string;
  dispose: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'sepm-cert-test-'));
  return {
    dir,
    file(name, data) {
      const p = join(dir, name);
      if (data !== undefined) writeFileSync(p, data);
      return p;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** PKCS#8 PEM of an identity's private key (exported through its own provider). */
export async function privateKeyPem(identity: ServerIdentity): Promise<string> {
  const provider = identity.crypto ?? (webcrypto as unknown as Crypto);
  const pkcs8 = await provider.subtle.exportKey('pkcs8', identity.privateKey);
  return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

/** An identity from a PEM private key (any type) and a PEM certificate. */
export async function identityFromPem(keyPem: string, certPem: string): Promise<ServerIdentity> {
  const key = createPrivateKey(keyPem);
  const certificate = new X509Certificate(certPem);
  return { certificate, privateKey: await cryptoKeyOf(key), chain: [certificate] };
}

/** A Node WebCrypto private key from a KeyObject (RSA: RSASSA-PKCS1-v1_5/SHA-256; EC: ECDSA). */
export async function cryptoKeyOf(key: KeyObject): Promise<CryptoKey> {
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  const alg =
    key.asymmetricKeyType === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  return (await webcrypto.subtle.importKey('pkcs8', pkcs8, alg, true, [
    'sign',
  ])) as unknown as CryptoKey;
}
