/**
 * How the CLI shows certificates, keystore entries and sylinks: one plain-data "view" per object
 * (printed as JSON with `--json`) and the human lines made from it. Secret values appear only in
 * views built with `showSecrets`.
 *
 * @module
 */
import { X509Certificate as NodeX509 } from 'node:crypto';
import { X509Certificate } from '../../cert/x509.js';
import { certificateFingerprint, formatFingerprint } from '../../cert/index.js';
import { table } from './io.js';

/** A certificate as the CLI shows it. */
export interface CertificateView {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly selfSigned: boolean;
  readonly publicKey: string;
  readonly signatureAlgorithm: string;
  readonly subjectAltNames: readonly string[];
  readonly sha256: string;
  readonly sha1: string;
}

/** The view of one certificate (DER or object). */
export function certificateView(cert: X509Certificate | Uint8Array): CertificateView {
  const der = cert instanceof Uint8Array ? cert : new Uint8Array(cert.rawData);
  const node = new NodeX509(der);
  const key = node.publicKey;
  const d = key.asymmetricKeyDetails ?? {};
  const keyText =
    key.asymmetricKeyType === 'rsa'
      ? `RSA ${d.modulusLength ?? '?'} bits`
      : key.asymmetricKeyType === 'ec'
        ? `EC ${d.namedCurve ?? '?'}`
        : (key.asymmetricKeyType ?? 'unknown');
  return {
    subject: oneLine(node.subject),
    issuer: oneLine(node.issuer),
    serialNumber: node.serialNumber.toUpperCase(),
    notBefore: new Date(node.validFrom).toISOString(),
    notAfter: new Date(node.validTo).toISOString(),
    // Not checkIssued: OpenSSL also wants keyCertSign there, which server certificates lack.
    selfSigned: node.subject === node.issuer && node.verify(key),
    publicKey: keyText,
    signatureAlgorithm: signatureAlgorithmOf(der),
    subjectAltNames: node.subjectAltName ? node.subjectAltName.split(', ') : [],
    sha256: formatFingerprint(certificateFingerprint(der, 'SHA-256')),
    sha1: formatFingerprint(certificateFingerprint(der, 'SHA-1')),
  };
}

// Node prints multi-valued names one attribute per line ("CN=a\nO=b").
function oneLine(name: string): string {
  return name.split('\n').join(', ');
}

// The certificate's signature algorithm as @peculiar/x509 names it, e.g. RSASSA-PKCS1-v1_5/SHA-256.
function signatureAlgorithmOf(der: Uint8Array): string {
  try {
    const alg = new X509Certificate(der.slice()).signatureAlgorithm as Algorithm & {
      hash?: Algorithm;
    };
    return alg.hash ? `${alg.name} with ${alg.hash.name}` : alg.name;
  } catch {
    return 'unknown';
  }
}

/** Human lines for one certificate. */
export function certificateLines(v: CertificateView, indent = ''): string[] {
  return table(
    [
      ['Subject', v.subject],
      ['Issuer', v.selfSigned ? `${v.issuer} (self-signed)` : v.issuer],
      ['Serial', v.serialNumber],
      ['Valid', `${v.notBefore} to ${v.notAfter}`],
      ['Public key', v.publicKey],
      ['Signature', v.signatureAlgorithm],
      ...(v.subjectAltNames.length ? ([['Alt names', v.subjectAltNames.join(', ')]] as const) : []),
      ['SHA-256', v.sha256],
      ['SHA-1', v.sha1],
    ],
    indent,
  );
}

/** Short identification of a signer: subject and SHA-256 fingerprint. */
export function signerText(cert: X509Certificate): string {
  const v = certificateView(cert);
  return `${v.subject} (SHA-256 ${v.sha256})`;
}
