/**
 * The server identity type shared by `cert/`, `keystore/` and `policy/`.
 *
 * @module
 */
import type { X509Certificate } from '@peculiar/x509';

/**
 * A manager's identity: its certificate, the matching private key, and the chain (leaf first;
 * for SEPM's self-signed certificate the chain is just the certificate).
 */
export interface ServerIdentity {
  /** The server certificate (`@peculiar/x509`). */
  readonly certificate: X509Certificate;
  /** The private key as a WebCrypto `CryptoKey` (RSASSA-PKCS1-v1_5 / SHA-256, extractable). */
  readonly privateKey: CryptoKey;
  /** The certificate chain, leaf first. */
  readonly chain: readonly X509Certificate[];
  /**
   * The WebCrypto provider that created {@link ServerIdentity.privateKey}, when it is not Node's
   * built-in one (for example `@peculiar/webcrypto`): its keys can only be exported through it.
   * Absent means Node's `crypto.webcrypto`.
   */
  readonly crypto?: Crypto;
}
