import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect, createServer as createTlsServer } from 'node:tls';
import type { Server as TlsServer } from 'node:tls';
import { createManager, HTTPS_PORTS, type Manager } from '../../src/node/manager/index.js';
import { TLS12_CIPHERS, TLS13_CIPHERS } from '../../src/node/http/tls_profile.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsCredentials } from '../../src/node/http/tls_credentials.js';
import { createSite, loadSite } from '../../src/node/site/site.js';
import { readPem } from '../../src/keystore/index.js';

const ALL_ZERO = { client: 0, clientHttp: 0, manager: 0, reporting: 0, webServices: 0 };

// Suites a weak server would accept: RSA key transport (no forward secrecy), CBC, DHE, SHA-1.
const WEAK_TLS12 = [
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA256',
  'AES256-SHA256',
  'AES128-SHA',
  'AES256-SHA',
  'AES128-CCM',
  'AES256-CCM8',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-SHA256',
  'ARIA128-GCM-SHA256',
  'ECDHE-ARIA128-GCM-SHA256',
  'CAMELLIA128-SHA256',
];

interface Outcome {
  ok: boolean;
  protocol?: string | null;
  cipher?: string;
  der?: Buffer;
  error?: string;
}

function probe(port: number, opts: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts });
    s.once('secureConnect', () => {
      const out: Outcome = {
        ok: true,
        protocol: s.getProtocol(),
        cipher: s.getCipher().standardName ?? s.getCipher().name,
        der: s.getPeerCertificate().raw,
      };
      s.destroy();
      resolve(out);
    });
    s.once('error', (e) => {
      s.destroy();
      resolve({ ok: false, error: e.message });
    });
  });
}

describe('manager TLS profile on every HTTPS port', () => {
  let manager: Manager;
  let control: TlsServer;
  let controlPort = 0;
  let certDer: Uint8Array;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sepm-tls-'));
    await createSite(dir, { commonName: 'tls.sepm.test' });
    const site = await loadSite(dir);
    const identity = site.identity;
    // The certificate every HTTPS port must serve: the one in server.crt.
    const crt = readPem(await readFile(join(dir, 'server.crt'))).entries[0]!;
    if (crt.kind !== 'trustedCertificate') throw new Error('server.crt holds no certificate');
    certDer = crt.certificate;
    manager = createManager({ site, ports: ALL_ZERO });
    await manager.listen();
    // Positive control: a permissive server proves the weak probes below can succeed at all,
    // so their failure against the manager is the manager's doing, not the client's.
    const creds = await tlsCredentials(identity);
    control = createTlsServer({
      key: creds.key,
      cert: creds.cert,
      minVersion: 'TLSv1',
      ciphers: 'ALL:@SECLEVEL=0',
    });
    control.on('secureConnection', (s) => s.end());
    control.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
    controlPort = (control.address() as { port: number }).port;
  });
  afterAll(async () => {
    await manager.close();
    await new Promise((r) => control.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('the positive control accepts TLS 1.1 and the weak suites', async () => {
    const tls11 = await probe(controlPort, {
      minVersion: 'TLSv1.1',
      maxVersion: 'TLSv1.1',
      ciphers: 'ALL:@SECLEVEL=0',
    });
    expect(tls11.ok).toBe(true);
    expect(tls11.protocol).toBe('TLSv1.1');
    let accepted = 0;
    for (const c of WEAK_TLS12) {
      const r = await probe(controlPort, { maxVersion: 'TLSv1.2', ciphers: `${c}:@SECLEVEL=0` });
      if (r.ok) accepted++;
    }
    // Not every suite exists in every OpenSSL build, but most must.
    expect(accepted).toBeGreaterThan(WEAK_TLS12.length / 2);
  });

  for (const name of HTTPS_PORTS) {
    it(`${name}: refuses TLS 1.1, refuses weak TLS 1.2 suites, serves the site certificate`, async () => {
      const port = manager.addresses[name]!.port;
      const tls11 = await probe(port, {
        minVersion: 'TLSv1.1',
        maxVersion: 'TLSv1.1',
        ciphers: 'ALL:@SECLEVEL=0',
      });
      expect(tls11.ok).toBe(false);
      for (const c of WEAK_TLS12) {
        const r = await probe(port, { maxVersion: 'TLSv1.2', ciphers: `${c}:@SECLEVEL=0` });
        expect(r.ok, `${c} accepted`).toBe(false);
      }
      const modern = await probe(port, {});
      expect(modern.ok).toBe(true);
      expect(modern.protocol).toBe('TLSv1.3');
      expect(TLS13_CIPHERS).toContain(modern.cipher);
      expect(Buffer.compare(modern.der!, Buffer.from(certDer))).toBe(0);
      for (const c of [
        'ECDHE-RSA-AES128-GCM-SHA256',
        'ECDHE-RSA-AES256-GCM-SHA384',
        'ECDHE-RSA-CHACHA20-POLY1305',
      ]) {
        const r = await probe(port, { maxVersion: 'TLSv1.2', ciphers: c });
        expect(r.ok, c).toBe(true);
        expect(r.protocol).toBe('TLSv1.2');
        expect(TLS12_CIPHERS.map(String)).toContain(c);
      }
    });
  }
});
