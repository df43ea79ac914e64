/**
 * Generates a SEPM-like server identity: what the Management Server Configuration Wizard makes at
 * install time, "a self-signed, 2048-bit SHA256RSA key pair" (Broadcom KB 158445), stored as
 * `keystore.jks` and `server.crt` + `server.key`.
 *
 * @module
 */
import * as x509 from './x509.js';
import { aprovider, type CryptoProvider } from './provider.js';
import { normalizeAltName, type NormalizedAltName, type SubjectAltName } from './san.js';
import type { ServerIdentity } from './types.js';

/** RSA modulus sizes {@link generateServerIdentity} accepts (SEPM supports 2048 up to 8192; KB 158660). */
export const SERVER_KEY_SIZES = [2048, 3072, 4096, 8192] as const;

/** An allowed RSA modulus size in bits. */
export type ServerKeySize = (typeof SERVER_KEY_SIZES)[number];

/** Default validity of a generated certificate, in days. */
export const DEFAULT_VALIDITY_DAYS = 365;

/** Longest validity {@link generateServerIdentity} accepts, in days (100 years). */
export const MAX_VALIDITY_DAYS = 36_500;

/** The signature algorithm of every identity: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 section 8.2). */
export const SERVER_KEY_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** Options of {@link generateServerIdentity}. */
export interface GenerateServerIdentityOptions {
  /** Subject common name, 1 to 64 characters (RFC 5280 `ub-common-name`); usually the host name. */
  readonly commonName: string;
  /**
   * Subject alternative names (DNS names and IP addresses). Default: the common name, when it is a
   * valid host name or address; `[]` leaves the extension out.
   */
  readonly subjectAltNames?: readonly SubjectAltName[];
  /** RSA modulus bits: 2048 (default, SEPM's), 3072, 4096 or 8192. */
  readonly keySize?: number;
  /** Days from `notBefore` to `notAfter`: 1 to {@link MAX_VALIDITY_DAYS}; default 365. */
  readonly validityDays?: number;
  /** Start of validity; default `new Date()` (the only clock this module reads). */
  readonly notBefore?: Date;
  /** WebCrypto provider; default Node's `crypto.webcrypto`. */
  readonly crypto?: CryptoProvider;
}

/**
 * Generates a self-signed server identity: an RSA key pair and an X.509 v3 certificate signed
 * with SHA256withRSA.
 *
 * The certificate has a random positive 127-bit serial (RFC 5280 section 4.1.2.2), subject and
 * issuer `CN=<commonName>`, and these extensions:
 * - key usage (critical): digitalSignature, keyEncipherment (TLS RSA server; policy signing);
 * - extended key usage: serverAuth and clientAuth (managers authenticate each other on 8443), and
 *   emailProtection, because `openssl cms -verify` checks the S/MIME signing purpose of the
 *   signer of a CMS policy signature and refuses any other certificate with an EKU;
 * - basic constraints (critical) `cA: false`: the certificate is its own trust anchor (clients pin
 *   it from sylink.xml) but can never issue certificates (RFC 5280 section 4.2.1.9);
 * - subject key identifier (RFC 5280 section 4.2.1.2, method 1);
 * - subject alternative names, when there are any.
 *
 * @param options - see {@link GenerateServerIdentityOptions}.
 * @returns `{ certificate, privateKey, chain: [certificate] }`; the private key is extractable,
 *   RSASSA-PKCS1-v1_5 / SHA-256, usage `sign`. With an injected provider, `crypto` is set too.
 * @throws TypeError / RangeError for a bad option (e.g. `keySize` 1024).
 *
 * @example A manager's identity, reachable by name and address
 * ```ts
 * const id = await generateServerIdentity({ commonName: 'sepm01.corp.example', subjectAltNames: ['sepm01', '10.0.0.5'] });
 * ```
 */
export async function generateServerIdentity(
  options: GenerateServerIdentityOptions,
): Promise<ServerIdentity> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('"options" expected an object with commonName');
  }
  const crypto = aprovider(options.crypto);
  const commonName = checkCommonName(options.commonName);
  const keySize = checkKeySize(options.keySize);
  const days = options.validityDays ?? DEFAULT_VALIDITY_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS) {
    throw new RangeError(
      `"validityDays" expected an integer in [1, ${MAX_VALIDITY_DAYS}], got ${String(days)}`,
    );
  }
  const notBefore = checkDate(options.notBefore ?? new Date(), 'notBefore');
  notBefore.setUTCMilliseconds(0);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const altNames = altNamesOf(commonName, options.subjectAltNames);

  const algorithm: RsaHashedKeyGenParams = {
    ...SERVER_KEY_ALGORITHM,
    modulusLength: keySize,
    publicExponent: new Uint8Array([1, 0, 1]),
  };
  const keys = (await crypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;

  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([
      x509.ExtendedKeyUsage.serverAuth,
      x509.ExtendedKeyUsage.clientAuth,
      x509.ExtendedKeyUsage.emailProtection,
    ]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
  ];
  if (altNames.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(altNames.map((n) => ({ ...n }))));
  }

  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(crypto),
      name: [{ CN: [commonName] }],
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: SERVER_KEY_ALGORITHM,
      extensions,
    },
    crypto,
  );
  return {
    certificate,
    privateKey: keys.privateKey,
    chain: [certificate],
    ...(options.crypto !== undefined ? { crypto } : {}),
  };
}

function checkCommonName(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('"commonName" expected string');
  if (value.length < 1 || value.length > 64) {
    throw new RangeError(`"commonName" expected 1 to 64 characters, got ${value.length}`);
  }
  // Control characters have no place in a distinguished name and confuse every printer of it.
  if (/\p{Cc}/u.test(value))
    throw new RangeError('"commonName" must not contain control characters');
  return value;
}

function checkKeySize(value: unknown): ServerKeySize {
  const size = value === undefined ? 2048 : value;
  if (!(SERVER_KEY_SIZES as readonly unknown[]).includes(size)) {
    throw new RangeError(
      `"keySize" expected one of ${SERVER_KEY_SIZES.join(', ')}, got ${String(value)}`,
    );
  }
  return size as ServerKeySize;
}

function checkDate(value: unknown, label: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TypeError(`"${label}" expected a valid Date`);
  }
  return new Date(value.getTime());
}

function altNamesOf(
  commonName: string,
  given: readonly SubjectAltName[] | undefined,
): NormalizedAltName[] {
  if (given === undefined) {
    try {
      return [normalizeAltName(commonName)];
    } catch {
      return []; // a common name like "SEPM Server" is no host name: no default SAN
    }
  }
  if (!Array.isArray(given)) throw new TypeError('"subjectAltNames" expected an array');
  return given.map((entry) => normalizeAltName(entry));
}

/** 16 random bytes as hex with the top bit clear (positive) and the next set (fixed length). */
function randomSerial(crypto: CryptoProvider): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}
