/**
 * Test helpers for the keystore suites: a temp directory per suite, the real keytool / openssl /
 * java binaries, and test identities.
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  X509Certificate,
  X509CertificateGenerator,
  BasicConstraintsExtension,
} from '../../src/cert/x509.js';

/** A temp directory with helpers to write, read and remove files. */
export class TempDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'sepm-ks-'));
  path(name: string): string {
    return join(this.dir, name);
  }
  write(name: string, data: Uint8Array | string): string {
    writeFileSync(this.path(name), data);
    return this.path(name);
  }
  read(name: string): Uint8Array {
    return new Uint8Array(readFileSync(this.path(name)));
  }
  text(name: string): string {
    return readFileSync(this.path(name), 'utf8');
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs a tool and returns stdout; throws with stderr on a non-zero exit. */
export function run(cmd: string, args: readonly string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed: ${err.stderr ?? ''}${err.stdout ?? ''}${err.message}`,
      { cause: e },
    );
  }
}

/** Runs keytool (stderr kept: keytool prints its JKS migration warning there). */
export function keytool(...args: string[]): string {
  return run('keytool', args);
}

export function openssl(...args: string[]): string {
  return run('openssl', args);
}

const JAVA_HELPER = fileURLToPath(new URL('../helpers/java/ReadKeystore.java', import.meta.url));

/** One line of the Java helper's output. */
export interface JavaEntry {
  kind: 'KEY' | 'CERT' | 'SECRET';
  alias: string;
  chainLength?: number;
  sha256: string;
  algorithm?: string;
}

/**
 * Loads keystores with the Java KeyStore API (test/helpers/java/ReadKeystore.java) in one JVM.
 * Each job: [type, file, storepass, ...alias=keypass].
 */
export function javaRead(jobs: readonly (readonly string[])[]): Map<string, JavaEntry[]> {
  const args = jobs.flatMap((j, i) => (i === 0 ? [...j] : ['--', ...j]));
  const out = run('java', [JAVA_HELPER, ...args]);
  const result = new Map<string, JavaEntry[]>();
  let current: JavaEntry[] = [];
  for (const line of out.trim().split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'FILE') {
      current = [];
      result.set(f[1]!, current);
    } else if (f[0] === 'KEY') {
      current.push({
        kind: 'KEY',
        alias: f[1]!,
        chainLength: Number(f[2]),
        sha256: f[3]!,
        algorithm: f[4]!,
      });
    } else if (f[0] === 'CERT') {
      current.push({ kind: 'CERT', alias: f[1]!, sha256: f[2]! });
    } else if (f[0] === 'SECRET') {
      current.push({ kind: 'SECRET', alias: f[1]!, sha256: f[2]!, algorithm: f[3]! });
    }
  }
  return result;
}

/** UTF-8 hex form of a password for the Java helper. */
export function hexPassword(pw: string): string {
  return 'hex:' + Buffer.from(pw, 'utf8').toString('hex');
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A test key pair and self-signed certificate, as DER. */
export interface TestIdentity {
  pkcs8: Uint8Array<ArrayBuffer>;
  cert: Uint8Array<ArrayBuffer>;
}

/**
 * An RSA-2048 (or EC P-256) key from node:crypto and a self-signed certificate from
 * @peculiar/x509; `issuer` signs it instead when given (for chains).
 */
export async function makeIdentity(
  cn: string,
  options: { type?: 'rsa' | 'ec'; issuer?: TestIdentity; ca?: boolean } = {},
): Promise<TestIdentity> {
  const type = options.type ?? 'rsa';
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' }));
  const spki = new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }));
  const alg =
    type === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const publicKey = await webcrypto.subtle.importKey('spki', spki, alg, true, ['verify']);
  const signerPkcs8 = options.issuer?.pkcs8 ?? pkcs8;
  const signerType = options.issuer
    ? new X509Certificate(options.issuer.cert).publicKey.algorithm.name === 'ECDSA'
      ? 'ec'
      : 'rsa'
    : type;
  const signAlg =
    signerType === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const signingKey = await webcrypto.subtle.importKey('pkcs8', signerPkcs8, signAlg, false, [
    'sign',
  ]);
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: createHash('sha1')
        .update(cn)
        .digest('hex')
        .slice(0, 16)
        .replace(/^[89a-f]/, '1'),
      subject: `CN=${cn}`,
      issuer: options.issuer ? new X509Certificate(options.issuer.cert).subject : `CN=${cn}`,
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 30 * 86_400_000),
      signingAlgorithm: signAlg,
      publicKey,
      signingKey,
      extensions: options.ca ? [new BasicConstraintsExtension(true, undefined, true)] : [],
    },
    webcrypto as unknown as Crypto,
  );
  return { pkcs8, cert: new Uint8Array(cert.rawData) };
}

/** PEM of a certificate. */
export function certPem(der: Uint8Array<ArrayBuffer>): string {
  return new X509Certificate(der).toString('pem') + '\n';
}

/** `openssl req` options for a new EC P-256 key without a passphrase. */
export const OPENSSL_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/**
 * Makes a 3-certificate chain with openssl in `dir`, valid 30 days: `root.pem` / `root-key.pem`
 * (EC P-256, self-signed), `int.pem` / `int-key.pem` (EC P-256, a CA signed by the root) and
 * `leaf.pem` / `leaf-key.pem` (EC P-256 or RSA 2048, signed by the intermediate).
 */
export function makeOpensslChain(
  dir: string,
  subjects: { root: string; intermediate: string; leaf: string },
  leafKey: 'ec' | 'rsa',
): void {
  const ossl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ec = OPENSSL_EC_KEY;
  writeFileSync(
    join(dir, 'ca.ext'),
    'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n',
  );
  ossl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'root-key.pem',
    '-out',
    'root.pem',
    '-days',
    '30',
    '-subj',
    subjects.root,
  );
  ossl('req', ...ec, '-keyout', 'int-key.pem', '-out', 'int.csr', '-subj', subjects.intermediate);
  ossl(
    'x509',
    '-req',
    '-in',
    'int.csr',
    '-CA',
    'root.pem',
    '-CAkey',
    'root-key.pem',
    '-CAcreateserial',
    '-out',
    'int.pem',
    '-days',
    '30',
    '-extfile',
    'ca.ext',
  );
  const leafKeyArgs = leafKey === 'ec' ? ec : ['-newkey', 'rsa:2048', '-nodes'];
  ossl(
    'req',
    ...leafKeyArgs,
    '-keyout',
    'leaf-key.pem',
    '-out',
    'leaf.csr',
    '-subj',
    subjects.leaf,
  );
  ossl(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'int.pem',
    '-CAkey',
    'int-key.pem',
    '-CAcreateserial',
    '-out',
    'leaf.pem',
    '-days',
    '30',
  );
}
