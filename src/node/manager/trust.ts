/**
 * The certificates a manager's clients and peers may trust for its signatures: the site's (old
 * and new during a certificate change) and the replicating peers' (whose policies this manager
 * serves as they are). One list for the sylink it serves, for the sylink file it writes, and for
 * the checks of replicated policies.
 *
 * @module
 */
import type { X509Certificate } from '../../cert/x509.js';
import { sha256Hex } from '../digest.js';

/** The site's certificates, then the peers', each once (by DER), in that order. */
export function trustedCertificates(
  site: {
    readonly identity: { readonly certificate: X509Certificate };
    readonly certificates?: readonly X509Certificate[];
  },
  peerCertificates: readonly X509Certificate[],
): X509Certificate[] {
  const all = [...(site.certificates ?? [site.identity.certificate]), ...peerCertificates];
  const seen = new Set<string>();
  return all.filter((c) => {
    const fp = sha256Hex(new Uint8Array(c.rawData));
    if (seen.has(fp)) return false;
    seen.add(fp);
    return true;
  });
}
