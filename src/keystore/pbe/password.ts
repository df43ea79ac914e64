/**
 * Password-to-bytes encodings. Each PBE layer encodes the same password differently, and mixing
 * them up is the most common PKCS#12 interoperability bug (docs/keystores.md, Format notes: "Passwords to bytes").
 *
 * @module
 */
import { utf8, type Bytes } from '../../bytes.js';

/**
 * The PKCS#12 KDF password: a BMPString, i.e. the UTF-16BE code units of the string (surrogate
 * pairs pass through unchanged, as Java's `char[]` does) followed by two zero bytes
 * (RFC 7292 appendix B.1). The empty password is therefore `00 00`, as Java and OpenSSL write it.
 */
export function bmpPassword(password: string): Bytes {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

/**
 * The PKCS#12 KDF passwords to try, in order. For the empty password Java retries with zero
 * bytes after `00 00` fails (docs/keystores.md, Format notes: "PKCS#12 KDF and MAC"); otherwise there is exactly one.
 */
export function bmpPasswordCandidates(password: string): Bytes[] {
  return password.length === 0 ? [bmpPassword(''), new Uint8Array(0)] : [bmpPassword(password)];
}

/** The PBKDF2 password (PBES2): UTF-8 without terminator (RFC 8018 §3 leaves it to the application; Java, OpenSSL and Node agree on UTF-8). */
export function pbkdf2Password(password: string): Bytes {
  return utf8(password);
}
