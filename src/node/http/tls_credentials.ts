/**
 * Turns a {@link ServerIdentity} into the PEM strings `node:tls` wants.
 *
 * @module
 */
import { webcrypto } from 'node:crypto';
import type { ServerIdentity } from '../../cert/types.js';
import { toPem } from '../../keystore/pem_codec.js';

/** PEM key and certificate chain for `tls.createServer`. */
export interface TlsCredentials {
  /** PKCS#8 private key, PEM (RFC 7468 §10 "PRIVATE KEY"). */
  readonly key: string;
  /** The leaf certificate then the rest of the chain, PEM. */
  readonly cert: string;
  /** The leaf certificate as DER. */
  readonly leafDer: Uint8Array;
}

/**
 * Exports the identity's key (PKCS#8) and chain as PEM.
 *
 * @throws TypeError when the private key is not an extractable key of Node's WebCrypto.
 */
export async function tlsCredentials(identity: ServerIdentity): Promise<TlsCredentials> {
  let pkcs8: ArrayBuffer;
  try {
    pkcs8 = await webcrypto.subtle.exportKey('pkcs8', identity.privateKey as webcrypto.CryptoKey);
  } catch (e) {
    throw new TypeError('"site.identity.privateKey" must be an extractable Node.js WebCrypto key', {
      cause: e,
    });
  }
  const leaf = new Uint8Array(identity.certificate.rawData);
  const certs = [leaf];
  for (const c of identity.chain) {
    const der = new Uint8Array(c.rawData);
    if (!Buffer.from(der).equals(Buffer.from(leaf))) certs.push(der);
  }
  return {
    key: toPem('PRIVATE KEY', new Uint8Array(pkcs8)),
    cert: certs.map((d) => toPem('CERTIFICATE', d)).join(''),
    leafDer: leaf,
  };
}
