/**
 * The PKCS#12 key derivation function (RFC 7292 appendix B.2), used by the legacy
 * `pbeWithSHAAnd*` schemes (IDs 1 and 2: key and IV) and by the PFX MAC (ID 3) for every hash,
 * SHA-256 included: Java and OpenSSL key the HMAC with this KDF, not with PBKDF2.
 *
 * @module
 */
import type { Bytes } from '../../bytes.js';
import { iterateHash } from './iterated_hash.js';
import { digest, hashNamed } from '../../hashes.js';

/** Purpose byte `ID` of RFC 7292 appendix B.3. */
export type Pkcs12KdfPurpose = 1 | 2 | 3;

/** Hashes the KDF supports, with output size `u` and block size `v` (RFC 7292 appendix B.2). */
export const PKCS12_KDF_HASHES = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
} as const;

/** A hash name accepted by {@link pkcs12Kdf}. */
export type Pkcs12KdfHash = keyof typeof PKCS12_KDF_HASHES;

/** `data` repeated cyclically to `v * ceil(len / v)` bytes (step 2 and 3 of B.2). */
function stretch(data: Uint8Array, v: number): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(v * Math.ceil(data.length / v));
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length]!;
  return out;
}

/**
 * Derives `n` bytes with the PKCS#12 KDF.
 *
 * The caller has already checked `iterations` against its limit: this function runs exactly
 * `iterations` hash invocations per output block.
 *
 * @param hashName - the hash H.
 * @param password - the BMPString password bytes, terminator included (see `bmpPassword`).
 * @param salt - the salt S.
 * @param iterations - the iteration count c (>= 1).
 * @param purpose - the ID byte: 1 key, 2 IV, 3 MAC key.
 * @param n - the number of bytes wanted.
 */
export function pkcs12Kdf(
  hashName: Pkcs12KdfHash,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  purpose: Pkcs12KdfPurpose,
  n: number,
): Bytes {
  const { u, v } = PKCS12_KDF_HASHES[hashName];
  const D = new Uint8Array(v).fill(purpose);
  const S = stretch(salt, v);
  const P = stretch(password, v);
  const I = new Uint8Array(S.length + P.length);
  I.set(S, 0);
  I.set(P, S.length);
  const out = new Uint8Array(n);
  const DI = new Uint8Array(v + I.length);
  const B = new Uint8Array(v);
  for (let done = 0; done < n;) {
    DI.set(D, 0);
    DI.set(I, v);
    // Iterations 2..c hash a digest-sized value: iterateHash runs those in JavaScript.
    const A = iterateHash(hashName, digest(hashNamed(hashName), DI), iterations - 1);
    const take = Math.min(u, n - done);
    out.set(A.subarray(0, take), done);
    done += take;
    if (done >= n) break;
    // Step 6C: I_j = (I_j + B + 1) mod 2^(8v), big-endian, for every v-byte block I_j of I.
    for (let i = 0; i < v; i++) B[i] = A[i % u]!;
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >>> 8;
      }
    }
  }
  I.fill(0);
  DI.fill(0);
  return out;
}
