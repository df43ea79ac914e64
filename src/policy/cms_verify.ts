/**
 * Verification of detached CMS SignedData policy signatures (RFC 5652 section 5.6) against a
 * caller-supplied list of trusted keys.
 *
 * Trust comes only from `trusted`: certificates carried inside the CMS are never used, not even
 * to find the key (a signature counts when a trusted key verifies it; the signer identifier only
 * decides which error a failure reports). Accepted algorithms: digest SHA-256/384/512; signature
 * rsaEncryption or sha{256,384,512}WithRSAEncryption (PKCS #1 v1.5, RFC 3370 / RFC 5754).
 *
 * @module
 */
import type { OctetString } from '@peculiar/asn1-schema';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, Time } from '@peculiar/asn1-x509';
import {
  ContentInfo,
  SignedData,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
  type SignerInfo,
} from '@peculiar/asn1-cms';
import { SubjectKeyIdentifierExtension, type X509Certificate } from '../cert/x509.js';
import { PolicyError } from '../errors.js';
import { equalBytes } from '../bytes.js';
import {
  DIGEST_OIDS,
  ID_DATA_VALUE,
  OID_RSA_ENCRYPTION,
  RSA_WITH_DIGEST_OIDS,
  messageDigestValue,
  signedAttributesToBeSigned,
} from './cms_common.js';
import { rsaVerify, type DigestName } from './rsa.js';
import { digest as hash } from '../hashes.js';
import type { RsaAnchor, TrustAnchor } from './trust.js';

/** Most SignerInfos one signature may carry (a policy has one signer; bounds the work). */
export const MAX_SIGNER_INFOS = 16;

// DER of the OID 1.2.840.113549.1.7.2 (id-signedData), which follows the outer SEQUENCE header.
const SIGNED_DATA_OID = Uint8Array.of(
  0x06,
  0x09,
  0x2a,
  0x86,
  0x48,
  0x86,
  0xf7,
  0x0d,
  0x01,
  0x07,
  0x02,
);

/**
 * Whether `signature` has the shape of a CMS ContentInfo holding SignedData: a SEQUENCE whose
 * first element is the id-signedData OID. A raw RSA signature has this shape with negligible
 * probability (11 fixed bytes at a fixed place).
 */
export function looksLikeCms(signature: Uint8Array): boolean {
  const header = derHeaderLength(signature);
  if (header === undefined || signature[0] !== 0x30) return false;
  const oid = signature.subarray(header.headerLength, header.headerLength + SIGNED_DATA_OID.length);
  return equalBytes(oid, SIGNED_DATA_OID);
}

/** The result of {@link verifyCms}. */
export interface CmsVerification<T extends TrustAnchor> {
  readonly anchor: RsaAnchor<T>;
  readonly signingTime: Date | undefined;
}

/**
 * Verifies a detached CMS signature over `data`.
 *
 * @throws {@link PolicyError} `ERR_POLICY_MALFORMED` (not DER SignedData, not detached id-data,
 *   bad attributes), `ERR_POLICY_UNSUPPORTED_ALGORITHM` (no signer uses RSA with SHA-2),
 *   `ERR_POLICY_SIGNATURE_INVALID` (the content digest differs, or the signer names a trusted
 *   certificate whose key does not verify), `ERR_POLICY_UNTRUSTED_SIGNER` (no trusted key verifies
 *   and the signer is none of them).
 */
export async function verifyCms<T extends TrustAnchor>(
  data: Uint8Array,
  signature: Uint8Array,
  anchors: readonly RsaAnchor<T>[],
  requireAttributes = false,
): Promise<CmsVerification<T>> {
  const signerInfos = parseSignedData(signature);
  const digests = new Map<DigestName, Uint8Array>();
  const digestOf = (name: DigestName): Uint8Array => {
    let d = digests.get(name);
    if (d === undefined) {
      d = hash(name, data);
      digests.set(name, d);
    }
    return d;
  };

  let supported = false;
  let invalid = false;
  for (const info of signerInfos) {
    const digest = algorithmsOf(info);
    if (digest === undefined) continue;
    supported = true;
    const sig = new Uint8Array(info.signature.buffer);
    let tbs: Uint8Array;
    let signingTime: Date | undefined;
    if (info.signedAttrs !== undefined) {
      const attrs = checkAttributes(info, digestOf(digest));
      if (!attrs.digestMatches) {
        invalid = true;
        continue;
      }
      signingTime = attrs.signingTime;
      try {
        // Re-encoding can fail on values the decoder let through (e.g. an OID that does not
        // re-encode): that is malformed input, not a crash.
        tbs = signedAttributesToBeSigned(info.signedAttrs);
      } catch (cause) {
        throw malformed('signed attributes cannot be re-encoded', cause);
      }
    } else if (requireAttributes) {
      // Without attributes the RSA signature covers the content itself, exactly as a raw
      // signature does: it serves the raw-policy purpose, which the caller does not accept.
      invalid = true;
      continue;
    } else {
      tbs = data; // RFC 5652 section 5.4: without attributes the signature covers the content
    }
    for (const anchor of anchors) {
      if (anchor.size === sig.length && (await rsaVerify(anchor.key, tbs, sig, digest))) {
        return { anchor, signingTime };
      }
    }
    if (namesTrustedCertificate(info, anchors)) invalid = true;
  }
  if (!supported) {
    throw new PolicyError(
      'ERR_POLICY_UNSUPPORTED_ALGORITHM',
      'CMS signer uses an algorithm other than RSA with SHA-2',
    );
  }
  if (invalid) throw new PolicyError('ERR_POLICY_SIGNATURE_INVALID');
  throw new PolicyError('ERR_POLICY_UNTRUSTED_SIGNER');
}

function malformed(message: string, cause?: unknown): PolicyError {
  return new PolicyError('ERR_POLICY_MALFORMED', `CMS signature is malformed: ${message}`, {
    cause,
  });
}

function parseSignedData(signature: Uint8Array): readonly SignerInfo[] {
  const header = derHeaderLength(signature);
  if (header === undefined || header.headerLength + header.contentLength !== signature.length) {
    throw malformed('not a single definite-length DER element');
  }
  let signedData: SignedData;
  try {
    const info = AsnConvert.parse(signature, ContentInfo);
    if (info.contentType !== id_signedData) throw malformed('content type is not signedData');
    signedData = AsnConvert.parse(info.content, SignedData);
  } catch (cause) {
    if (cause instanceof PolicyError) throw cause;
    throw malformed('cannot decode SignedData', cause);
  }
  if (signedData.encapContentInfo.eContentType !== id_data) {
    throw malformed('encapsulated content type is not id-data');
  }
  if (signedData.encapContentInfo.eContent !== undefined) {
    throw malformed('content is attached; a detached signature is expected');
  }
  const infos = signedData.signerInfos;
  if (infos.length === 0 || infos.length > MAX_SIGNER_INFOS) {
    throw malformed(`expected 1 to ${MAX_SIGNER_INFOS} signers, got ${infos.length}`);
  }
  return infos;
}

/** The digest of a supported SignerInfo, or `undefined` when its algorithms are not RSA + SHA-2. */
function algorithmsOf(info: SignerInfo): DigestName | undefined {
  const digest = DIGEST_OIDS[info.digestAlgorithm.algorithm];
  if (digest === undefined || !absentOrNull(info.digestAlgorithm.parameters)) return undefined;
  const sigOid = info.signatureAlgorithm.algorithm;
  if (sigOid !== OID_RSA_ENCRYPTION && RSA_WITH_DIGEST_OIDS[sigOid] !== digest) return undefined;
  if (!absentOrNull(info.signatureAlgorithm.parameters)) return undefined;
  return digest;
}

function absentOrNull(parameters: ArrayBuffer | null | undefined): boolean {
  if (parameters === undefined || parameters === null) return true;
  const p = new Uint8Array(parameters);
  return p.length === 2 && p[0] === 0x05 && p[1] === 0x00;
}

/**
 * RFC 5652 section 5.3 and 11: with signed attributes, exactly one contentType (equal to the
 * eContentType, id-data) and exactly one messageDigest must be present, each with one value.
 */
function checkAttributes(
  info: SignerInfo,
  digest: Uint8Array,
): { digestMatches: boolean; signingTime: Date | undefined } {
  const attrs = info.signedAttrs ?? [];
  const one = (oid: string): ArrayBuffer | undefined => {
    const found = attrs.filter((a) => a.attrType === oid);
    if (found.length > 1 || (found.length === 1 && found[0]!.attrValues.length !== 1)) {
      throw malformed(`attribute ${oid} must occur once with one value`);
    }
    return found[0]?.attrValues[0];
  };
  const contentType = one(id_contentType);
  if (contentType === undefined || !equalBytes(new Uint8Array(contentType), ID_DATA_VALUE)) {
    throw malformed('contentType attribute is missing or not id-data');
  }
  const md = one(id_messageDigest);
  if (md === undefined) throw malformed('messageDigest attribute is missing');
  const digestMatches = equalBytes(new Uint8Array(md), messageDigestValue(digest));
  const st = one(id_signingTime);
  let signingTime: Date | undefined;
  if (st !== undefined) {
    try {
      signingTime = AsnConvert.parse(st, Time).getTime();
    } catch (cause) {
      throw malformed('signingTime attribute is not a Time', cause);
    }
  }
  return { digestMatches, signingTime };
}

const parsedCerts = new WeakMap<
  X509Certificate,
  { issuer: Uint8Array; serial: Uint8Array; ski?: Uint8Array }
>();

function certIds(cert: X509Certificate): {
  issuer: Uint8Array;
  serial: Uint8Array;
  ski?: Uint8Array;
} {
  let ids = parsedCerts.get(cert);
  if (ids === undefined) {
    const tbs = AsnConvert.parse(cert.rawData, Certificate).tbsCertificate;
    const ski = cert.getExtension(SubjectKeyIdentifierExtension);
    ids = {
      issuer: new Uint8Array(AsnConvert.serialize(tbs.issuer)),
      serial: new Uint8Array(tbs.serialNumber),
      ...(ski !== null ? { ski: fromHexLoose(ski.keyId) } : {}),
    };
    parsedCerts.set(cert, ids);
  }
  return ids;
}

function fromHexLoose(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Whether the SignerInfo's identifier names one of the trusted certificates. */
function namesTrustedCertificate<T extends TrustAnchor>(
  info: SignerInfo,
  anchors: readonly RsaAnchor<T>[],
): boolean {
  const ias = info.sid.issuerAndSerialNumber;
  const ski = info.sid.subjectKeyIdentifier;
  for (const { certificate } of anchors) {
    if (certificate === undefined) continue;
    let ids;
    try {
      ids = certIds(certificate);
    } catch {
      continue;
    }
    if (ias !== undefined) {
      let issuer: Uint8Array;
      try {
        issuer = new Uint8Array(AsnConvert.serialize(ias.issuer));
      } catch (cause) {
        throw malformed('signer issuer name cannot be re-encoded', cause);
      }
      if (
        equalBytes(issuer, ids.issuer) &&
        equalBytes(new Uint8Array(ias.serialNumber), ids.serial)
      )
        return true;
    } else if (ski !== undefined && ids.ski !== undefined) {
      if (equalBytes(new Uint8Array((ski as OctetString).buffer), ids.ski)) return true;
    }
  }
  return false;
}

/** Header and content length of the DER element at the start of `bytes`, if well-formed. */
function derHeaderLength(
  bytes: Uint8Array,
): { headerLength: number; contentLength: number } | undefined {
  if (bytes.length < 2) return undefined;
  const first = bytes[1]!;
  if (first < 0x80) return { headerLength: 2, contentLength: first };
  const n = first & 0x7f;
  // 0x80 is BER's indefinite length (not DER); more than 4 length bytes cannot fit in memory.
  if (n === 0 || n > 4 || bytes.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + bytes[2 + i]!;
  return { headerLength: 2 + n, contentLength: len };
}
