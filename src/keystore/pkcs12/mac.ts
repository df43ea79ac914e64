/**
 * The PFX integrity MAC (RFC 7292 §5.1 step 4 and appendix B): HMAC over the content octets of the
 * `authSafe` OCTET STRING, keyed by the PKCS#12 KDF with ID 3 and the MAC's own hash. Java and
 * OpenSSL use this KDF for SHA-256 MACs too (not PBKDF2: docs/keystores.md, Format notes: "PKCS#12 KDF and MAC").
 *
 * @module
 */
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { DigestInfo } from '@peculiar/asn1-rsa';
import { MacData } from '@peculiar/asn1-pfx';
import { OctetString } from '@peculiar/asn1-schema';
import { KeystoreError } from '../../errors.js';
import { equalBytes, randomBytes, type Bytes } from '../../bytes.js';
import { asBytes } from '../pbe/asn1.js';
import * as poid from '../pbe/oids.js';
import { chargeIterations, readCount, type KdfLimits } from '../pbe/pbe.js';
import { bmpPassword, bmpPasswordCandidates } from '../pbe/password.js';
import { PKCS12_KDF_HASHES, pkcs12Kdf, type Pkcs12KdfHash } from '../pbe/pkcs12_kdf.js';
import { OID_PBMAC1 } from './oids.js';
import { hashNamed, hmac as hmacOf } from '../../hashes.js';

const MAC_HASHES: Record<string, Pkcs12KdfHash> = {
  [poid.OID_SHA1]: 'sha1',
  [poid.OID_SHA224]: 'sha224',
  [poid.OID_SHA256]: 'sha256',
  [poid.OID_SHA384]: 'sha384',
  [poid.OID_SHA512]: 'sha512',
};

const HASH_OIDS: Record<'sha1' | 'sha256', string> = {
  sha1: poid.OID_SHA1,
  sha256: poid.OID_SHA256,
};

function hmac(
  hash: Pkcs12KdfHash,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  data: Uint8Array,
): Bytes {
  const key = pkcs12Kdf(hash, password, salt, iterations, 3, PKCS12_KDF_HASHES[hash].u);
  const out = hmacOf(hashNamed(hash), key, data);
  key.fill(0);
  return out;
}

/**
 * Verifies the MAC in constant time. For the empty password, `00 00` and then zero bytes are tried
 * (Java's rule). The iteration count is checked against `limits` before the KDF.
 *
 * @throws KeystoreError `ERR_KEYSTORE_INTEGRITY` (fixed message) when no candidate matches;
 *   `ERR_KEYSTORE_UNSUPPORTED` for PBMAC1 or an unknown hash; `ERR_KEYSTORE_LIMIT_EXCEEDED`.
 */
export function verifyMac(
  macData: MacData,
  authSafeContent: Uint8Array,
  password: string,
  limits: KdfLimits,
): void {
  const algorithm = macData.mac.digestAlgorithm.algorithm;
  const hash = MAC_HASHES[algorithm];
  if (hash === undefined) {
    const what = algorithm === OID_PBMAC1 ? 'PBMAC1 (RFC 9579)' : algorithm;
    throw new KeystoreError(
      'ERR_KEYSTORE_UNSUPPORTED',
      `keystore uses an unsupported MAC algorithm: ${what}`,
    );
  }
  const iterations = readCount(macData.iterations, 'MAC');
  const salt = asBytes(macData.macSalt);
  if (salt.length > 1024)
    throw new KeystoreError('ERR_KEYSTORE_MALFORMED', 'keystore is malformed: MAC salt too long');
  const expected = asBytes(macData.mac.digest);
  let ok = false;
  for (const pw of bmpPasswordCandidates(password)) {
    chargeIterations(iterations, limits, 'MAC');
    if (equalBytes(hmac(hash, pw, salt, iterations, authSafeContent), expected)) {
      ok = true;
      break;
    }
  }
  if (!ok) throw new KeystoreError('ERR_KEYSTORE_INTEGRITY');
}

/** Computes a `MacData` for `authSafeContent` with a fresh 20-byte salt. */
export function computeMac(
  authSafeContent: Uint8Array,
  password: string,
  hash: 'sha1' | 'sha256',
  iterations: number,
): MacData {
  const salt = randomBytes(20);
  const pw = bmpPassword(password);
  const digest = hmac(hash, pw, salt, iterations, authSafeContent);
  pw.fill(0);
  return new MacData({
    mac: new DigestInfo({
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: HASH_OIDS[hash], parameters: null }),
      digest: new OctetString(digest),
    }),
    macSalt: new OctetString(salt),
    iterations,
  });
}
