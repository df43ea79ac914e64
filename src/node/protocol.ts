/**
 * This library's client-manager distribution protocol (see `docs/protocol.md`): paths, the
 * signed policy index and its parser. SEPM's own wire protocol is not public; only the health
 * check path `/secars/secars.dll?hello,secars` and the `secars`/`secreg` names come from it.
 *
 * Shared by the manager (which builds) and the client (which parses hostile bytes).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ManagerError } from '../errors.js';

/** Health check used by admins; answers `OK` (docs/protocol.md §2.1). */
export const PATH_HELLO = '/secars/secars.dll?hello,secars';
/** Registration: `POST` a JSON body, get a client id (docs/protocol.md §2.2). */
export const PATH_REGISTER = '/secreg/register';
/** The signed index of published policies (docs/protocol.md §2.3). */
export const PATH_INDEX = '/secars/index';
/**
 * Endorsements of the current certificate by the previous one, during a certificate change
 * (docs/protocol.md §2.5): a JSON list, empty when there are none.
 */
export const PATH_ENDORSEMENTS = '/secars/endorsements';
/** Prefix of sealed policy downloads; the name follows, percent-encoded (docs/protocol.md §2.4). */
export const PATH_POLICY_PREFIX = '/secars/policies/';

/** Index document format tag (docs/protocol.md §3). */
export const INDEX_FORMAT = 'sepm-crypto.index';
/** Signed-index envelope format tag (docs/protocol.md §3). */
export const SIGNED_INDEX_FORMAT = 'sepm-crypto.signed-index';
/** The protocol version this library speaks. */
export const PROTOCOL_VERSION = 1;

/** Largest signed-index response a client accepts. */
export const MAX_INDEX_BYTES = 1024 * 1024;
/** Most policies one index may list. */
export const MAX_INDEX_ENTRIES = 1000;
/** Longest policy name, in UTF-16 code units. */
export const MAX_POLICY_NAME = 128;

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

/** The envelope served at {@link PATH_INDEX}. */
export interface SignedIndexEnvelope {
  readonly format: typeof SIGNED_INDEX_FORMAT;
  readonly version: typeof PROTOCOL_VERSION;
  /** `'raw'` (RSASSA-PKCS1-v1_5/SHA-256) or `'cms'` (detached CMS SignedData). */
  readonly signatureFormat: 'raw' | 'cms';
  /** Base64 of the exact index bytes that were signed. */
  readonly index: string;
  /** Base64 of the signature over those bytes. */
  readonly signature: string;
}

// Control characters are exactly what this pattern exists to refuse.
// eslint-disable-next-line no-control-regex
const NAME_RE = /^[^\u0000-\u001f\u007f/\\]+$/u;

/**
 * Whether `name` is a valid policy name: 1..128 characters, no control characters, no slash or
 * backslash (names become URL path segments and, on clients, file names).
 */
export function isPolicyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length >= 1 &&
    name.length <= MAX_POLICY_NAME &&
    NAME_RE.test(name) &&
    name === name.trim()
  );
}

/** The request path of a policy download. */
export function policyPath(name: string): string {
  return PATH_POLICY_PREFIX + encodeURIComponent(name);
}

/** SHA-256 hex of `data`. */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The strong `ETag` of a sealed policy: its quoted SHA-256 hex. */
export function etagOf(sha256: string): string {
  return `"${sha256}"`;
}

/**
 * Whether an `If-None-Match` header value matches `etag` (RFC 9110 §13.1.2: weak comparison,
 * a comma-separated list, or `*`).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  for (const part of header.split(',')) {
    let tag = part.trim();
    if (tag.startsWith('W/')) tag = tag.slice(2);
    if (tag === etag) return true;
  }
  return false;
}

function protocolError(why: string, cause?: unknown): ManagerError {
  return new ManagerError('ERR_MANAGER_PROTOCOL', `manager response is malformed: ${why}`, {
    cause,
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
}

/**
 * Parses the signed-index envelope (untrusted bytes). Checks the shape only: the caller must
 * still verify `signature` over `index` before trusting anything inside.
 *
 * @throws {@link ManagerError} `ERR_MANAGER_PROTOCOL` for anything malformed.
 */
export function parseSignedIndexEnvelope(body: Uint8Array): {
  signatureFormat: 'raw' | 'cms';
  index: Uint8Array;
  signature: Uint8Array;
} {
  if (body.length > MAX_INDEX_BYTES) throw protocolError('index response too large');
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (e) {
    throw protocolError('index envelope is not UTF-8 JSON', e);
  }
  if (!isRecord(doc) || doc.format !== SIGNED_INDEX_FORMAT || doc.version !== PROTOCOL_VERSION) {
    throw protocolError('not a version 1 signed index envelope');
  }
  if (doc.signatureFormat !== 'raw' && doc.signatureFormat !== 'cms') {
    throw protocolError('unknown signature format');
  }
  const index = strictBase64(doc.index);
  const signature = strictBase64(doc.signature);
  if (index === undefined || signature === undefined || signature.length === 0) {
    throw protocolError('index or signature is not base64');
  }
  return { signatureFormat: doc.signatureFormat, index, signature };
}

function strictBase64(v: unknown): Uint8Array | undefined {
  if (
    typeof v !== 'string' ||
    !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v)
  ) {
    return undefined;
  }
  const b = Buffer.from(v, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Parses index bytes whose signature has already been verified. The signature makes the bytes
 * authentic, not well-formed, so the shape is still checked.
 *
 * @throws {@link ManagerError} `ERR_MANAGER_PROTOCOL` for anything malformed.
 */
export function parseIndex(bytes: Uint8Array): PolicyIndex {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw protocolError('index is not UTF-8 JSON', e);
  }
  if (!isRecord(doc) || doc.format !== INDEX_FORMAT || doc.version !== PROTOCOL_VERSION) {
    throw protocolError('not a version 1 index');
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
): Uint8Array {
  const env: SignedIndexEnvelope = {
    format: SIGNED_INDEX_FORMAT,
    version: PROTOCOL_VERSION,
    signatureFormat,
    index: Buffer.from(index).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
  };
  return new TextEncoder().encode(JSON.stringify(env));
}

/** Registration response body (docs/protocol.md §2.2). */
export interface RegistrationResponse {
  readonly clientId: string;
  readonly domainId: string;
}

/**
 * Parses a registration response (untrusted).
 *
 * @throws {@link ManagerError} `ERR_MANAGER_PROTOCOL` when malformed.
 */
export function parseRegistration(body: Uint8Array): RegistrationResponse {
  let doc: unknown;
  try {
    if (body.length > 64 * 1024) throw new Error('too large');
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (e) {
    throw protocolError('registration response is not UTF-8 JSON', e);
  }
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
