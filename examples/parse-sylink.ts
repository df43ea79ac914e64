/**
 * Parse a client's sylink.xml: which managers it talks to, in which order, with which site key
 * and which certificates it trusts; then change a setting and write it back.
 *
 * Run: node --import tsx examples/parse-sylink.ts [sylink.xml]
 * (In your project, import from 'sepm-crypto' instead of '../src/index.js'.)
 */
import { readFile } from 'node:fs/promises';
import {
  parseSylink,
  buildSylink,
  serversInPriorityOrder,
  trustedCertificates,
  isSepmError,
} from '../src/index.js';

// The public SEP 12.1 sample (Symantec Connect, "Sylink.xml and It's Contents"), with a domain id
// and a Kcs of the right form.
const SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<ServerSettings DomainId="87D1C0A8E85A4F6C9C7A1B2D3E4F569A" NameSpace="rpc">
  <CommConf>
    <AgentCommunicationSetting AlwaysConnect="1" CommunicationMode="PUSH"
      Kcs="5CD564A466665A0333B3B710C0D506F1" PushHeartbeatSeconds="300"/>
    <ServerList Name="Default Management Server List">
      <ServerPriorityBlock Name="Priority1">
        <Server Address="10.0.0.5" HttpPort="8014" HttpsPort="443" VerifySignatures="1"/>
        <Server Address="10.0.0.6" HttpPort="8014" HttpsPort="443" VerifySignatures="1"/>
      </ServerPriorityBlock>
      <ServerPriorityBlock Name="Priority2">
        <Server Address="sepm-dr.example" HttpsPort="443"/>
      </ServerPriorityBlock>
    </ServerList>
  </CommConf>
</ServerSettings>
`;

const input = process.argv[2] === undefined ? SAMPLE : await readFile(process.argv[2]);
const sylink = parseSylink(input);
console.log(`domain ${sylink.domainId}, site key ${sylink.kcs}`); // the Kcs prints as a fingerprint
console.log(
  `mode ${sylink.communication.mode}, heartbeat ${sylink.communication.pushHeartbeatSeconds} s`,
);
for (const { priority, server } of serversInPriorityOrder(sylink)) {
  console.log(
    `priority ${priority}: ${server.address} https ${server.httpsPort ?? '-'} http ${server.httpPort ?? '-'}`,
  );
}
console.log(`trusted manager certificates: ${trustedCertificates(sylink).length}`);

// Edit the model and write it back; everything the library does not interpret is kept.
const longer = buildSylink({
  ...sylink,
  communication: { ...sylink.communication, pushHeartbeatSeconds: 600 },
});
console.log(`rewritten: ${parseSylink(longer).communication.pushHeartbeatSeconds} s heartbeat`);

// Hostile XML (a DOCTYPE with entities) is refused before anything is expanded.
try {
  parseSylink('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><ServerSettings/>');
} catch (e) {
  if (!isSepmError(e)) throw e;
  console.log(`DOCTYPE refused: ${e.code}`);
}
