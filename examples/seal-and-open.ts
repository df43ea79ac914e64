/**
 * Seal a policy as a manager publishes it (Twofish under the site key, then signed with the
 * manager key) and open it as a client (check the signer and the signature, then decrypt).
 *
 * Run: node --import tsx examples/seal-and-open.ts
 * (In your project, import from 'sepm-crypto' instead of '../src/index.js'.)
 */
import { Kcs, generateServerIdentity, sealPolicy, openPolicy, isSepmError } from '../src/index.js';

const identity = await generateServerIdentity({ commonName: 'sepm01.example' });
// The site key: made with the first manager of a site, given to clients in sylink.xml.
const kcs = Kcs.generate();
console.log(`site key ${kcs}`); // a template string shows only a fingerprint, never the key

const policy = new TextEncoder().encode('<AvPolicy scan="daily"/>');
const sealed = await sealPolicy(policy, identity, kcs);
console.log(`sealed ${policy.length} bytes into ${sealed.length} bytes`);

// The client: the certificates and the Kcs both come from its sylink.xml.
const { data, signer } = await openPolicy(sealed, kcs, [identity.certificate]);
console.log(`opened: "${new TextDecoder().decode(data)}", signed by ${signer.subject}`);

// With another site's key the signature still checks out, but decryption fails with one fixed
// error (no oracle on why).
try {
  await openPolicy(sealed, Kcs.generate(), [identity.certificate]);
  process.exitCode = 1;
} catch (e) {
  if (!isSepmError(e)) throw e;
  console.log(`wrong site key: ${e.code}`);
}
