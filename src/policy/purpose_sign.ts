/**
 * Signing and verifying the library's own context-prefixed messages (`purpose.ts`,
 * docs/formats.md "Signature purposes"): the signed index, endorsements. Internal: the formats
 * that use it call it; the public `signPolicy` / `verifyPolicy` refuse such messages.
 *
 * @module
 */
import type { Bytes } from '../bytes.js';
import type { ServerIdentity } from '../cert/types.js';
import { signCms } from './cms_sign.js';
import { contextMessage, type SignaturePurpose } from './purpose.js';
import { signWithIdentity } from './rsa.js';
import type { TrustAnchor } from './trust.js';
import { verifySignature, type VerifiedPolicy, type VerifyPolicyOptions } from './verify.js';

/**
 * Signs `context(purpose) ‖ data`: raw RSASSA-PKCS1-v1_5 / SHA-256, or a detached CMS
 * SignedData whose content is that message.
 */
export async function signForPurpose(
  purpose: SignaturePurpose,
  data: Uint8Array,
  identity: ServerIdentity,
  format: 'raw' | 'cms' = 'raw',
  now: Date = new Date(),
): Promise<Bytes> {
  const message = contextMessage(purpose, data);
  return format === 'raw'
    ? signWithIdentity(identity, message, identity.crypto)
    : signCms(message, identity, now, identity.crypto);
}

/**
 * Verifies a signature made by {@link signForPurpose} for `purpose` (and only for it).
 *
 * @throws {@link PolicyError} as `verifyPolicy` does.
 */
export function verifyForPurpose<T extends TrustAnchor>(
  purpose: SignaturePurpose,
  data: Uint8Array,
  signature: Uint8Array,
  trusted: readonly T[],
  options: VerifyPolicyOptions = {},
): Promise<VerifiedPolicy<T>> {
  return verifySignature(contextMessage(purpose, data), signature, trusted, options);
}
