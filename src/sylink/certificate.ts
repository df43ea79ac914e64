/**
 * The content of a `ServerCertList/Certificate` element (this library's assumption; the SEPM
 * element is not public): one X.509 certificate as base64 DER (RFC 4648 §4, white space
 * anywhere ignored), or as one PEM `CERTIFICATE` block (RFC 7468 §5). The builder writes base64
 * DER on one line.
 *
 * @module
 */
import { X509Certificate } from '../cert/x509.js';
import { fromBase64, toBase64 } from '../bytes.js';

const PEM = /^-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*)-----END CERTIFICATE-----$/;

/**
 * Decodes the element's text.
 *
 * @returns the certificate, or an `Error` saying what is wrong (the caller wraps it).
 */
export function decodeCertificateText(text: string): X509Certificate | Error {
  const trimmed = text.trim();
  const pem = PEM.exec(trimmed);
  const der = fromBase64(pem !== null ? pem[1]! : trimmed);
  if (der === undefined || der.length === 0) {
    return new Error(
      pem !== null
        ? 'PEM body is not valid base64'
        : 'content is neither base64 DER nor a PEM certificate',
    );
  }
  try {
    const cert = new X509Certificate(der);
    // The ASN.1 reader stops after the first value; trailing bytes would be ignored silently.
    if (cert.rawData.byteLength !== der.length)
      return new Error('trailing bytes after the certificate');
    return cert;
  } catch (cause) {
    return new Error('content is not an X.509 certificate', { cause });
  }
}

/** The text the builder writes: base64 of the DER, on one line. */
export function encodeCertificateText(certificate: X509Certificate): string {
  return toBase64(new Uint8Array(certificate.rawData));
}
