/**
 * Run a manager and a client in one process: create a site, start the manager's five ports on
 * free loopback ports, publish a policy, and let a client (which trusts only the certificate in
 * its sylink.xml) heartbeat and fetch it.
 *
 * Run: node --import tsx examples/run-manager.ts
 * (In your project, import from 'sepm-crypto/node' instead of '../src/node/index.js'.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSite, createManager, createClient } from '../src/node/index.js';

const dir = await mkdtemp(join(tmpdir(), 'sepm-run-manager-'));
// What SEPM's configuration wizard does: identity, site key, domain id, keystore.jks, sylink.xml.
const { site } = await createSite(dir, { commonName: 'sepm01.localhost' });

// Port 0 everywhere: SEPM's 443/8014/8443/8445/8446 need privileges or may be taken.
const manager = createManager({
  site,
  ports: { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 },
});
const addresses = await manager.listen();
for (const [name, a] of Object.entries(addresses)) {
  console.log(`${name.padEnd(12)} ${a.protocol}://${a.host}:${a.port}/`);
}
try {
  await manager.publishPolicy('Firewall', new TextEncoder().encode('<Firewall default="block"/>'));

  // The client gets its sylink.xml from the manager (bound ports, Kcs, certificate list).
  const client = createClient({ sylink: manager.sylink() });
  try {
    const { clientId } = await client.register();
    const beat = await client.heartbeat();
    for (const p of beat.policies) {
      console.log(
        `client ${clientId} got "${p.name}" serial ${p.serial} from ${beat.server.protocol}://${beat.server.address}:${beat.server.port}:`,
        new TextDecoder().decode(p.data),
        `(signed by ${p.signer.subject})`,
      );
    }
  } finally {
    client.close();
  }
} finally {
  await manager.close();
  await rm(dir, { recursive: true, force: true });
}
console.log('manager stopped');
