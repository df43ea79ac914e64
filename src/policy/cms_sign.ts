/**
 * Detached CMS SignedData (RFC 5652 section 5) with one RSA signer, built on the
 * `@peculiar/asn1-cms` schemas.
 *
 * Shape (what `openssl cms -sign -binary -outform DER` makes, minus its S/MIME capabilities):
 * version 1, digestAlgorithms {sha256}, encapContentInfo {id-data, no eContent} (detached), the
 * signer's chain in `certificates`, and one SignerInfo: version 1, issuerAndSerialNumber,
 * sha256, signed attributes contentType / signingTime / messageDigest (RFC 5652 sections 5.3
 * and 11; with them the signature binds the content type and the time too), rsaEncryption with
 * NULL parameters (RFC 3370 section 3.2), and the RSASSA-PKCS1-v1_5 signature over the DER of
 * the attributes as a SET OF.
 *
 * @module
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate, Time } from '@peculiar/asn1-x509';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignatureAlgorithmIdentifier,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
} from '@peculiar/asn1-cms';
import type { ServerIdentity } from '../cert/types.js';
import { signWithIdentity } from './rsa.js';
import { digest as hash } from '../hashes.js';
import {
  ID_DATA_VALUE,
  OID_RSA_ENCRYPTION,
  OID_SHA256,
  messageDigestValue,
  signedAttributesToBeSigned,
} from './cms_common.js';
import type { Bytes } from '../bytes.js';

/** Builds a detached CMS SignedData over `data`, signed by `identity` at `signingTime`. */
export async function signCms(
  data: Uint8Array,
  identity: ServerIdentity,
  signingTime: Date,
  crypto: Crypto | undefined,
): Promise<Bytes> {
  const leaf = AsnConvert.parse(identity.certificate.rawData, Certificate);
  const digest = hash('SHA-256', data);

  // DER encodes a SET OF in ascending order of the encodings (X.690 section 11.6).
  const attributes = [
    new Attribute({ attrType: id_contentType, attrValues: [buffer(ID_DATA_VALUE)] }),
    new Attribute({
      attrType: id_signingTime,
      attrValues: [AsnConvert.serialize(new Time(signingTime))],
    }),
    new Attribute({ attrType: id_messageDigest, attrValues: [buffer(messageDigestValue(digest))] }),
  ]
    .map((a) => ({ a, der: new Uint8Array(AsnConvert.serialize(a)) }))
    .sort((x, y) => compareBytes(x.der, y.der));

  const chain = identity.chain.length > 0 ? identity.chain : [identity.certificate];
  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: leaf.tbsCertificate.issuer,
        serialNumber: leaf.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: new DigestAlgorithmIdentifier({ algorithm: OID_SHA256 }),
    signedAttrs: attributes.map(({ a }) => a),
    signatureAlgorithm: new SignatureAlgorithmIdentifier({
      algorithm: OID_RSA_ENCRYPTION,
      parameters: null,
    }),
    signature: new OctetString(0),
  });
  // RFC 5652 section 5.4: the signature covers the attributes re-tagged as a SET OF.
  signerInfo.signature = new OctetString(
    await signWithIdentity(identity, signedAttributesToBeSigned(signerInfo.signedAttrs!), crypto),
  );
  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([
      new DigestAlgorithmIdentifier({ algorithm: OID_SHA256 }),
    ]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(
      chain.map(
        (c) => new CertificateChoices({ certificate: AsnConvert.parse(c.rawData, Certificate) }),
      ),
    ),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const contentInfo = new ContentInfo({
    contentType: id_signedData,
    content: AsnConvert.serialize(signedData),
  });
  return new Uint8Array(AsnConvert.serialize(contentInfo));
}

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
