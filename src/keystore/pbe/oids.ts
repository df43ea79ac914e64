/**
 * Object identifiers of the password-based encryption schemes, KDFs and PRFs this folder
 * implements (RFC 8018 appendix C, RFC 7292 appendix D, NIST CSOR). Kept in one place so the
 * PKCS#8 and PKCS#12 layers agree on spelling.
 *
 * @module
 */

/** PBES2 (RFC 8018 §6.2, appendix A.4). */
export const OID_PBES2 = '1.2.840.113549.1.5.13';
/** PBKDF2 (RFC 8018 §5.2, appendix A.2). */
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';

/** HMAC PRFs for PBKDF2 (RFC 8018 appendix B.1). */
export const OID_HMAC_SHA1 = '1.2.840.113549.2.7';
/** hmacWithSHA224. */
export const OID_HMAC_SHA224 = '1.2.840.113549.2.8';
/** hmacWithSHA256. */
export const OID_HMAC_SHA256 = '1.2.840.113549.2.9';
/** hmacWithSHA384. */
export const OID_HMAC_SHA384 = '1.2.840.113549.2.10';
/** hmacWithSHA512. */
export const OID_HMAC_SHA512 = '1.2.840.113549.2.11';

/** PBES2 encryption schemes (RFC 8018 appendix B.2; NIST CSOR for AES). */
export const OID_AES128_CBC = '2.16.840.1.101.3.4.1.2';
/** aes192-CBC. */
export const OID_AES192_CBC = '2.16.840.1.101.3.4.1.22';
/** aes256-CBC. */
export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
/** des-EDE3-CBC (RFC 8018 B.2.2). */
export const OID_DES_EDE3_CBC = '1.2.840.113549.3.7';

/** PKCS#12 PBE schemes (RFC 7292 appendix C). */
export const OID_PBE_SHA1_3DES = '1.2.840.113549.1.12.1.3';
/** pbeWithSHAAnd2-KeyTripleDES-CBC. */
export const OID_PBE_SHA1_2DES = '1.2.840.113549.1.12.1.4';
/** pbeWithSHAAnd128BitRC2-CBC. */
export const OID_PBE_SHA1_RC2_128 = '1.2.840.113549.1.12.1.5';
/** pbeWithSHAAnd40BitRC2-CBC. */
export const OID_PBE_SHA1_RC2_40 = '1.2.840.113549.1.12.1.6';

/** Digest algorithms named by a PKCS#12 MacData DigestInfo (RFC 7292 §4; NIST CSOR). */
export const OID_SHA1 = '1.3.14.3.2.26';
/** SHA-224. */
export const OID_SHA224 = '2.16.840.1.101.3.4.2.4';
/** SHA-256. */
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
/** SHA-384. */
export const OID_SHA384 = '2.16.840.1.101.3.4.2.2';
/** SHA-512. */
export const OID_SHA512 = '2.16.840.1.101.3.4.2.3';
