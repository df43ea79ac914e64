/**
 * Key-continuity endorsements (this library's protocol, docs/protocol.md §2.5 and §5.4): during a
 * certificate change the PREVIOUS server key signs a statement "this new certificate is the
 * site's", so a client whose sylink still lists only the previous certificate can trust the new
 * one without a new sylink. The statement authenticates itself (it is checked with a certificate
 * the client already trusts), so it may travel over any channel.
 *
 * SEPM itself has no such message (a SEPM client waits for the new sylink from a manager it
 * still trusts, KB 187099); this is the library's answer for single-manager sites.
 *
 * @module
 */
import type { ServerIdentity } from '../cert/types.js';
import { X509Certificate } from '../cert/x509.js';
import { certificateFingerprint } from '../cert/fingerprint.js';
import { certificateRuleViolations } from '../cert/check.js';
import { equalBytes, toBase64, toHex, utf8 } from '../bytes.js';
import { signForPurpose, verifyForPurpose } from '../policy/purpose_sign.js';
import { isRecord, malformedWith, parseJson, strictBase64 } from './decode.js';

/** Statement format tag (docs/protocol.md §2.5). */
export const ENDORSEMENT_FORMAT = 'sepm-crypto.endorsement';
/** Endorsement-list format tag, of `endorsements.json` and of the response body. */
export const ENDORSEMENT_LIST_FORMAT = 'sepm-crypto.endorsements';
/** The site file that keeps the endorsements while the previous certificate is listed. */
export const ENDORSEMENTS_FILE = 'endorsements.json';
/** Largest endorsement list a client or `loadSite` accepts, bytes. */
export const MAX_ENDORSEMENTS_BYTES = 64 * 1024;
/** Most endorsements one list may hold. */
export const MAX_ENDORSEMENTS = 16;
/** Default validity of an endorsement: 90 days from its issue (docs/protocol.md §2.5). */
export const DEFAULT_ENDORSEMENT_VALIDITY_MS = 90 * 24 * 3600 * 1000;
/** Longest validity a client accepts: 365 days. */
export const MAX_ENDORSEMENT_VALIDITY_MS = 365 * 24 * 3600 * 1000;
/** Clock skew tolerated before an endorsement's issue time: 5 minutes. */
export const ENDORSEMENT_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** One endorsement as stored and served: the exact statement bytes and the raw signature. */
export interface SignedEndorsement {
  /** UTF-8 JSON of {@link EndorsementStatement}: the bytes that were signed. */
  readonly statement: Uint8Array;
  /**
   * RSASSA-PKCS1-v1_5 / SHA-256 signature (RFC 8017 §8.2) by the previous server key over the
   * endorsement context string, a NUL, then `statement` (docs/formats.md "Signature purposes").
   */
  readonly signature: Uint8Array;
}

/** The signed statement (docs/protocol.md §2.5). */
export interface EndorsementStatement {
  readonly format: typeof ENDORSEMENT_FORMAT;
  readonly version: 2;
  /** The site's domain id (32 upper-case hex): an endorsement is for one site only. */
  readonly domainId: string;
  /** Base64 of the endorsed (new) certificate's DER. */
  readonly certificate: string;
  /** SHA-256 (lower-case hex) of the endorsing (previous) certificate's DER. */
  readonly previousSha256: string;
  /** When the endorsement was made (ISO 8601, UTC); valid from then (less 5 minutes of skew). */
  readonly issuedAt: string;
  /** When it stops being valid (ISO 8601, UTC); at most 365 days after `issuedAt`. */
  readonly expiresAt: string;
}

/** A checked endorsement. */
export interface VerifiedEndorsement {
  /** The endorsed (new) certificate. */
  readonly certificate: X509Certificate;
  /** The trusted certificate whose key signed the statement. */
  readonly endorsedBy: X509Certificate;
  readonly issuedAt: string;
  readonly expiresAt: string;
}

// SHA-256 of the certificate's DER, lower-case hex (the statement's `previousSha256`).
function sha256Of(cert: X509Certificate): string {
  return toHex(certificateFingerprint(cert)).toLowerCase();
}

const protocolError = malformedWith('endorsement refused: ');

/**
 * Makes the endorsement of `certificate` by `previous` (the identity being replaced) for the site
 * `domainId`: the version 2 statement of docs/protocol.md §2.5, valid from `now` for
 * `validityMs` (default 90 days, at most 365), signed for the endorsement purpose.
 */
export async function createEndorsement(
  certificate: X509Certificate,
  previous: ServerIdentity,
  domainId: string,
  now: Date = new Date(),
  validityMs: number = DEFAULT_ENDORSEMENT_VALIDITY_MS,
): Promise<SignedEndorsement> {
  if (!(certificate instanceof X509Certificate))
    throw new TypeError('"certificate" expected an X509Certificate');
  if (typeof domainId !== 'string' || !/^[0-9A-F]{32}$/.test(domainId))
    throw new TypeError('"domainId" expected 32 upper-case hex digits');
  if (
    !Number.isSafeInteger(validityMs) ||
    validityMs < 1 ||
    validityMs > MAX_ENDORSEMENT_VALIDITY_MS
  )
    throw new RangeError('"validityMs" expected 1 ms to 365 days');
  const doc: EndorsementStatement = {
    format: ENDORSEMENT_FORMAT,
    version: 2,
    domainId,
    certificate: toBase64(new Uint8Array(certificate.rawData)),
    previousSha256: sha256Of(previous.certificate),
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + validityMs).toISOString(),
  };
  const statement = utf8(JSON.stringify(doc));
  const signature = await signForPurpose('endorsement', statement, previous, 'raw');
  return { statement, signature };
}

/** Serialises an endorsement list (the `endorsements.json` file and the response body). */
export function encodeEndorsements(list: readonly SignedEndorsement[]): Uint8Array {
  return utf8(
    JSON.stringify({
      format: ENDORSEMENT_LIST_FORMAT,
      version: 1,
      endorsements: list.map((e) => ({
        statement: toBase64(e.statement),
        signature: toBase64(e.signature),
      })),
    }),
  );
}

/**
 * Parses an endorsement list (untrusted bytes): shape and bounds only ({@link MAX_ENDORSEMENTS_BYTES},
 * {@link MAX_ENDORSEMENTS}); each entry must still pass {@link verifyEndorsement}.
 *
 * @throws {@link ProtocolError} `ERR_PROTOCOL_MALFORMED` for anything malformed or too large.
 */
export function parseEndorsements(body: Uint8Array): SignedEndorsement[] {
  if (body.length > MAX_ENDORSEMENTS_BYTES) throw protocolError('list too large');
  const doc = parseJson(body, 'list', protocolError);
  if (!isRecord(doc) || doc.format !== ENDORSEMENT_LIST_FORMAT || doc.version !== 1) {
    throw protocolError('not a version 1 endorsement list');
  }
  const list = doc.endorsements;
  if (!Array.isArray(list) || list.length > MAX_ENDORSEMENTS) throw protocolError('bad list');
  return list.map((e: unknown) => {
    if (!isRecord(e)) throw protocolError('bad entry');
    const statement = strictBase64(e.statement, MAX_ENDORSEMENTS_BYTES);
    const signature = strictBase64(e.signature, 2048);
    if (statement === undefined || signature === undefined || signature.length === 0) {
      throw protocolError('statement or signature is not base64');
    }
    return { statement, signature };
  });
}

/** Options of {@link verifyEndorsement}. */
export interface VerifyEndorsementOptions {
  /**
   * Judge the endorsement's window and the endorsed certificate's import rules at this time (a
   * client passes its clock). Without it only the signature and the statement are checked (a
   * site checks what it stores).
   */
  readonly now?: Date;
}

function windowOf(doc: Record<string, unknown>): { issued: number; expires: number } {
  const issued =
    typeof doc.issuedAt === 'string' && doc.issuedAt.length <= 64 ? Date.parse(doc.issuedAt) : NaN;
  const expires =
    typeof doc.expiresAt === 'string' && doc.expiresAt.length <= 64
      ? Date.parse(doc.expiresAt)
      : NaN;
  if (!Number.isFinite(issued) || !Number.isFinite(expires))
    throw protocolError('bad validity window');
  if (expires <= issued || expires - issued > MAX_ENDORSEMENT_VALIDITY_MS) {
    throw protocolError('validity window is empty or longer than 365 days');
  }
  return { issued, expires };
}

/**
 * Checks one endorsement: the signature is a raw RSASSA-PKCS1-v1_5 / SHA-256 signature for the
 * endorsement purpose by one of `trusted` over the statement, the statement is a well-formed
 * version 2 statement, names `domainId`, names the signing certificate as the previous one (its
 * SHA-256), and has a validity window of at most 365 days. With `options.now`, the window must
 * hold it (5 minutes of skew before `issuedAt`) and the endorsed certificate must pass the import
 * rules a certificate alone can be held to (RSA >= 2048 bits, RSA signature, within validity).
 * Signature first: nothing in the statement is looked at before it holds.
 *
 * @throws {@link ProtocolError} `ERR_PROTOCOL_MALFORMED` (cause: the PolicyError of a bad signature).
 */
export async function verifyEndorsement(
  endorsement: SignedEndorsement,
  trusted: readonly X509Certificate[],
  domainId: string,
  options: VerifyEndorsementOptions = {},
): Promise<VerifiedEndorsement> {
  let signer: X509Certificate;
  try {
    const v = await verifyForPurpose(
      'endorsement',
      endorsement.statement,
      endorsement.signature,
      trusted,
      { formats: ['raw'] },
    );
    signer = v.signer;
  } catch (e) {
    throw protocolError('not signed by a trusted certificate', e);
  }
  const doc = parseJson(endorsement.statement, 'statement', protocolError);
  if (!isRecord(doc) || doc.format !== ENDORSEMENT_FORMAT || doc.version !== 2) {
    throw protocolError('not a version 2 statement');
  }
  if (doc.domainId !== domainId) throw protocolError('statement is for another domain');
  if (doc.previousSha256 !== sha256Of(signer)) {
    throw protocolError('statement does not name its signer as the previous certificate');
  }
  const { issued, expires } = windowOf(doc);
  const der = strictBase64(doc.certificate, MAX_ENDORSEMENTS_BYTES);
  if (der === undefined || der.length === 0) throw protocolError('bad certificate');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(new Uint8Array(der));
  } catch (e) {
    throw protocolError('certificate does not parse', e);
  }
  const now = options.now;
  if (now !== undefined) {
    const t = now.getTime();
    if (t < issued - ENDORSEMENT_CLOCK_SKEW_MS || t > expires) {
      throw protocolError('endorsement is outside its validity window');
    }
    // The import rules (checkServerIdentity) but the key match, which needs the private key:
    // the endorsing site checked that when it imported the certificate.
    const violations = certificateRuleViolations(certificate, now);
    if (violations.length > 0) {
      throw protocolError(
        `the endorsed certificate breaks the import rules: ${violations.map((v) => v.rule).join(', ')}`,
      );
    }
  }
  return {
    certificate,
    endorsedBy: signer,
    issuedAt: doc.issuedAt as string,
    expiresAt: doc.expiresAt as string,
  };
}

/**
 * Every certificate reachable from `trusted` through valid endorsements in `list` (A endorses B,
 * B endorses C: both), excluding the ones already trusted. Invalid entries are skipped.
 */
export async function endorsedCertificates(
  list: readonly SignedEndorsement[],
  trusted: readonly X509Certificate[],
  domainId: string,
  options: VerifyEndorsementOptions = {},
): Promise<VerifiedEndorsement[]> {
  const known = [...trusted];
  const found: VerifiedEndorsement[] = [];
  const pending = [...list].slice(0, MAX_ENDORSEMENTS);
  // Each round adopts at least one entry or stops: at most MAX_ENDORSEMENTS rounds.
  for (let progress = true; progress && pending.length > 0;) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      let v: VerifiedEndorsement;
      try {
        v = await verifyEndorsement(pending[i]!, known, domainId, options);
      } catch {
        continue;
      }
      pending.splice(i--, 1);
      progress = true;
      if (!known.some((k) => k.equal(v.certificate))) {
        known.push(v.certificate);
        found.push(v);
      }
    }
  }
  return found;
}

/** Whether `cert` is byte-for-byte the certificate `der`. */
export function isCertificate(cert: X509Certificate, der: Uint8Array): boolean {
  return equalBytes(new Uint8Array(cert.rawData), der);
}
