/**
 * The signed index's two signatures (docs/protocol.md §2.3), both over the same index bytes and
 * each bound to its own purpose (docs/formats.md "Signature purposes"):
 * - the index signature clients verify: RSASSA-PKCS1-v1_5 / SHA-256 (raw) or a detached CMS
 *   SignedData over the `signed-index` context string, a NUL, then the index bytes;
 * - the replication signature replicating managers verify: raw, over the `replication` context
 *   string, a NUL, then the index bytes.
 * So no policy, endorsement or sealed-policy signature verifies as either, nor one as the other.
 *
 * @module
 */
import type { ServerIdentity } from '../cert/types.js';
import type { X509Certificate } from '../cert/x509.js';
import type { Bytes } from '../bytes.js';
import type { VerifiedPolicy } from '../policy/verify.js';
import { signForPurpose, verifyForPurpose } from '../policy/purpose_sign.js';

/** Signs index bytes for the signed-index purpose (what clients verify). */
export function signIndex(
  index: Uint8Array,
  identity: ServerIdentity,
  format: 'raw' | 'cms',
): Promise<Bytes> {
  return signForPurpose('signed-index', index, identity, format);
}

/**
 * Verifies an index signature of the announced `format` (and only that format) against
 * `trusted`; resolves the signer.
 *
 * @throws {@link PolicyError} as `verifyPolicy` does.
 */
export function verifyIndexSignature<T extends X509Certificate>(
  index: Uint8Array,
  signature: Uint8Array,
  trusted: readonly T[],
  format: 'raw' | 'cms',
): Promise<VerifiedPolicy<T>> {
  return verifyForPurpose('signed-index', index, signature, trusted, { formats: [format] });
}

/** Signs index bytes for the replication purpose (always raw). */
export function signReplicationIndex(index: Uint8Array, identity: ServerIdentity): Promise<Bytes> {
  return signForPurpose('replication', index, identity, 'raw');
}

/**
 * Verifies a replication signature (raw only) over index bytes against `trusted`.
 *
 * @throws {@link PolicyError} as `verifyPolicy` does.
 */
export function verifyReplicationSignature<T extends X509Certificate>(
  index: Uint8Array,
  signature: Uint8Array,
  trusted: readonly T[],
): Promise<VerifiedPolicy<T>> {
  return verifyForPurpose('replication', index, signature, trusted, { formats: ['raw'] });
}
