/**
 * `init`: create a site, as SEPM's Management Server Configuration Wizard does on a first
 * install (identity, Kcs, domain id, admin credential; `keystore.jks`, `server.crt`,
 * `server.key`, `sylink.xml`, `site.json`).
 *
 * @module
 */
import { join } from 'node:path';
import { SITE_FILES, createSite } from '../../site/site.js';
import { certificateFingerprint, formatFingerprint } from '../../../cert/index.js';
import { flag, intOption, str, UsageError } from '../args.js';
import { output, type Command } from '../command.js';
import { certificateView } from '../format.js';
import { table, withProgress, writeOutput } from '../io.js';

/** `init`. */
export const initCommand: Command = {
  spec: {
    name: 'init',
    args: 'DIR',
    summary: 'Create a site in DIR: server identity, site key (Kcs), domain id, sylink.xml.',
    details:
      'Writes keystore.jks, server.crt, server.key, sylink.xml and site.json (secrets mode 0600).\n' +
      'The admin password is generated and stored only as a scrypt hash: keep it with\n' +
      '--admin-password-out FILE or print it with --show-secrets; it is shown nowhere else.',
    options: {
      'common-name': {
        type: 'string',
        value: 'CN',
        description: 'certificate CN (default: host name)',
      },
      address: {
        type: 'string',
        value: 'ADDR',
        description: 'address clients use, also a subject alt name (default 127.0.0.1)',
      },
      'https-port': {
        type: 'string',
        value: 'N',
        description: 'HTTPS client port for sylink.xml (443)',
      },
      'http-port': {
        type: 'string',
        value: 'N',
        description: 'HTTP client port for sylink.xml (8014)',
      },
      'key-size': {
        type: 'string',
        value: 'BITS',
        description: 'RSA key size: 2048 (default), 3072, 4096',
      },
      'validity-days': {
        type: 'string',
        value: 'N',
        description: 'certificate validity (default 365)',
      },
      admin: { type: 'string', value: 'NAME', description: 'admin user name (default admin)' },
      'admin-password-out': {
        type: 'string',
        value: 'FILE',
        description: 'write the generated admin password to FILE (mode 0600)',
      },
      force: { type: 'boolean', description: 'replace a site that already exists in DIR' },
      'show-secrets': { type: 'boolean', description: 'print the Kcs and the admin password' },
    },
    examples: [
      'init ./site --common-name sepm01.corp.example --address 10.0.0.5',
      'init ./site --admin-password-out ./site-admin.txt --json',
    ],
  },
  async run(ctx) {
    const dir = ctx.positionals[0];
    if (dir === undefined) throw new UsageError('give the site directory', 'init');
    const v = ctx.values;
    const keySize = intOption(v, 'key-size', 'init', 2048, 8192);
    const validityDays = intOption(v, 'validity-days', 'init', 1, 36_500);
    const httpsPort = intOption(v, 'https-port', 'init', 1, 65535);
    const httpPort = intOption(v, 'http-port', 'init', 1, 65535);
    const commonName = str(v, 'common-name');
    const address = str(v, 'address');
    const admin = str(v, 'admin');
    const created = await withProgress(ctx.io, `Creating site (RSA ${keySize ?? 2048} key)`, () =>
      createSite(dir, {
        ...(commonName !== undefined ? { commonName } : {}),
        ...(address !== undefined ? { address } : {}),
        ...(httpsPort !== undefined ? { httpsPort } : {}),
        ...(httpPort !== undefined ? { httpPort } : {}),
        ...(keySize !== undefined ? { keySize } : {}),
        ...(validityDays !== undefined ? { validityDays } : {}),
        ...(admin !== undefined ? { adminUsername: admin } : {}),
        ...(flag(v, 'force') ? { overwrite: true } : {}),
      }),
    );
    const { site, adminPassword } = created;
    const passwordOut = str(v, 'admin-password-out');
    if (passwordOut !== undefined)
      await writeOutput(ctx.io, passwordOut, adminPassword + '\n', { mode: 0o600 });
    const show = flag(v, 'show-secrets');
    const cert = certificateView(site.identity.certificate);
    const files = Object.values(SITE_FILES).map((f) => join(dir, f));
    output(
      ctx,
      {
        dir,
        files,
        domainId: site.domainId,
        address: site.address,
        certificate: cert,
        kcsFingerprint: site.kcs.fingerprint(),
        adminUsername: site.adminUsername,
        ...(passwordOut !== undefined ? { adminPasswordFile: passwordOut } : {}),
        ...(show ? { kcs: site.kcs.toHex(), adminPassword } : {}),
      },
      () => [
        `Created site in ${dir}`,
        ...table([
          ['Domain id', site.domainId],
          ['Address', site.address],
          ['Certificate', cert.subject],
          ['SHA-256', formatFingerprint(certificateFingerprint(site.identity.certificate))],
          ['Kcs', show ? site.kcs.toHex() : `fingerprint ${site.kcs.fingerprint()}`],
          ['Admin', site.adminUsername],
          [
            'Admin password',
            show
              ? `${adminPassword} (shown once; only its hash is stored)`
              : passwordOut !== undefined
                ? `written to ${passwordOut}`
                : 'not shown (use --admin-password-out FILE or --show-secrets next time)',
          ],
        ]),
        `Files: ${Object.values(SITE_FILES).join(', ')}`,
        `Next: ${ctx.program} serve ${dir}`,
      ],
    );
  },
};
