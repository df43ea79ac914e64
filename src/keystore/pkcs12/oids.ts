/**
 * PKCS#12 object identifiers (RFC 7292 appendix D; PKCS#9 RFC 2985 §5.5.1, 5.5.2; Oracle's
 * trusted-certificate attribute as JDK 8+ writes it, docs/keystores.md, Format notes: "PKCS#12 bags and attributes").
 *
 * @module
 */

/** CMS content types (RFC 5652 §4, §8). */
export const OID_DATA = '1.2.840.113549.1.7.1';
/** signedData (public-key integrity mode; not supported). */
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
/** envelopedData (public-key privacy mode; not supported). */
export const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';
/** encryptedData (password privacy mode). */
export const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';

/** Bag types (RFC 7292 §4.2). */
export const OID_KEY_BAG = '1.2.840.113549.1.12.10.1.1';
/** pkcs8ShroudedKeyBag. */
export const OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
/** certBag. */
export const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
/** crlBag. */
export const OID_CRL_BAG = '1.2.840.113549.1.12.10.1.4';
/** secretBag. */
export const OID_SECRET_BAG = '1.2.840.113549.1.12.10.1.5';
/** safeContentsBag. */
export const OID_SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6';

/** certBag type x509Certificate (RFC 7292 §4.2.3). */
export const OID_X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';

/** Bag attributes: friendlyName and localKeyId (PKCS#9, RFC 2985 §5.5.1, §5.5.2). */
export const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
/** localKeyId. */
export const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

/** Oracle "trustedKeyUsage": marks a certBag as a Java trusted-certificate entry. */
export const OID_ORACLE_TRUSTED_KEY_USAGE = '2.16.840.1.113894.746875.1.1';
/** anyExtendedKeyUsage (RFC 5280 §4.2.1.12), the value Java writes in the attribute above. */
export const OID_ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/** PBMAC1 (RFC 9579): a MAC algorithm we recognise in order to report it as unsupported. */
export const OID_PBMAC1 = '1.2.840.113549.1.5.14';
