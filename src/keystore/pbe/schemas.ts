/**
 * ASN.1 schemas that `@peculiar/asn1-*` does not ship: the PKCS#5 v2.1 parameter structures
 * (RFC 8018 appendix A) and PKCS#12's `pkcs-12PbeParams` (RFC 7292 appendix C). Written with the
 * asn1-schema decorators so that they compose with `AlgorithmIdentifier` from asn1-x509.
 *
 * @module
 */
import { AsnProp, AsnPropTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';

/**
 * `PBKDF2-params` (RFC 8018 appendix A.2). The salt CHOICE's `otherSource` alternative is never
 * produced by real tools; a non-OCTET-STRING salt fails to parse and is reported as malformed.
 */
export class Pbkdf2Params {
  @AsnProp({ type: OctetString })
  public salt = new OctetString();

  @AsnProp({ type: AsnPropTypes.Integer })
  public iterationCount = 0;

  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  public keyLength?: number;

  /** Absent means hmacWithSHA1 (the DEFAULT of RFC 8018 appendix A.2). */
  @AsnProp({ type: AlgorithmIdentifier, optional: true })
  public prf?: AlgorithmIdentifier;

  constructor(params: Partial<Pbkdf2Params> = {}) {
    Object.assign(this, params);
  }
}

/** `PBES2-params` (RFC 8018 appendix A.4). */
export class Pbes2Params {
  @AsnProp({ type: AlgorithmIdentifier })
  public keyDerivationFunc = new AlgorithmIdentifier();

  @AsnProp({ type: AlgorithmIdentifier })
  public encryptionScheme = new AlgorithmIdentifier();

  constructor(params: Partial<Pbes2Params> = {}) {
    Object.assign(this, params);
  }
}

/** `pkcs-12PbeParams` (RFC 7292 appendix C). */
export class Pkcs12PbeParams {
  @AsnProp({ type: OctetString })
  public salt = new OctetString();

  @AsnProp({ type: AsnPropTypes.Integer })
  public iterations = 0;

  constructor(params: Partial<Pkcs12PbeParams> = {}) {
    Object.assign(this, params);
  }
}
