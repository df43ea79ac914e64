/**
 * The common keystore model shared by every format reader and writer (JKS, JCEKS, PKCS#12, PEM).
 *
 * Keys and certificates are kept as DER bytes (PKCS#8 `PrivateKeyInfo` for private keys, X.509
 * `Certificate` for certificates), so the model is format-neutral and cheap to convert;
 * `identityFromKeystore` turns an entry into WebCrypto / `@peculiar/x509` objects.
 *
 * @module
 */
import { aint } from '../bytes.js';

/** A keystore's container format. */
export type KeystoreFormat = 'jks' | 'jceks' | 'pkcs12' | 'pem';

/** A private key with its certificate chain (leaf first). */
export interface PrivateKeyEntry {
  readonly kind: 'privateKey';
  /** Alias (JKS/JCEKS) or friendlyName (PKCS#12); PEM gives generated aliases. */
  readonly alias: string;
  /** Creation date stored in the keystore, if the format has one. */
  readonly date?: Date | undefined;
  /** The private key as PKCS#8 `PrivateKeyInfo` DER (RFC 5208 §5). */
  readonly pkcs8: Uint8Array;
  /** DER certificates, leaf first. */
  readonly chain: readonly Uint8Array[];
  /** PKCS#12 `localKeyId` attribute, when present. */
  readonly localKeyId?: Uint8Array | undefined;
}

/** A trusted (CA or peer) certificate. */
export interface TrustedCertificateEntry {
  readonly kind: 'trustedCertificate';
  readonly alias: string;
  readonly date?: Date | undefined;
  /** The certificate as DER. */
  readonly certificate: Uint8Array;
}

/** A symmetric key (JCEKS and PKCS#12 only). */
export interface SecretKeyEntry {
  readonly kind: 'secretKey';
  readonly alias: string;
  readonly date?: Date | undefined;
  /** JCA algorithm name, e.g. `'AES'`. */
  readonly algorithm: string;
  /** The raw key bytes. */
  readonly key: Uint8Array;
}

/** One keystore entry. */
export type KeystoreEntry = PrivateKeyEntry | TrustedCertificateEntry | SecretKeyEntry;

/** A parsed keystore: its format and entries in file order. */
export interface Keystore {
  readonly format: KeystoreFormat;
  readonly entries: readonly KeystoreEntry[];
}

/** Options every keystore reader accepts. */
export interface ReadKeystoreOptions {
  /** Per-alias key passwords where they differ from the store password (JKS, JCEKS). */
  readonly keyPasswords?: Readonly<Record<string, string>>;
  /**
   * Highest KDF iteration count accepted from a file, checked before any KDF runs
   * (default 200,000; at most 5,000,000, Java's own cap).
   */
  readonly maxIterations?: number;
  /** Largest input accepted, in bytes (default 16 MiB). */
  readonly maxBytes?: number;
}

/** Default cap on KDF iteration counts read from a file: 20x keytool's 10,000. */
export const DEFAULT_MAX_ITERATIONS = 200_000;
/** The largest `maxIterations` a caller may set: Java's own cap. */
export const MAX_ITERATIONS_CAP = 5_000_000;
/** Default cap on keystore size. */
export const DEFAULT_MAX_KEYSTORE_BYTES = 16 * 1024 * 1024;

/** The size and KDF limits every reader enforces, validated and defaulted. */
export interface ReadLimits {
  readonly maxIterations: number;
  readonly maxBytes: number;
}

/**
 * Resolves `maxIterations` (default {@link DEFAULT_MAX_ITERATIONS}, at most
 * {@link MAX_ITERATIONS_CAP}) and `maxBytes` (default {@link DEFAULT_MAX_KEYSTORE_BYTES}) of a
 * reader's options; one place, so every format applies the same limits.
 *
 * @throws RangeError naming the option when a value is not an integer in range.
 */
export function resolveReadLimits(
  options: Pick<ReadKeystoreOptions, 'maxIterations' | 'maxBytes'> | undefined,
): ReadLimits {
  return {
    maxIterations: aint(
      options?.maxIterations ?? DEFAULT_MAX_ITERATIONS,
      'options.maxIterations',
      1,
      MAX_ITERATIONS_CAP,
    ),
    maxBytes: aint(
      options?.maxBytes ?? DEFAULT_MAX_KEYSTORE_BYTES,
      'options.maxBytes',
      1,
      2 ** 31 - 1,
    ),
  };
}
