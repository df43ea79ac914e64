/**
 * The signed policy index (docs/protocol.md §3) and the registration answer (§2.2): encoders the
 * manager uses and parsers the client runs over hostile bytes. Pure: no I/O, no Node APIs.
 *
 * @module
 */
import { toBase64 } from '../bytes.js';
import { PROTOCOL_VERSION, isPolicyName } from './paths.js';
import { isRecord, malformedWith, parseJson, strictBase64 } from './decode.js';

const protocolError = malformedWith('manager response is malformed: ');

/** Index document format tag (docs/protocol.md §3). */
export const INDEX_FORMAT = 'sepm-crypto.index';
/** Signed-index envelope format tag (docs/protocol.md §3). */
export const SIGNED_INDEX_FORMAT = 'sepm-crypto.signed-index';

/** Largest signed-index response a client accepts. */
export const MAX_INDEX_BYTES = 1024 * 1024;
/** Most policies one index may list. */
export const MAX_INDEX_ENTRIES = 1000;

/** One published policy as the index lists it. */
export interface IndexEntry {
  /** The policy name (1..128 characters, no control characters, no `/`). */
  readonly name: string;
  /** Per-name serial, 1 on the first publication, +1 on each re-publication. */
  readonly serial: number;
  /** SHA-256 of the sealed bytes, lower-case hex; also the download's `ETag` (quoted). */
  readonly sha256: string;
  /** Length of the sealed bytes. */
  readonly size: number;
}

/** The index document (the bytes the manager signs). */
export interface PolicyIndex {
  readonly format: typeof INDEX_FORMAT;
  readonly version: typeof PROTOCOL_VERSION;
  /** The site's domain id (32 upper-case hex); a client refuses an index of another site. */
  readonly domainId: string;
  /**
   * Index serial: `max(previous + 1, milliseconds since the epoch)` at issue, so it grows on every
   * change and across manager restarts; a client refuses a lower serial from the same manager.
   */
  readonly serial: number;
  /** When the manager issued this index (ISO 8601, UTC). */
  readonly issuedAt: string;
  /** Published policies, sorted by name. */
  readonly policies: readonly IndexEntry[];
}

/** The envelope served at `PATH_INDEX`. */
export interface SignedIndexEnvelope {
  readonly format: typeof SIGNED_INDEX_FORMAT;
  readonly version: typeof PROTOCOL_VERSION;
  /** `'raw'` (RSASSA-PKCS1-v1_5/SHA-256) or `'cms'` (detached CMS SignedData). */
  readonly signatureFormat: 'raw' | 'cms';
  /** Base64 of the exact index bytes that were signed. */
  readonly index: string;
  /** Base64 of the signature over those bytes. */
  readonly signature: string;
  /**
   * SHA-256 (lower-case hex) of the signing certificate's DER: a hint, not covered by the
   * signature, that lets a client tell "signed by a certificate I do not trust" from "bad
   * signature" (raw signatures do not name their key). Absent in envelopes of older managers.
   */
  readonly signer?: string;
  /**
   * Base64 of the replication signature (protocol version 2): raw RSASSA-PKCS1-v1_5 / SHA-256
   * by the same key over the `replication` context string, a NUL, then the index bytes
   * (docs/formats.md "Signature purposes"). Replicating managers check it; clients ignore it.
   */
  readonly replicationSignature?: string;
}

function isCount(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
}

/**
 * Parses the signed-index envelope (untrusted bytes). Checks the shape only: the caller must
 * still verify `signature` over `index` before trusting anything inside.
 *
 * @throws {@link ProtocolError} `ERR_PROTOCOL_MALFORMED` for anything malformed.
 */
export function parseSignedIndexEnvelope(body: Uint8Array): {
  signatureFormat: 'raw' | 'cms';
  index: Uint8Array;
  signature: Uint8Array;
  /** The envelope's `signer` hint, when present. */
  signer?: string;
  /** The replication signature, when present. */
  replicationSignature?: Uint8Array;
} {
  if (body.length > MAX_INDEX_BYTES) throw protocolError('index response too large');
  const doc = parseJson(body, 'index envelope', protocolError);
  if (!isRecord(doc) || doc.format !== SIGNED_INDEX_FORMAT || doc.version !== PROTOCOL_VERSION) {
    throw protocolError(`not a version ${PROTOCOL_VERSION} signed index envelope`);
  }
  if (doc.signatureFormat !== 'raw' && doc.signatureFormat !== 'cms') {
    throw protocolError('unknown signature format');
  }
  const index = strictBase64(doc.index);
  const signature = strictBase64(doc.signature);
  if (index === undefined || signature === undefined || signature.length === 0) {
    throw protocolError('index or signature is not base64');
  }
  if (
    doc.signer !== undefined &&
    (typeof doc.signer !== 'string' || !/^[0-9a-f]{64}$/.test(doc.signer))
  ) {
    throw protocolError('bad signer fingerprint');
  }
  const signer = doc.signer as string | undefined;
  let replicationSignature: Uint8Array | undefined;
  if (doc.replicationSignature !== undefined) {
    replicationSignature = strictBase64(doc.replicationSignature);
    if (replicationSignature === undefined || replicationSignature.length === 0) {
      throw protocolError('replication signature is not base64');
    }
  }
  return {
    signatureFormat: doc.signatureFormat,
    index,
    signature,
    ...(signer !== undefined ? { signer } : {}),
    ...(replicationSignature !== undefined ? { replicationSignature } : {}),
  };
}

/**
 * Parses index bytes whose signature has already been verified. The signature makes the bytes
 * authentic, not well-formed, so the shape is still checked.
 *
 * @throws {@link ProtocolError} `ERR_PROTOCOL_MALFORMED` for anything malformed.
 */
export function parseIndex(bytes: Uint8Array): PolicyIndex {
  const doc = parseJson(bytes, 'index', protocolError);
  if (!isRecord(doc) || doc.format !== INDEX_FORMAT || doc.version !== PROTOCOL_VERSION) {
    throw protocolError(`not a version ${PROTOCOL_VERSION} index`);
  }
  if (typeof doc.domainId !== 'string' || !/^[0-9A-F]{32}$/.test(doc.domainId)) {
    throw protocolError('bad domain id');
  }
  if (!isCount(doc.serial) || typeof doc.issuedAt !== 'string' || doc.issuedAt.length > 64) {
    throw protocolError('bad serial or issue time');
  }
  if (!Array.isArray(doc.policies) || doc.policies.length > MAX_INDEX_ENTRIES) {
    throw protocolError('bad policy list');
  }
  const seen = new Set<string>();
  const policies: IndexEntry[] = [];
  for (const p of doc.policies as unknown[]) {
    if (
      !isRecord(p) ||
      !isPolicyName(p.name) ||
      !isCount(p.serial) ||
      p.serial < 1 ||
      typeof p.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(p.sha256) ||
      !isCount(p.size)
    ) {
      throw protocolError('bad policy entry');
    }
    if (seen.has(p.name)) throw protocolError('duplicate policy name');
    seen.add(p.name);
    policies.push({ name: p.name, serial: p.serial, sha256: p.sha256, size: p.size });
  }
  return {
    format: INDEX_FORMAT,
    version: PROTOCOL_VERSION,
    domainId: doc.domainId,
    serial: doc.serial,
    issuedAt: doc.issuedAt,
    policies,
  };
}

/** Serialises an index document to the exact bytes that get signed. */
export function encodeIndex(index: PolicyIndex): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(index));
}

/** Serialises the signed-index envelope. */
export function encodeSignedIndexEnvelope(
  index: Uint8Array,
  signature: Uint8Array,
  signatureFormat: 'raw' | 'cms',
  signer?: string,
  replicationSignature?: Uint8Array,
): Uint8Array {
  const env: SignedIndexEnvelope = {
    format: SIGNED_INDEX_FORMAT,
    version: PROTOCOL_VERSION,
    signatureFormat,
    index: toBase64(index),
    signature: toBase64(signature),
    ...(signer !== undefined ? { signer } : {}),
    ...(replicationSignature !== undefined
      ? { replicationSignature: toBase64(replicationSignature) }
      : {}),
  };
  return new TextEncoder().encode(JSON.stringify(env));
}

/** Largest registration answer a client reads. */
export const MAX_REGISTRATION_BYTES = 64 * 1024;

/** Registration response body (docs/protocol.md §2.2). */
export interface RegistrationResponse {
  readonly clientId: string;
  readonly domainId: string;
}

/**
 * Parses a registration response (untrusted).
 *
 * @throws {@link ProtocolError} `ERR_PROTOCOL_MALFORMED` when malformed.
 */
export function parseRegistration(body: Uint8Array): RegistrationResponse {
  if (body.length > MAX_REGISTRATION_BYTES) throw protocolError('registration response too large');
  const doc = parseJson(body, 'registration response', protocolError);
  if (
    !isRecord(doc) ||
    typeof doc.clientId !== 'string' ||
    !/^[0-9A-F]{32}$/.test(doc.clientId) ||
    typeof doc.domainId !== 'string' ||
    !/^[0-9A-F]{32}$/.test(doc.domainId)
  ) {
    throw protocolError('bad registration response');
  }
  return { clientId: doc.clientId, domainId: doc.domainId };
}
