/**
 * The content envelope: authenticated encryption of content under the site key (Kcs).
 *
 * SEPM encrypts policies and content with Twofish under the site's pre-shared key; its own
 * envelope is not public, so this is **this library's format** (version 1), documented byte by
 * byte in `docs/formats.md` with a committed test vector:
 *
 * ```text
 * offset  size  field
 * 0       4     magic "SCE1" (53 43 45 31)
 * 4       1     version = 0x01
 * 5       1     suite = 0x01: Twofish-128-CBC (PKCS#7) + HMAC-SHA256, subkeys by HKDF-SHA256
 * 6       2     reserved = 00 00
 * 8       16    IV (random per message)
 * 24      n     ciphertext, n >= 16 and n % 16 == 0
 * 24+n    32    tag = HMAC-SHA256(macKey, bytes 0 .. 24+n)
 * ```
 *
 * Subkeys (RFC 5869, HKDF-SHA256, IKM = the 16 Kcs bytes, salt = "sepm-crypto/content"):
 * `encKey` = 16 bytes with info "v1 twofish-cbc key", `macKey` = 32 bytes with info
 * "v1 hmac-sha256 key". Encrypt-then-MAC: the tag covers header, IV and ciphertext and is
 * checked in constant time before any decryption. Every failure (length, magic, version, tag,
 * padding, wrong Kcs) is the one `ERR_CONTENT_DECRYPT_FAILED`, so nothing about the content or
 * the key leaks through the error.
 *
 * @module
 */
import { abytes, concatBytes, equalBytes, randomBytes, utf8, type Bytes } from './bytes.js';
import { ContentError } from './errors.js';
import { hkdf, hmac } from './hashes.js';
import { Kcs } from './kcs.js';
import { twofishCbc } from './twofish/index.js';

/** The envelope's magic bytes, "SCE1". */
export const CONTENT_MAGIC: Uint8Array = /* @__PURE__ */ utf8('SCE1');
/** The envelope version this library writes and reads. */
export const CONTENT_VERSION = 1;
/** Suite 1: Twofish-128-CBC with PKCS#7 + HMAC-SHA256, subkeys derived by HKDF-SHA256. */
export const CONTENT_SUITE_TWOFISH_CBC_HMAC_SHA256 = 1;

const HEADER_LENGTH = 8;
const IV_LENGTH = 16;
const TAG_LENGTH = 32;
const BLOCK = 16;
/** Smallest valid envelope: header, IV, one padded block, tag. */
const MIN_LENGTH = HEADER_LENGTH + IV_LENGTH + BLOCK + TAG_LENGTH;

const HKDF_SALT = utf8('sepm-crypto/content');
const ENC_INFO = utf8('v1 twofish-cbc key');
const MAC_INFO = utf8('v1 hmac-sha256 key');

interface Subkeys {
  readonly encKey: Bytes;
  readonly macKey: Bytes;
}

// Derive once per Kcs object; a WeakMap so a dropped Kcs takes its subkeys with it.
const subkeyCache = new WeakMap<Kcs, Subkeys>();

function subkeys(kcs: Kcs): Subkeys {
  let keys = subkeyCache.get(kcs);
  if (keys === undefined) {
    const ikm = kcs.bytes;
    keys = {
      encKey: hkdf('SHA-256', ikm, HKDF_SALT, ENC_INFO, 16),
      macKey: hkdf('SHA-256', ikm, HKDF_SALT, MAC_INFO, 32),
    };
    ikm.fill(0);
    subkeyCache.set(kcs, keys);
  }
  return keys;
}

function tag(macKey: Uint8Array, ...parts: Uint8Array[]): Bytes {
  return hmac('SHA-256', macKey, ...parts);
}

function header(): Bytes {
  const h = new Uint8Array(HEADER_LENGTH);
  h.set(CONTENT_MAGIC, 0);
  h[4] = CONTENT_VERSION;
  h[5] = CONTENT_SUITE_TWOFISH_CBC_HMAC_SHA256;
  return h;
}

function akcs(kcs: unknown): Kcs {
  if (!(kcs instanceof Kcs))
    throw new TypeError('"kcs" expected a Kcs (use Kcs.parse or Kcs.fromBytes)');
  return kcs;
}

/** Options of {@link encryptContent}. */
export interface EncryptContentOptions {
  /**
   * Source of the IV; defaults to the platform CSPRNG. Inject one only to reproduce a test
   * vector: a repeated IV under one Kcs reveals equal plaintext prefixes.
   */
  readonly randomBytes?: (length: number) => Uint8Array;
}

/**
 * Encrypts `data` under the site key into a version-1 content envelope (layout in the module
 * comment and `docs/formats.md`).
 *
 * @param data - the plaintext, any length (0 is allowed).
 * @param kcs - the site key.
 * @returns a fresh envelope of 8 + 16 + (padded length) + 32 bytes.
 * @throws TypeError when `data` is not a Uint8Array or `kcs` not a Kcs.
 *
 * @example Round trip
 * ```ts
 * const kcs = Kcs.generate();
 * const env = encryptContent(new TextEncoder().encode('policy'), kcs);
 * decryptContent(env, kcs); // the same bytes
 * ```
 */
export function encryptContent(
  data: Uint8Array,
  kcs: Kcs,
  options: EncryptContentOptions = {},
): Bytes {
  abytes(data, 'data');
  akcs(kcs);
  const iv = abytes(
    (options.randomBytes ?? randomBytes)(IV_LENGTH),
    'randomBytes() result',
    IV_LENGTH,
  );
  const { encKey, macKey } = subkeys(kcs);
  const ciphertext = twofishCbc(encKey, iv).encrypt(data);
  const head = header();
  return concatBytes(head, iv, ciphertext, tag(macKey, head, iv, ciphertext));
}

/**
 * Opens a content envelope made by {@link encryptContent}: checks the length, the header and the
 * HMAC-SHA256 tag (constant time), and only then decrypts.
 *
 * @param envelope - the envelope bytes (untrusted).
 * @param kcs - the site key.
 * @returns the plaintext.
 * @throws {@link ContentError} `ERR_CONTENT_DECRYPT_FAILED` for any bad envelope or wrong key
 *   (one fixed message for every cause).
 * @throws TypeError when `envelope` is not a Uint8Array or `kcs` not a Kcs.
 */
export function decryptContent(envelope: Uint8Array, kcs: Kcs): Bytes {
  abytes(envelope, 'envelope');
  akcs(kcs);
  const fail = (cause?: unknown): never => {
    throw new ContentError(
      'ERR_CONTENT_DECRYPT_FAILED',
      cause === undefined ? undefined : { cause },
    );
  };
  const n = envelope.length;
  if (n < MIN_LENGTH || (n - HEADER_LENGTH - IV_LENGTH - TAG_LENGTH) % BLOCK !== 0) return fail();
  const head = envelope.subarray(0, HEADER_LENGTH);
  if (!equalBytes(head, header())) return fail();
  const { encKey, macKey } = subkeys(kcs);
  const body = envelope.subarray(0, n - TAG_LENGTH);
  if (!equalBytes(tag(macKey, body), envelope.subarray(n - TAG_LENGTH))) return fail();
  const iv = envelope.subarray(HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH);
  try {
    return twofishCbc(encKey, iv).decrypt(
      envelope.subarray(HEADER_LENGTH + IV_LENGTH, n - TAG_LENGTH),
    ) as Bytes;
  } catch {
    // Unreachable with a genuine tag; kept so a padding failure can never surface differently.
    return fail();
  }
}
