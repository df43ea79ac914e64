/**
 * OpenSSL's legacy ("traditional") PEM encryption: RFC 1421 headers `Proc-Type: 4,ENCRYPTED`
 * and `DEK-Info: <cipher>,<hex IV>`, with the key derived by OpenSSL's `EVP_BytesToKey` using MD5,
 * one iteration and the first 8 bytes of the IV as salt (OpenSSL `PEM_do_header`). Read only.
 *
 * Legacy cryptography (one MD5 round is no password hardening at all): write keys as PBES2
 * `ENCRYPTED PRIVATE KEY` instead.
 *
 * @module
 */
import { PemError } from '../errors.js';
import { fromHex, utf8, type Bytes } from '../bytes.js';
import { digest } from '../hashes.js';
import {
  AES_128_CBC,
  AES_192_CBC,
  AES_256_CBC,
  DES_EDE3_CBC,
  cbcDecrypt,
  type CbcCipher,
} from './pbe/cipher.js';

/** The DEK-Info ciphers accepted: OpenSSL name -> cipher, key and IV sizes. */
const CIPHERS: Readonly<Record<string, { cbc: CbcCipher; keyLen: number; ivLen: number }>> = {
  'AES-128-CBC': { cbc: AES_128_CBC, keyLen: 16, ivLen: 16 },
  'AES-192-CBC': { cbc: AES_192_CBC, keyLen: 24, ivLen: 16 },
  'AES-256-CBC': { cbc: AES_256_CBC, keyLen: 32, ivLen: 16 },
  'DES-EDE3-CBC': { cbc: DES_EDE3_CBC, keyLen: 24, ivLen: 8 },
};

/** OpenSSL `EVP_BytesToKey(MD5, salt, password, count = 1)`: D_i = MD5(D_(i-1) || P || salt). */
function bytesToKey(password: Uint8Array, salt: Uint8Array, keyLen: number): Bytes {
  const out = new Uint8Array(keyLen);
  let prev: Uint8Array = new Uint8Array(0);
  for (let at = 0; at < keyLen; at += 16) {
    prev = digest('MD5', prev, password, salt);
    out.set(prev.subarray(0, Math.min(16, keyLen - at)), at);
  }
  return out;
}

/** True when the headers mark a legacy encrypted block. */
export function isLegacyEncrypted(headers: readonly (readonly [string, string])[]): boolean {
  return headers.length > 0;
}

/**
 * Decrypts a legacy encrypted PEM body, checking the headers strictly.
 *
 * @param accept - checks that the plaintext is the expected key structure; a wrong password
 *   that happens to give valid padding is caught there.
 * @throws {@link PemError} `ERR_PEM_MALFORMED` (headers), `ERR_PEM_UNSUPPORTED` (cipher),
 * `ERR_PEM_DECRYPT_FAILED` (no or wrong password, tampered data; fixed message for the latter).
 */
export function decryptLegacyPem(
  label: string,
  headers: readonly (readonly [string, string])[],
  data: Uint8Array,
  password: string | undefined,
  accept: (plain: Bytes) => boolean,
): Bytes {
  const get = (name: string): string | undefined =>
    headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  if (headers.length !== 2 || get('Proc-Type') === undefined || get('DEK-Info') === undefined) {
    throw new PemError(
      'ERR_PEM_MALFORMED',
      `PEM "${label}" headers must be exactly Proc-Type and DEK-Info`,
    );
  }
  if (get('Proc-Type')!.replace(/\s+/g, '') !== '4,ENCRYPTED') {
    throw new PemError(
      'ERR_PEM_UNSUPPORTED',
      `PEM "${label}" Proc-Type ${JSON.stringify(get('Proc-Type'))} is not supported`,
    );
  }
  const [cipherName = '', ivHex = '', ...rest] = get('DEK-Info')!
    .split(',')
    .map((s) => s.trim());
  const cipher = CIPHERS[cipherName.toUpperCase()];
  if (cipher === undefined) {
    throw new PemError(
      'ERR_PEM_UNSUPPORTED',
      `PEM DEK-Info cipher ${JSON.stringify(cipherName)} is not supported`,
    );
  }
  const iv = fromHex(ivHex);
  if (rest.length > 0 || iv === undefined || iv.length !== cipher.ivLen) {
    throw new PemError('ERR_PEM_MALFORMED', `PEM DEK-Info IV must be ${cipher.ivLen} bytes of hex`);
  }
  if (password === undefined) {
    throw new PemError(
      'ERR_PEM_DECRYPT_FAILED',
      `PEM "${label}" is encrypted and no password was given`,
    );
  }
  if (data.length === 0 || data.length % (cipher.ivLen === 8 ? 8 : 16) !== 0) {
    throw new PemError(
      'ERR_PEM_MALFORMED',
      `PEM "${label}" ciphertext is not a whole number of blocks`,
    );
  }
  const key = bytesToKey(utf8(password), iv.subarray(0, 8), cipher.keyLen);
  let plain: Bytes | undefined;
  try {
    plain = cbcDecrypt(cipher.cbc, key, iv, data);
  } finally {
    key.fill(0);
  }
  if (plain === undefined) throw new PemError('ERR_PEM_DECRYPT_FAILED');
  if (!accept(plain)) {
    plain.fill(0);
    throw new PemError('ERR_PEM_DECRYPT_FAILED');
  }
  return plain;
}
