/**
 * The import rules a SEPM manager applies to a server certificate, as a report of every
 * violation rather than the first one.
 *
 * Sources: "As of SEP 12.1 all certificates must be signed with an RSA-based digital signature"
 * (TECH161487); "use at least 2048-bit SHA256RSA" (KB 158660); the wizard's errors "Invalid private
 * key file" and "Invalid certificate type, or invalid certificate signature algorithm"; and the
 * X.509 validity period (RFC 5280 section 4.1.2.5).
 *
 * @module
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { X509Certificate } from './x509.js';
import { CertificateError } from '../errors.js';
import { equalBytes, randomBytes } from '../bytes.js';
import { nodeCrypto } from '../fast_path.js';
import { certificateRsaKey, rsaSigner, spkiKeyType, type RsaPublicKey } from './rsa_keys.js';
import type { ServerIdentity } from './types.js';

/** Smallest RSA modulus SEPM accepts, in bits (KB 158660). */
export const MIN_RSA_BITS = 2048;

/** The import rules, by their stable code. */
export const IMPORT_RULES = {
  /** The private key is not the one whose public half the certificate carries. */
  KEY_MISMATCH: 'key-mismatch',
  /** The certificate's key is not an RSA key. */
  KEY_NOT_RSA: 'key-not-rsa',
  /** The RSA modulus is shorter than {@link MIN_RSA_BITS}. */
  RSA_KEY_TOO_SMALL: 'rsa-key-too-small',
  /** The certificate is not signed with an RSA (PKCS #1) signature algorithm. */
  SIGNATURE_NOT_RSA: 'signature-not-rsa',
  /** `now` is before the certificate's notBefore. */
  NOT_YET_VALID: 'not-yet-valid',
  /** `now` is after the certificate's notAfter. */
  EXPIRED: 'expired',
} as const;

/** A rule code, e.g. `'rsa-key-too-small'`. */
export type ImportRule = (typeof IMPORT_RULES)[keyof typeof IMPORT_RULES];

/** One broken rule. */
export interface ImportRuleViolation {
  /** The rule's stable code. */
  readonly rule: ImportRule;
  /** What is wrong, for people (no key material). */
  readonly message: string;
}

/** The result of {@link checkServerIdentity}. */
export interface ServerIdentityReport {
  /** True when no rule is broken. */
  readonly ok: boolean;
  /** Every broken rule, in the order of {@link IMPORT_RULES}. */
  readonly violations: readonly ImportRuleViolation[];
}

/** Options of {@link checkServerIdentity}. */
export interface CheckServerIdentityOptions {
  /** The instant validity is judged at; default `new Date()`. */
  readonly now?: Date;
  /** Provider able to export a foreign private key; default `identity.crypto`. */
  readonly crypto?: Crypto;
}

// PKCS #1 (RFC 8017 appendix C) arc: sha256WithRSAEncryption, RSASSA-PSS, sha1WithRSA... are
// all RSA-based signatures in SEPM's sense.
const PKCS1_ARC = '1.2.840.113549.1.1.';

/**
 * Checks a server identity against SEPM's import rules and reports every violation: the key does
 * not match the certificate, the key is not RSA or is shorter than 2048 bits, the certificate
 * signature is not RSA, or `now` is outside the validity period.
 *
 * @param identity - the identity to check.
 * @param options - `now` (default `new Date()`), `crypto`.
 * @returns `{ ok, violations }`; it never throws for a bad identity (see
 *   {@link assertServerIdentity}).
 * @throws TypeError when `identity` has no certificate or private key objects.
 *
 * @example
 * ```ts
 * const report = await checkServerIdentity(identity);
 * for (const v of report.violations) console.warn(v.rule, v.message);
 * ```
 */
export async function checkServerIdentity(
  identity: ServerIdentity,
  options: CheckServerIdentityOptions = {},
): Promise<ServerIdentityReport> {
  if (typeof identity !== 'object' || identity === null)
    throw new TypeError('"identity" expected a ServerIdentity');
  const { certificate, privateKey } = identity;
  if (!(certificate instanceof X509Certificate)) {
    throw new TypeError('"identity.certificate" expected an X509Certificate');
  }
  if (typeof privateKey !== 'object' || privateKey === null || privateKey.type !== 'private') {
    throw new TypeError('"identity.privateKey" expected a private CryptoKey');
  }
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new TypeError('"now" expected a valid Date');

  const violations: ImportRuleViolation[] = [];
  const add = (rule: ImportRule, message: string) => violations.push({ rule, message });

  let spki: Uint8Array | undefined;
  let rsa: RsaPublicKey | undefined;
  try {
    spki = new Uint8Array(certificate.publicKey.rawData);
    rsa = certificateRsaKey(certificate);
  } catch {
    spki = undefined;
  }

  const matches = await keyMatches(privateKey, spki, rsa, options.crypto ?? identity.crypto);
  if (matches !== true) add(IMPORT_RULES.KEY_MISMATCH, matches);
  violations.push(...certificateRuleViolations(certificate, now, spki, rsa));
  return { ok: violations.length === 0, violations };
}

/**
 * The import rules a certificate alone can be held to (all but the key match, which needs the
 * private key): RSA of at least {@link MIN_RSA_BITS} bits, an RSA signature, `now` within the
 * validity period. Endorsed certificates are held to these (docs/protocol.md §2.5). Internal.
 */
export function certificateRuleViolations(
  certificate: X509Certificate,
  now: Date,
  spkiIn?: Uint8Array,
  rsaIn?: RsaPublicKey,
): ImportRuleViolation[] {
  const violations: ImportRuleViolation[] = [];
  const add = (rule: ImportRule, message: string) => violations.push({ rule, message });
  let spki = spkiIn;
  let rsa = rsaIn;
  if (spki === undefined) {
    try {
      spki = new Uint8Array(certificate.publicKey.rawData);
      rsa = certificateRsaKey(certificate);
    } catch {
      rsa = undefined;
    }
  }

  const bits = rsa?.bits;
  if (bits === undefined) {
    const type = (spki === undefined ? undefined : spkiKeyType(spki)) ?? 'unknown';
    add(IMPORT_RULES.KEY_NOT_RSA, `certificate key is ${type}, not RSA`);
  } else if (bits < MIN_RSA_BITS) {
    add(
      IMPORT_RULES.RSA_KEY_TOO_SMALL,
      `RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required`,
    );
  }

  const sigAlg = signatureAlgorithmOid(certificate);
  if (sigAlg === undefined || !sigAlg.startsWith(PKCS1_ARC) || sigAlg === `${PKCS1_ARC}1`) {
    add(
      IMPORT_RULES.SIGNATURE_NOT_RSA,
      `certificate signature algorithm ${sigAlg ?? '(unreadable)'} is not RSA`,
    );
  }

  if (now.getTime() < certificate.notBefore.getTime()) {
    add(
      IMPORT_RULES.NOT_YET_VALID,
      `certificate is not valid before ${certificate.notBefore.toISOString()}`,
    );
  }
  if (now.getTime() > certificate.notAfter.getTime()) {
    add(IMPORT_RULES.EXPIRED, `certificate expired at ${certificate.notAfter.toISOString()}`);
  }
  return violations;
}

/**
 * Like {@link checkServerIdentity}, but throws when any rule is broken.
 *
 * @throws {@link CertificateError} `ERR_CERT_IMPORT_RULES`, whose `violations` holds one
 *   `"<rule>: <message>"` string per broken rule (all of them, not just the first).
 */
export async function assertServerIdentity(
  identity: ServerIdentity,
  options: CheckServerIdentityOptions = {},
): Promise<void> {
  const report = await checkServerIdentity(identity, options);
  if (!report.ok) {
    const violations = report.violations.map((v) => `${v.rule}: ${v.message}`);
    throw new CertificateError(
      'ERR_CERT_IMPORT_RULES',
      `server identity violates the certificate import rules: ${violations.join('; ')}`,
      { violations },
    );
  }
}

/** `true`, or why the private key does not (provably) match the certificate key. */
async function keyMatches(
  privateKey: CryptoKey,
  spki: Uint8Array | undefined,
  rsa: RsaPublicKey | undefined,
  crypto: Crypto | undefined,
): Promise<true | string> {
  if (spki === undefined) return 'certificate public key cannot be read';
  // Node's own keys (any algorithm): compare the public halves' SubjectPublicKeyInfo.
  const node = nodeCrypto();
  if (node !== undefined) {
    let publicDer: Uint8Array | undefined;
    try {
      publicDer = node
        .createPublicKey(node.KeyObject.from(privateKey))
        .export({ format: 'der', type: 'spki' });
    } catch {
      publicDer = undefined; // a foreign provider's key: prove possession below
    }
    if (publicDer !== undefined) {
      return equalBytes(publicDer, spki) ? true : 'private key does not match the certificate';
    }
  }
  // Prove possession with a signature: works for non-extractable keys of any provider.
  const challenge = randomBytes(32);
  if (rsa !== undefined && privateKey.algorithm.name.startsWith('RSA')) {
    try {
      const sign = await rsaSigner(privateKey, crypto);
      if (await rsa.verify(challenge, await sign(challenge))) return true;
    } catch {
      // fall through: not provable
    }
    return 'private key does not match the certificate';
  }
  const proved = await provePossession(privateKey, spki, challenge, crypto ?? globalThis.crypto);
  if (proved !== undefined) return proved ? true : 'private key does not match the certificate';
  return 'private key cannot be compared with the certificate';
}

/**
 * Signs `challenge` with a non-RSA key (ECDSA, EdDSA) and verifies it with the certificate key
 * imported for the same algorithm; `undefined` when the algorithm or key usages do not allow it.
 */
async function provePossession(
  privateKey: CryptoKey,
  spki: Uint8Array,
  challenge: Uint8Array<ArrayBuffer>,
  crypto: Crypto,
): Promise<boolean | undefined> {
  const alg = privateKey.algorithm as EcKeyAlgorithm;
  let params: {
    import: AlgorithmIdentifier | EcKeyImportParams;
    sign: AlgorithmIdentifier | EcdsaParams;
  };
  if (alg.name === 'ECDSA') {
    params = {
      import: { name: 'ECDSA', namedCurve: alg.namedCurve },
      sign: { name: 'ECDSA', hash: 'SHA-256' },
    };
  } else if (alg.name === 'Ed25519' || alg.name === 'Ed448') {
    params = { import: { name: alg.name }, sign: { name: alg.name } };
  } else {
    return undefined;
  }
  let publicKey: CryptoKey;
  try {
    publicKey = await globalThis.crypto.subtle.importKey(
      'spki',
      spki as Uint8Array<ArrayBuffer>,
      params.import,
      false,
      ['verify'],
    );
  } catch {
    return false; // the certificate key is not of the private key's algorithm or curve
  }
  try {
    const sig = await crypto.subtle.sign(params.sign, privateKey, challenge);
    return await globalThis.crypto.subtle.verify(params.sign, publicKey, sig, challenge);
  } catch {
    return undefined;
  }
}

/** The outer signatureAlgorithm OID of a certificate (RFC 5280 section 4.1.1.2). */
function signatureAlgorithmOid(certificate: X509Certificate): string | undefined {
  try {
    return AsnConvert.parse(certificate.rawData, Certificate).signatureAlgorithm.algorithm;
  } catch {
    return undefined;
  }
}
