/**
 * Shared fixtures of the sylink tests: the public SEP 12.1 sample, certificates generated on the
 * fly (never committed keys), and a comparable form of a model.
 */
import { webcrypto } from 'node:crypto';
import { X509Certificate, X509CertificateGenerator } from '../../src/cert/x509.js';
import { Kcs } from '../../src/kcs.js';

/**
 * The SEP 12.1 sample of Symantec Connect "Sylink.xml and It's Contents" (2012), as quoted in
 * `shared/reference/sepm-facts.md` section 1.2: the viewer's "- " artefacts removed, and the
 * excerpt (which ends inside the second `Server`) closed after the first one.
 */
export const SEP121_SAMPLE = `<?xml version="1.0" encoding="UTF-8" ?>
<ServerSettings DomainId="87DXXXXXXXXXXXXXXXXXXXXXXXX69A" NameSpace="rpc">
  <CommConf>
    <AgentCommunicationSetting AlwaysConnect="1" CommunicationMode="PUSH"
      DisableDownloadProfile="0" Kcs="5CD564A466665A0333B3B710C0D506F1"
      PushHeartbeatSeconds="300" RandomizationEnabled="1" RandomizationRange="300"
      RememberCurrentGroup="0" RememberCurrentPolicyMode="1"
      UploadCmdStateHeartbeatSeconds="300" UploadLearnedApp="0"
      UploadLogHeartbeatSeconds="300" UploadOpStateHeartbeatSeconds="300" />
    <ServerList Name="Default Management Server List for My Site">
      <ServerPriorityBlock Name="Priority1">
        <Server Address="1.1.1.1" HttpPort="8014" HttpsVerifyCA="0" VerifySignatures="1" />
      </ServerPriorityBlock>
    </ServerList>
  </CommConf>
</ServerSettings>
`;

/** A minimal valid sylink around `inner` (children of CommConf after the settings). */
export function minimal(inner = '', kcs = '0123456789ABCDEF0123456789ABCDEF'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ServerSettings DomainId="D"><CommConf><AgentCommunicationSetting Kcs="${kcs}"/>${inner}</CommConf></ServerSettings>`;
}

/** `n` self-signed certificates (one RSA-2048 like SEPM's, the rest ECDSA P-256 for speed). */
export async function makeCertificates(n: number): Promise<X509Certificate[]> {
  const out: X509Certificate[] = [];
  for (let i = 0; i < n; i++) {
    const alg =
      i === 0
        ? {
            name: 'RSASSA-PKCS1-v1_5',
            hash: 'SHA-256',
            publicExponent: new Uint8Array([1, 0, 1]),
            modulusLength: 2048,
          }
        : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
    out.push(
      await X509CertificateGenerator.createSelfSigned(
        {
          serialNumber: (i + 1).toString(16).padStart(2, '0'),
          name: `CN=sepm${i}.example`,
          notBefore: new Date('2026-01-01T00:00:00Z'),
          notAfter: new Date('2036-01-01T00:00:00Z'),
          signingAlgorithm: alg,
          keys: keys as CryptoKeyPair,
        },
        webcrypto as unknown as Crypto,
      ),
    );
  }
  return out;
}

/**
 * A deep copy of a model that `toEqual` compares by value: the Kcs as hex (a `Kcs` hides its key
 * in a private field that `toEqual` cannot see), certificates as DER hex, null-prototype records
 * as plain ones.
 */
export function comparable(value: unknown): unknown {
  if (value instanceof Kcs) return `Kcs:${value.toHex()}`;
  if (value instanceof X509Certificate) return `DER:${Buffer.from(value.rawData).toString('hex')}`;
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      Object.defineProperty(out, key, {
        value: comparable(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** Base64 of a certificate's DER. */
export function b64(cert: X509Certificate): string {
  return Buffer.from(cert.rawData).toString('base64');
}
