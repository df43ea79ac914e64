/**
 * One signature, one purpose (docs/formats.md "Signature purposes"). Every signature this library
 * makes for a format of its own (the signed index, an endorsement, a sealed policy) covers a
 * context-prefixed message: a fixed, versioned ASCII context string naming the purpose, a NUL,
 * then the bytes, as SSH signatures (PROTOCOL.sshsig "SSHSIG" preamble) and TLS 1.3
 * CertificateVerify (RFC 8446 §4.4.3: a context string and a zero byte) do. No context is a
 * prefix of another, so a signature made for one purpose never verifies as another.
 *
 * Policy signatures (`signPolicy` raw or CMS) stay what OpenSSL makes over the bare file, so
 * instead `signPolicy` and `verifyPolicy` refuse data that is shaped like the signed input of
 * another purpose: {@link reservedShape}.
 *
 * @module
 */
import { concatBytes, utf8, type Bytes } from '../bytes.js';

/**
 * The purposes of this library's own signed formats: the index clients verify, an endorsement
 * statement, a sealed policy, and the index signature replicating managers verify (a separate
 * signature over the same index bytes, so that neither stands in for the other).
 */
export type SignaturePurpose = 'signed-index' | 'endorsement' | 'sealed-policy' | 'replication';

/** What every context string starts with; policy data starting with it is refused. */
export const SIGNATURE_CONTEXT_PREFIX = 'sepm-crypto signature ';

/**
 * The context string of a purpose (version 2 of the formats that carry one):
 * `sepm-crypto signature v2 <purpose>` followed by one NUL byte.
 */
export function signatureContext(purpose: SignaturePurpose): Bytes {
  return utf8(`${SIGNATURE_CONTEXT_PREFIX}v2 ${purpose}\0`);
}

/** The message a signature of `purpose` over `data` covers: context ‖ data. */
export function contextMessage(purpose: SignaturePurpose, data: Uint8Array): Bytes {
  return concatBytes(signatureContext(purpose), data);
}

const RESERVED = utf8(SIGNATURE_CONTEXT_PREFIX);
// Magic of the sealed-policy container (docs/formats.md): its version 1 signed the bare bytes.
const SEALED_MAGIC = utf8('SPOL');
// Version 1 index documents and endorsement statements were signed bare: a policy that parses as
// one must not be signed as a policy, or an old client would take it for the real thing.
const V1_FORMAT_RE = /^sepm-crypto\./;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

// DER of the OID 1.2.840.113549.1.9.4 (messageDigest, RFC 5652 §11.2): every set of CMS signed
// attributes carries it, so bytes without it can never verify as signed attributes.
const MESSAGE_DIGEST_OID = Uint8Array.of(
  0x06,
  0x09,
  0x2a,
  0x86,
  0x48,
  0x86,
  0xf7,
  0x0d,
  0x01,
  0x09,
  0x04,
);

function contains(data: Uint8Array, part: Uint8Array): boolean {
  outer: for (let i = 0; i + part.length <= data.length; i++) {
    for (let j = 0; j < part.length; j++) if (data[i + j] !== part[j]) continue outer;
    return true;
  }
  return false;
}

// Whether `data` could be the DER of CMS signed attributes (what a CMS signature's RSA value
// covers, RFC 5652 §5.4): a SET OF (0x31) whose definite length covers exactly the rest, holding
// the messageDigest attribute type. Ordinary policy files (XML, text, even one starting with
// "1") are not.
function isSignedAttributesShape(data: Uint8Array): boolean {
  if (data.length < 2 || data[0] !== 0x31) return false;
  let len = data[1]!;
  let at = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || data.length < 2 + n) return false;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + data[2 + i]!;
    at = 2 + n;
  }
  return at + len === data.length && contains(data, MESSAGE_DIGEST_OID);
}

function isOwnJson(data: Uint8Array): boolean {
  let i = 0;
  // JSON white space (RFC 8259 §2) before the object.
  while (
    i < data.length &&
    (data[i] === 0x20 || data[i] === 0x09 || data[i] === 0x0a || data[i] === 0x0d)
  )
    i++;
  if (data[i] !== 0x7b) return false;
  try {
    const doc: unknown = JSON.parse(UTF8.decode(data));
    const format = (doc as { format?: unknown } | null)?.format;
    return typeof format === 'string' && V1_FORMAT_RE.test(format);
  } catch {
    return false;
  }
}

/**
 * Why `data` may not be signed or verified as a policy, or `undefined` when it may: it starts
 * with the reserved context prefix; or it is shaped like the DER of CMS signed attributes (a SET
 * OF, `0x31`, exactly as long as its length says, holding the messageDigest attribute type: what
 * a CMS signature covers, RFC 5652 §5.4, so a raw signature over such bytes would be a CMS
 * signature over some other policy); or it begins with the sealed-policy magic `SPOL`; or it is
 * a JSON object whose `format` names one of this library's protocol documents (`sepm-crypto.…`).
 */
export function reservedShape(data: Uint8Array): string | undefined {
  if (startsWith(data, RESERVED)) return 'it begins with the reserved signature context prefix';
  if (isSignedAttributesShape(data)) {
    return 'it is shaped like the DER of CMS signed attributes (what a CMS signature covers)';
  }
  if (startsWith(data, SEALED_MAGIC)) return 'it is shaped like a sealed policy (magic SPOL)';
  if (isOwnJson(data))
    return 'it is a sepm-crypto protocol document (JSON "format": "sepm-crypto.…")';
  return undefined;
}
