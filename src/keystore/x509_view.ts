/**
 * Synchronous views of certificates and PKCS#8 keys for the keystore readers: names, public keys
 * (SubjectPublicKeyInfo), "did this certificate issue that one", signature checks, and the
 * conversion of traditional (PKCS#1 / SEC1) keys to PKCS#8.
 *
 * The readers are synchronous and WebCrypto is not, so the portable path is our own: the
 * structures are parsed with `@peculiar/asn1-*` (RFC 5280 `Certificate`, RFC 5208 / 5958
 * `PrivateKeyInfo`, RFC 8017 `RSAPrivateKey`, RFC 5915 `ECPrivateKey`), an RSA key's public half
 * is rebuilt from its modulus and exponent, an EC key's from its embedded `publicKey` field, and
 * RSASSA-PKCS1-v1_5 certificate signatures (RFC 8017 §8.2.2) are checked with `BigInt`
 * arithmetic by re-encoding the expected EMSA-PKCS1-v1_5 block and comparing it whole (no
 * padding parsing). On Node (`fast_path.ts`) OpenSSL does all of this instead, as before this
 * module existed. The portable path is narrower: ECDSA and RSA-PSS certificate signatures are not
 * checked there (a chain then stops at that certificate) and an EC key without an embedded public
 * key cannot be paired with its certificate.
 *
 * @module
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { ECPrivateKey, ECParameters } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { RSAPrivateKey, RSAPublicKey } from '@peculiar/asn1-rsa';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  Certificate,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  id_ce_authorityKeyIdentifier,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { copyBytes, equalBytes, toHex, type Bytes } from '../bytes.js';
import { digest, type HashName } from '../hashes.js';
import { nodeCrypto, type NodeCryptoSubset } from '../fast_path.js';

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
/** Named curves by OID, with the names OpenSSL (and so `node:crypto`) reports. */
const CURVE_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10045.3.1.7': 'prime256v1',
  '1.3.132.0.34': 'secp384r1',
  '1.3.132.0.35': 'secp521r1',
};
/** sha*WithRSAEncryption (RFC 8017 appendix C) and the DigestInfo prefix of each hash (§9.2). */
const RSA_SIGNATURES: Readonly<Record<string, { hash: HashName; prefix: string }>> = {
  '1.2.840.113549.1.1.5': { hash: 'SHA-1', prefix: '3021300906052b0e03021a05000414' },
  '1.2.840.113549.1.1.11': {
    hash: 'SHA-256',
    prefix: '3031300d060960864801650304020105000420',
  },
  '1.2.840.113549.1.1.12': {
    hash: 'SHA-384',
    prefix: '3041300d060960864801650304020205000430',
  },
  '1.2.840.113549.1.1.13': {
    hash: 'SHA-512',
    prefix: '3051300d060960864801650304020305000440',
  },
};

/** A parsed certificate, as the chain builders need it. */
export interface CertView {
  /** A key for the subject name: equal names give equal keys. */
  readonly subject: string;
  /** A key for the issuer name, comparable with {@link CertView.subject}. */
  readonly issuer: string;
  /** Hex of the SubjectPublicKeyInfo DER, or `undefined` when unreadable. */
  readonly spki: string | undefined;
  /** Whether `issuer` (by names and key identifiers) issued this certificate. */
  checkIssued(issuer: CertView): boolean;
  /** Whether `issuer`'s key verifies this certificate's signature. */
  verifiedBy(issuer: CertView): boolean;
}

/** A parsed PKCS#8 private key. */
export interface KeyView {
  /** `'rsa'`, `'ec'`, … (the names `node:crypto` reports), or `undefined`. */
  readonly type: string | undefined;
  /** OpenSSL name of an EC key's curve (`'prime256v1'`). */
  readonly namedCurve: string | undefined;
  /** Hex of the public half's SubjectPublicKeyInfo DER, or `undefined` when it cannot be had. */
  readonly spki: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Node: OpenSSL through node:crypto.

interface NodeX509 {
  readonly subject: string;
  readonly issuer: string;
  readonly publicKey: { export(o: { format: 'der'; type: 'spki' }): Uint8Array };
  checkIssued(other: NodeX509): boolean;
  verify(key: unknown): boolean;
}

function nodeCert(node: NodeCryptoSubset, der: Uint8Array): CertView {
  const Ctor = (node as unknown as { X509Certificate: new (der: Uint8Array) => NodeX509 })
    .X509Certificate;
  const x = new Ctor(der);
  let spki: string | undefined;
  try {
    spki = toHex(x.publicKey.export({ format: 'der', type: 'spki' }));
  } catch {
    spki = undefined;
  }
  const view = {
    subject: x.subject,
    issuer: x.issuer,
    spki,
    x,
    checkIssued(other: CertView): boolean {
      try {
        return x.checkIssued((other as typeof view).x);
      } catch {
        return false;
      }
    },
    verifiedBy(other: CertView): boolean {
      try {
        return x.verify((other as typeof view).x.publicKey);
      } catch {
        return false;
      }
    },
  };
  return view;
}

function nodeKey(node: NodeCryptoSubset, pkcs8: Uint8Array): KeyView {
  const key = node.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }) as {
    asymmetricKeyType?: string;
    asymmetricKeyDetails?: { namedCurve?: string };
  };
  let spki: string | undefined;
  try {
    spki = toHex(node.createPublicKey(key).export({ format: 'der', type: 'spki' }));
  } catch {
    spki = undefined;
  }
  return {
    type: key.asymmetricKeyType,
    namedCurve: key.asymmetricKeyDetails?.namedCurve,
    spki,
  };
}

// ---------------------------------------------------------------------------------------------
// Portable: asn1-schema and BigInt.

function extension<T>(cert: Certificate, id: string, type: new () => T): T | undefined {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id);
  if (ext === undefined) return undefined;
  try {
    return AsnConvert.parse(ext.extnValue, type);
  } catch {
    return undefined;
  }
}

function bigFrom(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/** RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) by re-encoding EM and comparing it whole. */
function rsaPkcs1Verify(spki: SubjectPublicKeyInfo, oid: string, tbs: Uint8Array, sig: Uint8Array) {
  const alg = RSA_SIGNATURES[oid];
  if (alg === undefined || spki.algorithm.algorithm !== OID_RSA) return false;
  const key = AsnConvert.parse(spki.subjectPublicKey, RSAPublicKey);
  const n = bigFrom(new Uint8Array(key.modulus));
  const e = bigFrom(new Uint8Array(key.publicExponent));
  const k = (n.toString(16).length + 1) >> 1;
  if (sig.length !== k || n === 0n) return false;
  const s = bigFrom(sig);
  if (s >= n) return false;
  const em = modPow(s, e, n)
    .toString(16)
    .padStart(2 * k, '0');
  const t = alg.prefix + toHex(digest(alg.hash, tbs));
  const psLength = k - 3 - t.length / 2;
  if (psLength < 8) return false;
  return em === `0001${'ff'.repeat(psLength)}00${t}`;
}

function portableCert(der: Uint8Array): CertView {
  const cert = AsnConvert.parse(der, Certificate);
  const tbs = cert.tbsCertificate;
  const subject = toHex(new Uint8Array(AsnConvert.serialize(tbs.subject)));
  const issuer = toHex(new Uint8Array(AsnConvert.serialize(tbs.issuer)));
  let spki: string | undefined;
  try {
    spki = toHex(new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo)));
  } catch {
    spki = undefined;
  }
  const ski = extension(cert, id_ce_subjectKeyIdentifier, SubjectKeyIdentifier);
  const aki = extension(cert, id_ce_authorityKeyIdentifier, AuthorityKeyIdentifier);
  const view = {
    subject,
    issuer,
    spki,
    cert,
    ski: ski === undefined ? undefined : new Uint8Array(ski.buffer),
    checkIssued(other: CertView): boolean {
      const o = other as typeof view;
      if (o.subject !== issuer) return false;
      const akid = aki?.keyIdentifier;
      // RFC 5280 §4.2.1.1: when both identifiers are present they must agree.
      if (akid !== undefined && o.ski !== undefined) {
        return equalBytes(new Uint8Array(akid.buffer), o.ski);
      }
      return true;
    },
    verifiedBy(other: CertView): boolean {
      const o = other as typeof view;
      try {
        const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
        return rsaPkcs1Verify(
          o.cert.tbsCertificate.subjectPublicKeyInfo,
          cert.signatureAlgorithm.algorithm,
          tbsDer,
          new Uint8Array(cert.signatureValue),
        );
      } catch {
        return false;
      }
    },
  };
  return view;
}

function spkiHex(algorithm: AlgorithmIdentifier, publicKey: ArrayBuffer): string {
  return toHex(
    new Uint8Array(
      AsnConvert.serialize(new SubjectPublicKeyInfo({ algorithm, subjectPublicKey: publicKey })),
    ),
  );
}

function portableKey(pkcs8: Uint8Array): KeyView {
  const info = AsnConvert.parse(pkcs8, PrivateKeyInfo);
  const oid = info.privateKeyAlgorithm.algorithm;
  const inner = new Uint8Array(info.privateKey.buffer);
  if (oid === OID_RSA) {
    const rsa = AsnConvert.parse(inner, RSAPrivateKey);
    const pub = AsnConvert.serialize(
      new RSAPublicKey({ modulus: rsa.modulus, publicExponent: rsa.publicExponent }),
    );
    return {
      type: 'rsa',
      namedCurve: undefined,
      spki: spkiHex(new AlgorithmIdentifier({ algorithm: OID_RSA, parameters: null }), pub),
    };
  }
  if (oid === OID_EC) {
    const ec = AsnConvert.parse(inner, ECPrivateKey);
    const params = info.privateKeyAlgorithm.parameters ?? ec.parameters;
    const curveOid =
      params instanceof ArrayBuffer
        ? AsnConvert.parse(params, ECParameters).namedCurve
        : params?.namedCurve;
    const curve = curveOid === undefined ? undefined : CURVE_NAMES[curveOid];
    const spki =
      ec.publicKey === undefined || curveOid === undefined
        ? undefined
        : spkiHex(
            new AlgorithmIdentifier({
              algorithm: OID_EC,
              parameters: AsnConvert.serialize(new ECParameters({ namedCurve: curveOid })),
            }),
            ec.publicKey,
          );
    return { type: 'ec', namedCurve: curve, spki };
  }
  return { type: undefined, namedCurve: undefined, spki: undefined };
}

// ---------------------------------------------------------------------------------------------

/** Parses a DER certificate; throws when it is not one (callers wrap the error). */
export function certView(der: Uint8Array): CertView {
  const node = nodeCrypto();
  return node !== undefined ? nodeCert(node, der) : portableCert(der);
}

/** Parses a PKCS#8 `PrivateKeyInfo`; throws when it is not one (callers wrap the error). */
export function keyView(pkcs8: Uint8Array): KeyView {
  const node = nodeCrypto();
  return node !== undefined ? nodeKey(node, pkcs8) : portableKey(pkcs8);
}

/**
 * Converts a traditional key (PKCS#1 `RSAPrivateKey`, RFC 8017 appendix A.1.2, or SEC1
 * `ECPrivateKey`, RFC 5915) to PKCS#8, or returns `undefined` when it is not one.
 */
export function traditionalToPkcs8(der: Uint8Array, type: 'pkcs1' | 'sec1'): Bytes | undefined {
  const node = nodeCrypto();
  try {
    if (node !== undefined) {
      const key = node.createPrivateKey({ key: der, format: 'der', type }) as {
        asymmetricKeyType?: string;
        export(o: { type: 'pkcs8'; format: 'der' }): Uint8Array;
      };
      if (type === 'pkcs1' && key.asymmetricKeyType !== 'rsa') return undefined;
      return copyBytes(key.export({ type: 'pkcs8', format: 'der' }));
    }
    if (type === 'pkcs1') {
      const rsa = AsnConvert.parse(der, RSAPrivateKey);
      return pkcs8Of(
        new AlgorithmIdentifier({ algorithm: OID_RSA, parameters: null }),
        AsnConvert.serialize(rsa),
      );
    }
    const ec = AsnConvert.parse(der, ECPrivateKey);
    const curveOid = ec.parameters?.namedCurve;
    if (curveOid === undefined) return undefined;
    // PKCS#8 carries the curve in the AlgorithmIdentifier; OpenSSL drops it from the inner key.
    const innerKey = new ECPrivateKey({ privateKey: ec.privateKey, publicKey: ec.publicKey });
    return pkcs8Of(
      new AlgorithmIdentifier({
        algorithm: OID_EC,
        parameters: AsnConvert.serialize(new ECParameters({ namedCurve: curveOid })),
      }),
      AsnConvert.serialize(innerKey),
    );
  } catch {
    return undefined;
  }
}

function pkcs8Of(algorithm: AlgorithmIdentifier, key: ArrayBuffer): Bytes {
  const info = new PrivateKeyInfo({
    privateKeyAlgorithm: algorithm,
    privateKey: new OctetString(key) as PrivateKeyInfo['privateKey'],
  });
  return new Uint8Array(AsnConvert.serialize(info));
}
