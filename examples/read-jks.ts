/**
 * Read a Java KeyStore (SEPM keeps its server identity in tomcat/etc/keystore.jks) and turn its
 * key entry into a server identity.
 *
 * Run: node --import tsx examples/read-jks.ts [keystore.jks]
 * The password comes from the environment variable KEYSTORE_PASSWORD (never from argv). Without
 * a file, the example first writes a sample keystore.jks in a temporary directory.
 * (In your project, import from 'sepm-crypto' instead of '../src/index.js'.)
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateServerIdentity,
  keystoreFromIdentity,
  writeJks,
  readKeystore,
  identityFromKeystore,
  certificateFingerprint,
  formatFingerprint,
} from '../src/index.js';

let path = process.argv[2];
let password = process.env.KEYSTORE_PASSWORD;
let cleanup = async () => {};
if (path === undefined) {
  // A sample keystore.jks like SEPM's: one private-key entry with its self-signed certificate.
  const dir = await mkdtemp(join(tmpdir(), 'sepm-read-jks-'));
  cleanup = () => rm(dir, { recursive: true, force: true });
  path = join(dir, 'keystore.jks');
  password ??= 'changeit';
  const identity = await generateServerIdentity({ commonName: 'sepm01.example' });
  await writeFile(
    path,
    writeJks(await keystoreFromIdentity(identity, { alias: 'sepm' }), password),
  );
  console.log(`wrote a sample ${path}`);
}
if (password === undefined) throw new Error('set KEYSTORE_PASSWORD');

try {
  // readKeystore recognises JKS, JCEKS, PKCS#12 and PEM from the bytes, and checks the
  // keystore's integrity digest before reading any entry (a wrong password fails here).
  const ks = readKeystore(new Uint8Array(await readFile(path)), password);
  console.log(
    `format: ${ks.format}, ${ks.entries.length} entr${ks.entries.length === 1 ? 'y' : 'ies'}`,
  );
  for (const e of ks.entries) {
    const what =
      e.kind === 'privateKey' ? `private key + ${e.chain.length} certificate(s)` : e.kind;
    console.log(`- ${e.alias}: ${what}`);
  }
  // The key entry as a WebCrypto key and an X509Certificate, ready to sign policies.
  const identity = await identityFromKeystore(ks);
  console.log(`identity: ${identity.certificate.subject}`);
  console.log(
    `SHA-256 (as keytool -list prints it): ${formatFingerprint(certificateFingerprint(identity.certificate))}`,
  );
} finally {
  await cleanup();
}
