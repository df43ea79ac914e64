// Interim test identity made directly with WebCrypto + @peculiar/x509 (until src/cert lands).
import { webcrypto } from 'node:crypto';
import * as x509 from '../../src/cert/x509.js';
import type { ServerIdentity } from '../../src/cert/types.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export async function interimIdentity(cn = 'localhost'): Promise<ServerIdentity> {
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${cn}`,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 86400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  return { certificate: cert, privateKey: keys.privateKey, chain: [cert] };
}
