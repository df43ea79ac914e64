/**
 * The demo behind `npm run demo` and `sepm-crypto demo`: a manager's work end to end, on
 * loopback, in a fresh temporary directory.
 *
 * 1. create a site (identity, Kcs, domain id, keystore.jks, server.crt/.key, sylink.xml);
 * 2. start the manager on free loopback ports (port 0 for all five);
 * 3. seal and publish a sample policy;
 * 4. a client registers and heartbeats over HTTPS (pinned to the sylink certificate), then a
 *    second client over plain HTTP (the 8014 port); each verifies the signed index and the
 *    sealed policy, and decrypts it;
 * 5. `keytool -list` on keystore.jks, when keytool is installed;
 * 6. shut down and remove the directory.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateFingerprint, formatFingerprint } from '../../cert/index.js';
import { equalBytes } from '../../bytes.js';
import { createClient, type HeartbeatResult } from '../client/client.js';
import { createManager, PORT_NAMES, type PortName } from '../manager/index.js';
import { SITE_FILES, createSite } from '../site/site.js';
import type { ServerIdentity } from '../../cert/types.js';
import type { Sylink } from '../../sylink/model.js';

/** A sample policy: a small firewall rule set, as a manager would publish. */
export const SAMPLE_POLICY = `<?xml version="1.0" encoding="UTF-8"?>
<FirewallPolicy name="Demo Firewall" version="1">
  <Rule name="Allow DNS" action="allow" protocol="udp" remotePort="53"/>
  <Rule name="Allow HTTPS" action="allow" protocol="tcp" remotePort="443"/>
  <Rule name="Block the rest" action="block"/>
</FirewallPolicy>
`;

/** One client run of the demo. */
export interface DemoHeartbeat {
  readonly protocol: 'https' | 'http';
  readonly url: string;
  readonly clientId: string;
  /** Subject of the certificate that verified the sealed policy. */
  readonly verifiedBy: string;
  /** Its SHA-256 fingerprint (colon hex). */
  readonly verifiedBySha256: string;
  /** Whether that is the site's own certificate. */
  readonly signerIsSiteCertificate: boolean;
  /** Whether the decrypted policy equals the published bytes. */
  readonly bytesEqual: boolean;
  readonly ms: number;
}

/** What the demo did. */
export interface DemoSummary {
  readonly dir: string;
  readonly kept: boolean;
  readonly domainId: string;
  readonly certificateSubject: string;
  readonly certificateSha256: string;
  readonly kcsFingerprint: string;
  readonly ports: Readonly<Record<PortName, number>>;
  readonly policy: { readonly name: string; readonly bytes: number; readonly sealedBytes: number };
  readonly heartbeats: readonly DemoHeartbeat[];
  /** `keytool -list` output, or why it did not run; whether it shows the site fingerprint. */
  readonly keytool: {
    readonly ran: boolean;
    readonly output: string;
    readonly sameFingerprint?: boolean;
  };
  /** Milliseconds per step. */
  readonly timings: Readonly<Record<string, number>>;
  readonly ok: boolean;
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Called with a line per step as it happens (progress). */
  readonly log?: (line: string) => void;
  /** Keep the site directory instead of removing it. */
  readonly keep?: boolean;
  /** Parent of the temporary directory (default `os.tmpdir()`). */
  readonly tmp?: string;
  /** Skip `keytool` even when installed. */
  readonly noKeytool?: boolean;
}

async function timed<T>(timings: Record<string, number>, step: string, f: () => Promise<T>) {
  const t = performance.now();
  const r = await f();
  timings[step] = Math.round((performance.now() - t) * 10) / 10;
  return r;
}

/** Runs `keytool -list` with the store password in the environment (never in argv). */
function keytoolList(path: string, password: string): Promise<{ ran: boolean; output: string }> {
  return new Promise((resolve) => {
    let out = '';
    let child;
    try {
      child = spawn(
        'keytool',
        ['-list', '-keystore', path, '-storepass:env', 'SEPM_DEMO_STOREPASS'],
        {
          env: { ...process.env, SEPM_DEMO_STOREPASS: password },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (e) {
      resolve({ ran: false, output: `keytool could not start: ${(e as Error).message}` });
      return;
    }
    const timer = setTimeout(() => child.kill(), 20_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({
        ran: false,
        output: e.code === 'ENOENT' ? 'keytool is not installed' : `keytool failed: ${e.message}`,
      });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // keytool 17 ends with advice to migrate JKS to PKCS#12; SEPM's file is JKS, so drop it.
      const text = out.replace(/\n\s*Warning:[\s\S]*$/, '').trim();
      resolve({ ran: code === 0, output: text });
    });
  });
}

/**
 * Runs the demo and returns what happened. Throws when a step fails (the manager is closed and
 * the directory removed first).
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  const started = performance.now();
  const dir = await mkdtemp(join(options.tmp ?? tmpdir(), 'sepm-crypto-demo-'));
  const ALL_FREE = Object.fromEntries(PORT_NAMES.map((n) => [n, 0])) as Record<PortName, number>;
  let manager: ReturnType<typeof createManager> | undefined;
  try {
    log(`Creating a site in ${dir} (2048-bit RSA identity, Kcs, domain id)…`);
    const { site } = await timed(timings, 'createSite', () =>
      createSite(dir, { commonName: 'sepm-demo.localhost', address: '127.0.0.1' }),
    );
    const siteFp = formatFingerprint(certificateFingerprint(site.identity.certificate));

    log('Starting the manager on free loopback ports…');
    manager = createManager({ site, host: '127.0.0.1', ports: ALL_FREE });
    const m = manager;
    const addresses = await timed(timings, 'listen', () => m.listen());
    const ports = Object.fromEntries(PORT_NAMES.map((n) => [n, addresses[n].port])) as Record<
      PortName,
      number
    >;

    const policy = new TextEncoder().encode(SAMPLE_POLICY);
    log('Sealing and publishing the sample policy "Demo Firewall"…');
    const published = await timed(timings, 'publishPolicy', () =>
      m.publishPolicy('Demo Firewall', policy),
    );

    const heartbeats: DemoHeartbeat[] = [];
    for (const protocol of ['https', 'http'] as const) {
      log(`Client heartbeat over ${protocol.toUpperCase()}…`);
      const hb = await demoHeartbeat(m.sylink({ protocol }), protocol, policy, site.identity);
      timings[`heartbeat ${protocol}`] = hb.ms;
      heartbeats.push(hb);
    }

    let keytool: DemoSummary['keytool'];
    if (options.noKeytool) keytool = { ran: false, output: 'skipped (--no-keytool)' };
    else {
      log('Listing keystore.jks with keytool…');
      keytool = await timed(timings, 'keytool -list', () => demoKeytool(dir, siteFp));
    }

    log('Stopping the manager…');
    await timed(timings, 'close', () => m.close());
    manager = undefined;
    timings.total = Math.round(performance.now() - started);
    return {
      dir,
      kept: options.keep === true,
      domainId: site.domainId,
      certificateSubject: site.identity.certificate.subject,
      certificateSha256: siteFp,
      kcsFingerprint: site.kcs.fingerprint(),
      ports,
      policy: { name: published.name, bytes: policy.length, sealedBytes: published.size },
      heartbeats,
      keytool,
      timings,
      ok:
        heartbeats.length === 2 &&
        heartbeats.every((h) => h.bytesEqual && h.signerIsSiteCertificate) &&
        keytool.sameFingerprint !== false,
    };
  } finally {
    await manager?.close();
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}

// One client of the demo: registers and heartbeats over `protocol`, and checks the policy it
// brought against what was published.
async function demoHeartbeat(
  sylink: Sylink,
  protocol: 'https' | 'http',
  policy: Uint8Array,
  identity: ServerIdentity,
): Promise<DemoHeartbeat> {
  const client = createClient({ sylink, connectTimeoutMs: 5000, requestTimeoutMs: 10_000 });
  try {
    const t = performance.now();
    const reg = await client.register();
    const hb: HeartbeatResult = await client.heartbeat();
    const ms = Math.round((performance.now() - t) * 10) / 10;
    const got = hb.policies.find((p) => p.name === 'Demo Firewall');
    if (got === undefined) throw new Error(`the ${protocol} heartbeat did not bring the policy`);
    return {
      protocol,
      url: `${hb.server.protocol}://${hb.server.address}:${hb.server.port}/`,
      clientId: reg.clientId,
      verifiedBy: got.signer.subject,
      verifiedBySha256: formatFingerprint(certificateFingerprint(got.signer)),
      signerIsSiteCertificate: got.signer.equal(identity.certificate),
      bytesEqual: equalBytes(got.data, policy),
      ms,
    };
  } finally {
    client.close();
  }
}

// `keytool -list` of the site's keystore.jks, and whether it shows the site's fingerprint.
async function demoKeytool(dir: string, siteFp: string): Promise<DemoSummary['keytool']> {
  const config = JSON.parse(await readFile(join(dir, SITE_FILES.site), 'utf8')) as {
    keystore: { password: string };
  };
  const listed = await keytoolList(join(dir, SITE_FILES.keystore), config.keystore.password);
  return listed.ran ? { ...listed, sameFingerprint: listed.output.includes(siteFp) } : listed;
}

/** The human summary of a demo run. */
export function demoLines(s: DemoSummary): string[] {
  const lines = [
    '',
    `sepm-crypto demo: ${s.ok ? 'OK' : 'FAILED'}`,
    `  Site:         ${s.dir}${s.kept ? ' (kept)' : ' (removed)'}`,
    `  Domain id:    ${s.domainId}`,
    `  Certificate:  ${s.certificateSubject}`,
    `  SHA-256:      ${s.certificateSha256}`,
    `  Kcs:          fingerprint ${s.kcsFingerprint} (the key is never printed)`,
    `  Ports:        ${PORT_NAMES.map((n) => `${n} ${s.ports[n]}`).join(', ')}`,
    `  Policy:       "${s.policy.name}", ${s.policy.bytes} bytes, sealed ${s.policy.sealedBytes} bytes`,
  ];
  for (const h of s.heartbeats) {
    lines.push(
      `  ${h.protocol.toUpperCase().padEnd(5)} heartbeat ${h.url} (${h.ms} ms): client ${h.clientId}`,
      `    verified by ${h.verifiedBy} (SHA-256 ${h.verifiedBySha256})${h.signerIsSiteCertificate ? ', the site certificate' : ', NOT the site certificate'}`,
      `    decrypted bytes equal the published policy: ${h.bytesEqual ? 'yes' : 'NO'}`,
    );
  }
  lines.push(
    `  keytool -list: ${
      s.keytool.ran
        ? `same SHA-256 fingerprint as the site certificate: ${s.keytool.sameFingerprint ? 'yes' : 'NO'}`
        : s.keytool.output
    }`,
  );
  if (s.keytool.ran) lines.push(...s.keytool.output.split('\n').map((l) => `    ${l}`));
  lines.push(
    `  Timings (ms): ${Object.entries(s.timings)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return lines;
}
