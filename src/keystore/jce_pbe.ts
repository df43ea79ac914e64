/**
 * Sun's proprietary PBEWithMD5AndTripleDES (OID 1.3.6.1.4.1.42.2.19.1), which protects private
 * keys and sealed secret keys in JCEKS files (docs/keystores.md, Format notes: "JCEKS"; OpenJDK
 * `com.sun.crypto.provider.PBES1Core` / `KeyProtector`).
 *
 * Legacy cryptography, kept for interoperability. For each half `h` of the 8-byte salt,
 * `X = MD5(S_h || P)` then `X = MD5(X || P)` another `c - 1` times; the two results give the
 * 24-byte DES-EDE3 key and the 8-byte CBC IV. When both halves are equal Java first rewrites the
 * first half: JDK 17.0.21+ reverses it, older JDKs had a typo that gave `dabd` for `abcd`; a
 * reader tries both.
 *
 * @module
 */
import { KeystoreError } from '../errors.js';
import { copyBytes, equalBytes, type Bytes } from '../bytes.js';
import { digest } from '../hashes.js';
import { DES_EDE3_CBC, cbcDecrypt, cbcEncrypt } from './pbe/cipher.js';
import {
  DerError,
  TAG,
  contents,
  expectTlv,
  expectWhole,
  readSmallUint,
  derUint,
  tlv,
} from './der.js';

/** DER of OID 1.3.6.1.4.1.42.2.19.1 (PBEWithMD5AndTripleDES), tag and length included. */
export const JCE_PBE_OID_DER: Uint8Array = Uint8Array.of(
  0x06,
  0x09,
  0x2b,
  0x06,
  0x01,
  0x04,
  0x01,
  0x2a,
  0x02,
  0x13,
  0x01,
);

/** `PBEParameter ::= SEQUENCE { salt OCTET STRING (8), iterationCount INTEGER }` (PKCS#5 v1.5 §8.1). */
export interface PbeParameter {
  readonly salt: Uint8Array;
  readonly iterations: number;
}

/**
 * Parses a DER `PBEParameter` and checks the iteration count against `maxIterations`, and
 * charges it to the file's `budget` when given, before any KDF runs.
 *
 * @throws {@link KeystoreError} `ERR_KEYSTORE_MALFORMED`, or `ERR_KEYSTORE_LIMIT_EXCEEDED` when
 * the count is above `maxIterations`.
 */
export function parsePbeParameter(
  der: Uint8Array,
  maxIterations: number,
  budget?: { remaining: number },
): PbeParameter {
  let salt: Uint8Array;
  let iterations: number;
  try {
    const seq = expectWhole(der, TAG.SEQUENCE);
    const s = expectTlv(der, seq.body, TAG.OCTET_STRING, seq.end);
    const it = expectTlv(der, s.end, TAG.INTEGER, seq.end);
    if (it.end !== seq.end) throw new DerError('extra fields in PBEParameter');
    salt = contents(der, s);
    if (salt.length !== 8)
      throw new DerError(`PBEWithMD5AndTripleDES salt is ${salt.length} bytes, not 8`);
    iterations = readSmallUint(der, it);
    if (iterations < 1) throw new DerError('iteration count is 0');
  } catch (e) {
    throw new KeystoreError('ERR_KEYSTORE_MALFORMED', 'JCEKS PBE parameters are malformed', {
      cause: e,
    });
  }
  if (iterations > maxIterations) {
    throw new KeystoreError(
      'ERR_KEYSTORE_LIMIT_EXCEEDED',
      `JCEKS iteration count ${iterations} is above maxIterations ${maxIterations}`,
    );
  }
  if (budget !== undefined) {
    if (iterations > budget.remaining) {
      throw new KeystoreError(
        'ERR_KEYSTORE_LIMIT_EXCEEDED',
        'JCEKS entries together need more KDF iterations than the file budget (64 x maxIterations)',
      );
    }
    budget.remaining -= iterations;
  }
  return { salt, iterations };
}

/** DER `PBEParameter` for a salt and count. */
export function encodePbeParameter(p: PbeParameter): Uint8Array {
  return tlv(TAG.SEQUENCE, tlv(TAG.OCTET_STRING, p.salt), derUint(p.iterations));
}

/**
 * The password bytes: one byte per character. JDK 17 accepts only printable ASCII here and
 * JDK 25 uses UTF-8, which agree on ASCII; UTF-8 lets us read files a JDK 25 wrote.
 */
function passwordBytes(password: string): Uint8Array {
  return new TextEncoder().encode(password);
}

/** The salt halves as the KDF sees them, for one of Java's two equal-halves rewrites. */
function saltHalves(salt: Uint8Array, variant: 'reverse' | 'legacy'): [Uint8Array, Uint8Array] {
  const s = copyBytes(salt);
  if (equalBytes(s.subarray(0, 4), s.subarray(4, 8))) {
    if (variant === 'reverse') {
      s.set([salt[3]!, salt[2]!, salt[1]!, salt[0]!], 0);
    } else {
      // The pre-fix loop swapped salt[i] into salt[3-1] instead of salt[3-i]: abcd -> dabd.
      s.set([salt[3]!, salt[0]!, salt[1]!, salt[3]!], 0);
    }
  }
  return [s.subarray(0, 4), s.subarray(4, 8)];
}

function deriveKeyIv(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  variant: 'reverse' | 'legacy',
): Bytes {
  const out = new Uint8Array(32);
  const halves = saltHalves(salt, variant);
  const buf = new Uint8Array(16 + password.length);
  buf.set(password, 16);
  for (let h = 0; h < 2; h++) {
    let x = digest('MD5', halves[h]!, password);
    for (let i = 1; i < iterations; i++) {
      buf.set(x, 0);
      x = digest('MD5', buf);
    }
    out.set(x, 16 * h);
  }
  return out;
}

/** True when the two salt halves are equal, so two derivations are possible. */
function hasEqualHalves(salt: Uint8Array): boolean {
  return equalBytes(salt.subarray(0, 4), salt.subarray(4, 8));
}

/**
 * Decrypts PBEWithMD5AndTripleDES data and hands the plaintext to `accept`, which returns
 * `undefined` to reject it (not the expected structure: there is no check value, so that is how
 * a wrong password shows when the padding happens to be valid); with equal salt halves the
 * legacy derivation is tried when the first fails.
 *
 * @throws {@link KeystoreError} `ERR_KEYSTORE_KEY_UNRECOVERABLE` (fixed message) when no
 * derivation gives valid padding and an accepted plaintext.
 */
export function jcePbeDecrypt<T>(
  data: Uint8Array,
  password: string,
  params: PbeParameter,
  accept: (plaintext: Bytes) => T | undefined,
): T {
  const pw = passwordBytes(password);
  const variants: ('reverse' | 'legacy')[] = hasEqualHalves(params.salt)
    ? ['reverse', 'legacy']
    : ['reverse'];
  let cause: unknown;
  if (data.length === 0 || data.length % 8 !== 0) {
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      'JCEKS ciphertext is not a multiple of the 8-byte DES block',
    );
  }
  for (const variant of variants) {
    const kiv = deriveKeyIv(pw, params.salt, params.iterations, variant);
    let plain: Bytes | undefined;
    try {
      plain = cbcDecrypt(DES_EDE3_CBC, kiv.subarray(0, 24), kiv.subarray(24, 32), data);
    } finally {
      kiv.fill(0);
    }
    if (plain === undefined) {
      // Bad PKCS#5 padding: a wrong password (or the other equal-halves derivation).
      cause = new Error('bad padding');
      continue;
    }
    // `accept` may throw for a plaintext that is valid but unsupported; that error propagates.
    const result = accept(plain);
    if (result !== undefined) return result;
    plain.fill(0);
  }
  throw new KeystoreError('ERR_KEYSTORE_KEY_UNRECOVERABLE', undefined, { cause });
}

/**
 * Encrypts with PBEWithMD5AndTripleDES (used by tests and writers). Refuses a salt with equal
 * halves, as current JDKs do, since readers disagree on how to derive from it.
 */
export function jcePbeEncrypt(data: Uint8Array, password: string, params: PbeParameter): Bytes {
  if (params.salt.length !== 8 || hasEqualHalves(params.salt)) {
    throw new RangeError('"salt" expected 8 bytes whose halves differ');
  }
  const kiv = deriveKeyIv(passwordBytes(password), params.salt, params.iterations, 'reverse');
  const out = cbcEncrypt(DES_EDE3_CBC, kiv.subarray(0, 24), kiv.subarray(24, 32), data);
  kiv.fill(0);
  return out;
}
