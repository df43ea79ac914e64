/**
 * Keystore format detection from the first bytes (docs/keystores.md, Format notes: "Format detection"): JKS and
 * JCEKS by their magic numbers, PKCS#12 by its outer `SEQUENCE { INTEGER 3, ...}` (RFC 7292 §4),
 * PEM by a `-----BEGIN ` line.
 *
 * @module
 */
import { abytes } from '../bytes.js';
import type { KeystoreFormat } from './model.js';

const PEM_BEGIN = new TextEncoder().encode('-----BEGIN ');

/** True when `bytes` contains `-----BEGIN ` within its first 64 KiB (text may precede it). */
function looksLikePem(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length, 65536) - PEM_BEGIN.length;
  outer: for (let i = 0; i <= limit; i++) {
    for (let k = 0; k < PEM_BEGIN.length; k++) if (bytes[i + k] !== PEM_BEGIN[k]) continue outer;
    return true;
  }
  return false;
}

/** True for `30 <len> 02 01 03`: a PFX SEQUENCE (DER or BER indefinite length) starting with version 3. */
function looksLikePkcs12(b: Uint8Array): boolean {
  if (b.length < 5 || b[0] !== 0x30) return false;
  let at = 2;
  const len = b[1]!;
  if (len > 0x84) return false;
  if (len > 0x80) at += len - 0x80;
  return b[at] === 0x02 && b[at + 1] === 0x01 && b[at + 2] === 0x03;
}

/**
 * Detects a keystore's format.
 *
 * @param bytes - the file.
 * @returns `'jks'`, `'jceks'`, `'pkcs12'`, `'pem'`, or `undefined` when none matches.
 *
 * @example
 * ```ts
 * detectKeystoreFormat(readFileSync('keystore.jks')); // 'jks'
 * ```
 */
export function detectKeystoreFormat(bytes: Uint8Array): KeystoreFormat | undefined {
  abytes(bytes, 'bytes');
  if (bytes.length >= 4) {
    const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    if (magic === 0xfeedfeed) return 'jks';
    if (magic === 0xcececece) return 'jceks';
  }
  if (looksLikePkcs12(bytes)) return 'pkcs12';
  if (looksLikePem(bytes)) return 'pem';
  return undefined;
}
