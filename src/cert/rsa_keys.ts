/**
 * RSA keys for signing and verifying RSASSA-PKCS1-v1_5 (RFC 8017 §8.2), on WebCrypto, with keys
 * imported once per object and remembered (internal: not exported from the package).
 *
 * Verification never parses padding by hand: WebCrypto (OpenSSL in Node, BoringSSL in Chromium)
 * rebuilds the whole DigestInfo and compares it, so none of the Bleichenbacher-style forgeries
 * Wycheproof tests for get through (`test/policy/wycheproof.test.ts`, all 259 cases, both paths).
 *
 * On Node the same operations go to `node:crypto` `sign`/`verify` with cached `KeyObject`s
 * (`fast_path.ts`): a 2048-bit verify through WebCrypto's promise takes about twice as long.
 * PKCS #1 v1.5 signatures are deterministic, so both paths give the same bytes.
 *
 * The caches are `WeakMap`s keyed by the caller's own `CryptoKey` / certificate objects, so they
 * never keep a key alive on their own.
 *
 * @module
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { nodeCrypto, own, type NodeKey } from '../fast_path.js';
import type { Bytes } from '../bytes.js';
import type { X509Certificate } from './x509.js';

/** Digests usable with RSA signatures here (WebCrypto names). */
export type RsaDigest = 'SHA-256' | 'SHA-384' | 'SHA-512';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
/** Key type names for SubjectPublicKeyInfo algorithms (the names `node:crypto` reports). */
const KEY_TYPES: Readonly<Record<string, string>> = {
  [RSA_ENCRYPTION]: 'rsa',
  '1.2.840.113549.1.1.10': 'rsa-pss',
  '1.2.840.10045.2.1': 'ec',
  '1.2.840.10040.4.1': 'dsa',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.3.101.110': 'x25519',
  '1.3.101.111': 'x448',
};
const NODE_DIGEST: Record<RsaDigest, string> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};
/** `node:crypto` `constants.RSA_PKCS1_PADDING`. */
const RSA_PKCS1_PADDING = 1;

/** An RSA public key ready to verify PKCS #1 v1.5 signatures. */
export interface RsaPublicKey {
  /** Modulus length in bits. */
  readonly bits: number;
  /** Whether `signature` is a valid signature of `data` with `digest`; never throws. */
  verify(data: Uint8Array, signature: Uint8Array, digest?: RsaDigest): Promise<boolean>;
}

/** The key type of a SubjectPublicKeyInfo (`'rsa'`, `'ec'`, …), or `undefined` if unreadable. */
export function spkiKeyType(spki: Uint8Array | ArrayBuffer): string | undefined {
  try {
    const oid = AsnConvert.parse(spki, SubjectPublicKeyInfo).algorithm.algorithm;
    return KEY_TYPES[oid] ?? oid;
  } catch {
    return undefined;
  }
}

/** Bit length of a big-endian unsigned integer. */
function bitLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

class SpkiRsaKey implements RsaPublicKey {
  readonly #spki: Bytes;
  readonly #web = new Map<RsaDigest, Promise<CryptoKey | undefined>>();
  #node: NodeKey | null | undefined;

  constructor(
    spki: Bytes,
    readonly bits: number,
  ) {
    this.#spki = spki;
  }

  async verify(data: Uint8Array, signature: Uint8Array, digest: RsaDigest = 'SHA-256') {
    const node = nodeCrypto();
    if (node !== undefined) {
      if (this.#node === undefined) {
        try {
          this.#node = node.createPublicKey({ key: this.#spki, format: 'der', type: 'spki' });
        } catch {
          this.#node = null;
        }
      }
      if (this.#node === null) return false;
      try {
        const key = { key: this.#node, padding: RSA_PKCS1_PADDING };
        return node.verify(NODE_DIGEST[digest], data, key, signature);
      } catch {
        return false;
      }
    }
    let key = this.#web.get(digest);
    if (key === undefined) {
      key = globalThis.crypto.subtle
        .importKey('spki', this.#spki, { name: 'RSASSA-PKCS1-v1_5', hash: digest }, false, [
          'verify',
        ])
        .catch(() => undefined);
      this.#web.set(digest, key);
    }
    const k = await key;
    if (k === undefined) return false;
    try {
      return await globalThis.crypto.subtle.verify(
        'RSASSA-PKCS1-v1_5',
        k,
        signature as Uint8Array<ArrayBuffer>,
        data as Uint8Array<ArrayBuffer>,
      );
    } catch {
      return false;
    }
  }
}

/** The RSA key of a SubjectPublicKeyInfo, or `undefined` when it is not RSA or not readable. */
export function rsaKeyFromSpki(spki: Uint8Array | ArrayBuffer): RsaPublicKey | undefined {
  try {
    const info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
    if (info.algorithm.algorithm !== RSA_ENCRYPTION) return undefined;
    const rsa = AsnConvert.parse(info.subjectPublicKey, RSAPublicKey);
    const bits = bitLength(new Uint8Array(rsa.modulus));
    if (bits === 0) return undefined;
    return new SpkiRsaKey(own(new Uint8Array(spki)), bits);
  } catch {
    return undefined;
  }
}

const certificateKeys = new WeakMap<X509Certificate, RsaPublicKey | null>();

/** The RSA public key of a certificate (parsed once per object), or `undefined` if not RSA. */
export function certificateRsaKey(cert: X509Certificate): RsaPublicKey | undefined {
  let key = certificateKeys.get(cert);
  if (key === undefined) {
    key = rsaKeyFromSpki(cert.publicKey.rawData) ?? null;
    certificateKeys.set(cert, key);
  }
  return key ?? undefined;
}

const publicCryptoKeys = new WeakMap<CryptoKey, Promise<RsaPublicKey | undefined>>();

/** The RSA key behind a public `CryptoKey` (exported once as SPKI), or `undefined` if not RSA. */
export function cryptoKeyRsa(key: CryptoKey): Promise<RsaPublicKey | undefined> {
  let out = publicCryptoKeys.get(key);
  if (out === undefined) {
    out = globalThis.crypto.subtle.exportKey('spki', key).then(
      (spki) => rsaKeyFromSpki(spki),
      () => undefined,
    );
    publicCryptoKeys.set(key, out);
  }
  return out;
}

/** Why an identity key cannot sign RSASSA-PKCS1-v1_5 with SHA-256. */
export class UnsupportedSigningKey extends Error {
  override name = 'UnsupportedSigningKey';
}

type Signer = (data: Uint8Array) => Promise<Bytes>;
const signers = new WeakMap<CryptoKey, Signer>();

/**
 * A function signing with `key` (RSASSA-PKCS1-v1_5, SHA-256), made once per key. `provider` is
 * the WebCrypto implementation that owns the key (default `globalThis.crypto`).
 *
 * @throws {@link UnsupportedSigningKey} when the key is not RSA or cannot sign with SHA-256.
 */
export async function rsaSigner(key: CryptoKey, provider: Crypto | undefined): Promise<Signer> {
  const cached = signers.get(key);
  if (cached !== undefined) return cached;
  const signer = await makeSigner(key, provider ?? globalThis.crypto);
  signers.set(key, signer);
  return signer;
}

async function makeSigner(key: CryptoKey, provider: Crypto): Promise<Signer> {
  const node = nodeCrypto();
  let nodeKey: NodeKey | undefined;
  if (node !== undefined) {
    try {
      nodeKey = node.KeyObject.from(key); // Node's own keys, also non-extractable ones
    } catch {
      // A foreign provider's key (e.g. @peculiar/webcrypto): exported once if it allows it.
      if (key.extractable) {
        const pkcs8 = new Uint8Array(await provider.subtle.exportKey('pkcs8', key));
        nodeKey = node.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      }
    }
  }
  if (node !== undefined && nodeKey !== undefined) {
    if (nodeKey.asymmetricKeyType !== 'rsa') {
      throw new UnsupportedSigningKey(
        `identity key is ${String(nodeKey.asymmetricKeyType)}; policies are signed with RSA`,
      );
    }
    const k = { key: nodeKey, padding: RSA_PKCS1_PADDING };
    return async (data) => own(node.sign('sha256', data, k));
  }
  const alg = key.algorithm as Partial<RsaHashedKeyAlgorithm>;
  if (!alg.name?.startsWith('RSA')) {
    throw new UnsupportedSigningKey(
      `identity key is ${String(alg.name)}; policies are signed with RSA`,
    );
  }
  let signing = key;
  let owner = provider;
  const platform = globalThis.crypto;
  if (
    key.extractable &&
    (provider !== platform || alg.name !== 'RSASSA-PKCS1-v1_5' || alg.hash?.name !== 'SHA-256')
  ) {
    // Another provider's key (exported once, then signed by the platform, as on the Node path),
    // or another RSA algorithm or hash: the same key material, for PKCS #1 v1.5 with SHA-256.
    const pkcs8 = await provider.subtle.exportKey('pkcs8', key);
    signing = await platform.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    owner = platform;
  } else if (alg.name !== 'RSASSA-PKCS1-v1_5' || alg.hash?.name !== 'SHA-256') {
    throw new UnsupportedSigningKey(
      `identity key is ${String(alg.name)} with ${String(alg.hash?.name)}; policies are signed with RSASSA-PKCS1-v1_5/SHA-256`,
    );
  }
  return async (data) =>
    new Uint8Array(
      await owner.subtle.sign('RSASSA-PKCS1-v1_5', signing, data as Uint8Array<ArrayBuffer>),
    );
}
