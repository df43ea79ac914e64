/**
 * Errors thrown by sepm-crypto.
 *
 * The model follows jose: one base class, {@link SepmError}, with a stable string `code`
 * (Node's `ERR_<AREA>_<CONDITION>` convention), and one subclass per family. Codes are part of
 * the public API: adding one is a feature, renaming one is a breaking change. The table of codes
 * is {@link ERROR_CODES}; `docs/errors.md` lists the same table and a test keeps them equal.
 *
 * Rules every thrower follows:
 * - bad untrusted input (files, network bytes, XML) -> a `SepmError` subclass, with the low-level
 *   error as `cause`;
 * - caller bugs (wrong type or length of an argument) -> a plain `TypeError` / `RangeError`;
 * - secret-dependent failures (wrong password, bad MAC, bad padding) -> one fixed message per
 *   family, so that the message is never an oracle; keys and plaintexts never appear in messages.
 *
 * When both the ESM and the CJS build are loaded in one process, `instanceof` may fail across
 * them (the dual-package hazard); {@link isSepmError} and `err.code` always work.
 *
 * @module
 */

// Default messages, one table per family. Each subclass reads only its own family's table, so a
// bundle that throws one family's errors (say, a program that only uses Twofish) does not carry
// every message of the library; ERROR_CODES joins them. Secret-dependent codes (marked "fixed
// message" in docs/errors.md) never take another message.
const TWOFISH_MESSAGES = {
  ERR_TWOFISH_DECRYPT_FAILED: 'decryption failed',
  ERR_TWOFISH_INPUT_LENGTH: 'input length is not a multiple of the 16-byte block size',
} as const;
const KCS_MESSAGES = {
  ERR_KCS_INVALID: 'Kcs must be exactly 32 hexadecimal digits',
} as const;
const CONTENT_MESSAGES = {
  ERR_CONTENT_DECRYPT_FAILED: 'content decryption failed',
} as const;
const KEYSTORE_MESSAGES = {
  ERR_KEYSTORE_MALFORMED: 'keystore is malformed',
  ERR_KEYSTORE_INTEGRITY: 'keystore was tampered with, or the password is incorrect',
  ERR_KEYSTORE_KEY_UNRECOVERABLE:
    'private key could not be recovered: wrong key password or tampered entry',
  ERR_KEYSTORE_UNSUPPORTED: 'keystore uses an unsupported format or algorithm',
  ERR_KEYSTORE_LIMIT_EXCEEDED: 'keystore exceeds a configured limit',
  ERR_KEYSTORE_ENTRY_NOT_FOUND: 'keystore has no matching entry',
  ERR_KEYSTORE_ALIAS_REQUIRED: 'keystore has several private-key entries: give an alias',
} as const;
const PEM_MESSAGES = {
  ERR_PEM_MALFORMED: 'PEM data is malformed',
  ERR_PEM_UNSUPPORTED: 'PEM block type or encryption is not supported',
  ERR_PEM_DECRYPT_FAILED: 'PEM key could not be decrypted: wrong password or tampered data',
  ERR_PEM_LIMIT_EXCEEDED: 'PEM data exceeds a configured limit',
} as const;
const CERT_MESSAGES = {
  ERR_CERT_MALFORMED: 'certificate is malformed',
  ERR_CERT_IMPORT_RULES: 'server identity violates the certificate import rules',
  ERR_CERT_KEY_MISMATCH: 'private key does not match the certificate',
} as const;
const POLICY_MESSAGES = {
  ERR_POLICY_SIGNATURE_INVALID: 'policy signature verification failed',
  ERR_POLICY_UNTRUSTED_SIGNER: 'policy was not signed by a trusted certificate',
  ERR_POLICY_UNSUPPORTED_ALGORITHM: 'policy signature uses an unsupported algorithm',
  ERR_POLICY_MALFORMED: 'policy signature or sealed policy is malformed',
  ERR_POLICY_DECRYPT_FAILED: 'policy decryption failed',
  ERR_POLICY_RESERVED_INPUT: 'data is shaped like the signed input of another signature purpose',
} as const;
const SYLINK_MESSAGES = {
  ERR_SYLINK_MALFORMED: 'sylink.xml is not well-formed XML',
  ERR_SYLINK_DTD_FORBIDDEN: 'sylink.xml contains a DOCTYPE or entity declaration, which is refused',
  ERR_SYLINK_LIMIT_EXCEEDED: 'sylink.xml exceeds a configured limit',
  ERR_SYLINK_ENCODING: 'sylink.xml has an invalid or contradictory character encoding',
  ERR_SYLINK_BAD_KCS: 'sylink.xml has an invalid Kcs',
  ERR_SYLINK_BAD_CERTIFICATE: 'sylink.xml has an invalid certificate',
  ERR_SYLINK_MISSING_ELEMENT: 'sylink.xml lacks a required element or attribute',
  ERR_SYLINK_INVALID_VALUE: 'sylink.xml has an attribute value of the wrong form',
  ERR_SYLINK_DUPLICATE_ELEMENT: 'sylink.xml has more than one of an element that may occur once',
} as const;
// protocol (this library's client/manager protocol codecs, src/protocol/)
const PROTOCOL_MESSAGES = {
  ERR_PROTOCOL_MALFORMED: 'protocol message is malformed',
} as const;
// manager (the Node facade)
const MANAGER_MESSAGES = {
  ERR_MANAGER_PORT_IN_USE: 'a manager port is already in use',
  ERR_MANAGER_SITE_EXISTS: 'a site already exists in this directory',
  ERR_MANAGER_SITE_INVALID: 'site files are missing, malformed or do not agree',
  ERR_MANAGER_PROTOCOL: 'the manager sent a malformed or unexpected response',
  ERR_MANAGER_UNREACHABLE: 'no manager in the sylink could be reached',
  ERR_MANAGER_CERTIFICATE_UNTRUSTED:
    'the manager presented a certificate that is not in the sylink',
  ERR_MANAGER_REQUEST_REJECTED: 'the request was rejected',
  ERR_MANAGER_ROLLBACK: 'the manager served an index or policy older than one already accepted',
  ERR_MANAGER_POLICY_REFUSED: 'the policy cannot be published: clients would refuse it',
  ERR_MANAGER_STATE_INVALID: 'saved client or manager state is malformed',
} as const;
type Messages = typeof TWOFISH_MESSAGES &
  typeof KCS_MESSAGES &
  typeof CONTENT_MESSAGES &
  typeof KEYSTORE_MESSAGES &
  typeof PEM_MESSAGES &
  typeof CERT_MESSAGES &
  typeof POLICY_MESSAGES &
  typeof SYLINK_MESSAGES &
  typeof PROTOCOL_MESSAGES &
  typeof MANAGER_MESSAGES;

/**
 * Every error code, with the default message used when a thrower gives none. Secret-dependent
 * codes (marked "fixed message") never take another message.
 */
export const ERROR_CODES: { readonly [K in keyof Messages]: Messages[K] } =
  /* @__PURE__ */ Object.assign(
    {},
    TWOFISH_MESSAGES,
    KCS_MESSAGES,
    CONTENT_MESSAGES,
    KEYSTORE_MESSAGES,
    PEM_MESSAGES,
    CERT_MESSAGES,
    POLICY_MESSAGES,
    SYLINK_MESSAGES,
    PROTOCOL_MESSAGES,
    MANAGER_MESSAGES,
  );

/** A stable error code, e.g. `'ERR_KEYSTORE_INTEGRITY'`. */
export type SepmErrorCode = keyof typeof ERROR_CODES;

type CodeOf<Prefix extends string> = Extract<SepmErrorCode, `ERR_${Prefix}_${string}`>;

/** Codes of {@link TwofishError}. */
export type TwofishErrorCode = CodeOf<'TWOFISH'>;
/** Codes of {@link KcsError}. */
export type KcsErrorCode = CodeOf<'KCS'>;
/** Codes of {@link ContentError}. */
export type ContentErrorCode = CodeOf<'CONTENT'>;
/** Codes of {@link KeystoreError}. */
export type KeystoreErrorCode = CodeOf<'KEYSTORE'>;
/** Codes of {@link PemError}. */
export type PemErrorCode = CodeOf<'PEM'>;
/** Codes of {@link CertificateError}. */
export type CertificateErrorCode = CodeOf<'CERT'>;
/** Codes of {@link PolicyError}. */
export type PolicyErrorCode = CodeOf<'POLICY'>;
/** Codes of {@link SylinkError}. */
export type SylinkErrorCode = CodeOf<'SYLINK'>;
/** Codes of {@link ProtocolError}. */
export type ProtocolErrorCode = CodeOf<'PROTOCOL'>;
/** Codes of {@link ManagerError}. */
export type ManagerErrorCode = CodeOf<'MANAGER'>;

/** Options every error accepts: the low-level error that caused it. */
export interface SepmErrorOptions {
  cause?: unknown;
}

// A registry-wide symbol, so that the ESM and the CJS copies of this module recognise each
// other's errors (instanceof cannot; see the module comment).
const BRAND: unique symbol = Symbol.for('sepm-crypto.SepmError') as never;

/**
 * Base class of every error this library throws for bad input.
 *
 * @example Check an error by code (works across the ESM and CJS builds)
 * ```ts
 * try { readKeystore(bytes, password) } catch (e) {
 *   if (isSepmError(e) && e.code === 'ERR_KEYSTORE_INTEGRITY') console.error('wrong password?')
 * }
 * ```
 */
export class SepmError extends Error {
  /** The stable code; see {@link ERROR_CODES}. */
  readonly code: SepmErrorCode;
  /** @internal */
  readonly [BRAND] = true;

  /**
   * @param code - the stable code.
   * @param message - a message without secrets. The subclasses default it to the code's entry in
   *   {@link ERROR_CODES}; this base class, which the library never throws itself, defaults it to
   *   the code (it does not hold the messages, so that a bundle carries only the families it uses).
   * @param options - `cause`: the low-level error.
   */
  constructor(code: SepmErrorCode, message?: string, options?: SepmErrorOptions) {
    super(message ?? code, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Twofish failures: bad PKCS#7 padding (one fixed message), input not a block multiple. */
export class TwofishError extends SepmError {
  declare readonly code: TwofishErrorCode;
  constructor(code: TwofishErrorCode, message?: string, options?: SepmErrorOptions) {
    super(code, message ?? TWOFISH_MESSAGES[code], options);
  }
}

/** Site key (Kcs) failures: malformed hex. */
export class KcsError extends SepmError {
  declare readonly code: KcsErrorCode;
  constructor(code: KcsErrorCode, message?: string, options?: SepmErrorOptions) {
    super(code, message ?? KCS_MESSAGES[code], options);
  }
}

/** Content envelope failures; always the one fixed message. */
export class ContentError extends SepmError {
  declare readonly code: ContentErrorCode;
  constructor(code: ContentErrorCode, options?: SepmErrorOptions) {
    super(code, CONTENT_MESSAGES[code], options);
  }
}

/** Keystore (JKS, JCEKS, PKCS#12) failures. */
export class KeystoreError extends SepmError {
  declare readonly code: KeystoreErrorCode;
  constructor(code: KeystoreErrorCode, message?: string, options?: SepmErrorOptions) {
    super(code, message ?? KEYSTORE_MESSAGES[code], options);
  }
}

/** PEM failures. */
export class PemError extends SepmError {
  declare readonly code: PemErrorCode;
  constructor(code: PemErrorCode, message?: string, options?: SepmErrorOptions) {
    super(code, message ?? PEM_MESSAGES[code], options);
  }
}

/** Certificate and server-identity failures; `violations` lists every broken import rule. */
export class CertificateError extends SepmError {
  declare readonly code: CertificateErrorCode;
  /** Each violated rule, in words (for `ERR_CERT_IMPORT_RULES`). */
  readonly violations: readonly string[];
  constructor(
    code: CertificateErrorCode,
    message?: string,
    options?: SepmErrorOptions & { violations?: readonly string[] },
  ) {
    super(code, message ?? CERT_MESSAGES[code], options);
    this.violations = options?.violations ?? [];
  }
}

/** Policy signature and sealed-policy failures. */
export class PolicyError extends SepmError {
  declare readonly code: PolicyErrorCode;
  constructor(code: PolicyErrorCode, message?: string, options?: SepmErrorOptions) {
    super(code, message ?? POLICY_MESSAGES[code], options);
  }
}

/** sylink.xml failures, with the 1-based line and column where the parser stopped, if known. */
export class SylinkError extends SepmError {
  declare readonly code: SylinkErrorCode;
  /** 1-based line of the offending input, when known. */
  readonly line: number | undefined;
  /** 1-based column of the offending input, when known. */
  readonly column: number | undefined;
  constructor(
    code: SylinkErrorCode,
    message?: string,
    options?: SepmErrorOptions & { line?: number; column?: number },
  ) {
    const at =
      options?.line !== undefined ? ` (line ${options.line}, column ${options.column ?? 0})` : '';
    super(code, (message ?? SYLINK_MESSAGES[code]) + at, options);
    this.line = options?.line;
    this.column = options?.column;
  }
}

/**
 * Failures of the pure protocol codecs (`src/protocol/`: signed index, registration answer,
 * endorsements; docs/protocol.md): the bytes are not a well-formed message of this library's
 * protocol. The client reports them to its caller as `ERR_MANAGER_PROTOCOL` with this as `cause`.
 */
export class ProtocolError extends SepmError {
  declare readonly code: ProtocolErrorCode;
  constructor(code: ProtocolErrorCode, message?: string, options?: SepmErrorOptions) {
    super(code, message ?? PROTOCOL_MESSAGES[code], options);
  }
}

/** Node facade failures: site files, ports, the client-manager protocol. */
export class ManagerError extends SepmError {
  declare readonly code: ManagerErrorCode;
  /** Each problem found (for example every mismatch `loadSite` detected). */
  readonly problems: readonly string[];
  constructor(
    code: ManagerErrorCode,
    message?: string,
    options?: SepmErrorOptions & { problems?: readonly string[] },
  ) {
    super(code, message ?? MANAGER_MESSAGES[code], options);
    this.problems = options?.problems ?? [];
  }
}

/**
 * True when `e` is an error thrown by sepm-crypto (any build, any subpath).
 *
 * @param e - anything caught.
 * @returns whether `e` is a {@link SepmError}; narrows the type.
 */
export function isSepmError(e: unknown): e is SepmError {
  return (
    e instanceof SepmError ||
    (e instanceof Error &&
      (e as unknown as Record<symbol, unknown>)[BRAND] === true &&
      typeof (e as { code?: unknown }).code === 'string')
  );
}
