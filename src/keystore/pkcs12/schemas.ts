/**
 * CMS `EncryptedData` (RFC 5652 §8), the container of PKCS#12's password-encrypted safes
 * (RFC 7292 §5.1). asn1-cms exports `EncryptedContentInfo` but no `EncryptedData` wrapper.
 *
 * @module
 */
import { EncryptedContentInfo } from '@peculiar/asn1-cms';
import { AsnProp, AsnPropTypes } from '@peculiar/asn1-schema';

/** `EncryptedData ::= SEQUENCE { version, encryptedContentInfo, unprotectedAttrs [1] OPTIONAL }`. */
export class CmsEncryptedData {
  @AsnProp({ type: AsnPropTypes.Integer })
  public version = 0;

  @AsnProp({ type: EncryptedContentInfo })
  public encryptedContentInfo = new EncryptedContentInfo();

  /** Kept opaque: PKCS#12 producers never write it and we ignore it. */
  @AsnProp({ type: AsnPropTypes.Any, context: 1, implicit: true, optional: true })
  public unprotectedAttrs?: ArrayBuffer;

  constructor(params: Partial<CmsEncryptedData> = {}) {
    Object.assign(this, params);
  }
}
