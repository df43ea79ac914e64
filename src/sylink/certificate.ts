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

/**
 * Decoded certificates by base64 DER, least recently used first. Decoding one takes about
 * 0.1 ms of ASN.1 work (most of the cost of parsing a sylink), while a client or manager reads
 * the same few certificates again at every reload. The key is the exact DER, only successfully
 * decoded certificates are kept, and a hit is used only while its bytes still equal the key, so
 * a hit returns what decoding would.
 */
const cache = new Map<string, X509Certificate>();
const CACHE_SIZE = 64;

/** Empties the decoded-certificate cache (for benchmarks of cold parses). @internal */
export function clearCertificateCache(): void {
  cache.clear();
}

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
  const key = toBase64(der);
  const cached = cache.get(key);
  // The instance is shared between parses: re-check its bytes (about 2 µs), so that a caller
  // who wrote into its `rawData` cannot change what later parses return.
  if (cached !== undefined && toBase64(new Uint8Array(cached.rawData)) === key) {
    // Refresh its place: the map's insertion order is the eviction order.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  // The ASN.1 reader stops after the first value and would ignore trailing bytes silently; a
  // certificate is exactly one DER SEQUENCE (RFC 5280 §4.1, X.690 §8.1).
  if (sequenceLength(der) !== der.length) {
    return new Error('content is not exactly one DER certificate');
  }
  try {
    const cert = new X509Certificate(der);
    cache.set(key, cert);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return cert;
  } catch (cause) {
    return new Error('content is not an X.509 certificate', { cause });
  }
}

/** The text the builder writes: base64 of the DER, on one line. */
export function encodeCertificateText(certificate: X509Certificate): string {
  return toBase64(new Uint8Array(certificate.rawData));
}

/** Total length of the DER SEQUENCE at the start of `der`, or -1 when it does not start with one. */
function sequenceLength(der: Uint8Array): number {
  if (der.length < 2 || der[0] !== 0x30) return -1;
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  // Definite long form of at most 4 length bytes (X.690 §8.1.3.5; DER forbids indefinite).
  if (n === 0 || n > 4 || der.length < 2 + n) return -1;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
  return 2 + n + len;
}
