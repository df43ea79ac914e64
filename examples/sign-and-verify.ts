/**
 * Sign a policy file with a manager's key and verify it as a client does, against the manager
 * certificates it trusts (those of its sylink.xml).
 *
 * Run: node --import tsx examples/sign-and-verify.ts
 * (In your project, import from 'sepm-crypto' instead of '../src/index.js'.)
 */
import {
  generateServerIdentity,
  signPolicy,
  verifyPolicy,
  certificateFingerprint,
  formatFingerprint,
  isSepmError,
} from '../src/index.js';

// A manager identity as SEPM makes at install time: self-signed, RSA 2048, SHA256withRSA.
const manager = await generateServerIdentity({ commonName: 'sepm01.example' });
const policy = new TextEncoder().encode('<FirewallPolicy><Rule action="block"/></FirewallPolicy>');

// Raw RSASSA-PKCS1-v1_5 / SHA-256 (what `openssl dgst -sha256 -sign` writes) ...
const raw = await signPolicy(policy, manager);
// ... or a detached CMS SignedData (what `openssl cms -sign -binary -outform DER` writes).
const cms = await signPolicy(policy, manager, { format: 'cms' });

// The client trusts exactly the certificates of its sylink.xml: here, the manager's.
const trusted = [manager.certificate];
for (const signature of [raw, cms]) {
  const { signer, format } = await verifyPolicy(policy, signature, trusted);
  console.log(
    `${format}: ${signature.length}-byte signature verified by ${signer.subject}`,
    `(SHA-256 ${formatFingerprint(certificateFingerprint(signer))})`,
  );
}

// A changed policy fails with a stable error code (never a bare exception).
const tampered = policy.slice();
tampered[1] ^= 1;
try {
  await verifyPolicy(tampered, raw, trusted);
  console.log('tampered policy: verified (unexpected!)');
  process.exitCode = 1;
} catch (e) {
  if (!isSepmError(e)) throw e;
  console.log(`tampered policy: refused with ${e.code}`);
}

// A signature from a manager the client does not trust is refused as well.
const stranger = await generateServerIdentity({ commonName: 'rogue.example' });
try {
  await verifyPolicy(policy, await signPolicy(policy, stranger, { format: 'cms' }), trusted);
  process.exitCode = 1;
} catch (e) {
  if (!isSepmError(e)) throw e;
  console.log(`untrusted signer: refused with ${e.code}`);
}
