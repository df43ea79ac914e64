/**
 * Object identifiers and small helpers shared by CMS signing and verification (RFC 5652,
 * algorithms per RFC 5754 and RFC 3370).
 *
 * @module
 */
import {
  AsnArray,
  AsnConvert,
  AsnObjectIdentifierConverter,
  AsnType,
  AsnTypeTypes,
  OctetString,
} from '@peculiar/asn1-schema';
import { Attribute, id_data } from '@peculiar/asn1-cms';
import type { DigestName } from './rsa.js';

/** id-sha256 / id-sha384 / id-sha512 (RFC 5754 section 2). */
export const DIGEST_OIDS: Readonly<Record<string, DigestName>> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** id-sha256. */
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

/** rsaEncryption: the signatureAlgorithm RFC 3370 section 3.2 prescribes for PKCS #1 v1.5. */
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** sha{256,384,512}WithRSAEncryption, which senders may also use (RFC 5754 section 3.2). */
export const RSA_WITH_DIGEST_OIDS: Readonly<Record<string, DigestName>> = {
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};

/** DER of the contentType attribute value id-data (RFC 5652 section 11.1). */
export const ID_DATA_VALUE = new Uint8Array(
  AsnObjectIdentifierConverter.toASN(id_data).toBER(false),
);

/** DER of a messageDigest attribute value (RFC 5652 section 11.2): an OCTET STRING. */
export function messageDigestValue(digest: Uint8Array): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(new OctetString(digest)));
}

/** `SET OF Attribute`, the universal-tagged form of SignedAttributes (RFC 5652 section 5.3). */
class AttributeSet extends AsnArray<Attribute> {
  constructor(items?: Attribute[]) {
    super(items);
    Object.setPrototypeOf(this, AttributeSet.prototype);
  }
}
// The schema decorator, applied as a plain call (no decorator syntax needed).
AsnType({ type: AsnTypeTypes.Set, itemType: Attribute })(AttributeSet);

/**
 * The bytes an RSA signature over signed attributes covers: the DER of the attributes as a
 * `SET OF` with the universal tag 0x31, not the `[0] IMPLICIT` tag they carry inside SignerInfo
 * (RFC 5652 section 5.4). The attributes are re-encoded from the very objects the verifier
 * checks (attribute values are kept as received bytes, and their order as received), so what is
 * checked and what is signed cannot differ; a non-DER encoding by the signer simply fails.
 */
export function signedAttributesToBeSigned(attributes: readonly Attribute[]): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(new AttributeSet([...attributes])));
}
