/**
 * `serve`: run a manager for a site on its five ports (client HTTPS and HTTP, manager, reporting,
 * web services), publish policies given on the command line, and stop cleanly on SIGINT/SIGTERM.
 *
 * @module
 */
import { basename } from 'node:path';
import { buildSylink } from '../../../sylink/index.js';
import {
  DEFAULT_PORTS,
  PORT_NAMES,
  createManager,
  type Manager,
  type ManagerAddress,
  type PortName,
} from '../../manager/index.js';
import { flag, intOption, str, strs, UsageError, type OptionSpec } from '../args.js';
import type { Command } from '../command.js';
import { certificateView } from '../format.js';
import { readPath, table, withProgress, writeOutput } from '../io.js';
import { siteFrom } from '../load.js';
import type { Site } from '../../site/site.js';

/** CLI option name of each port. */
const PORT_OPTIONS: Readonly<Record<PortName, string>> = {
  client: 'client-port',
  clientHttp: 'client-http-port',
  manager: 'manager-port',
  reporting: 'reporting-port',
  webServices: 'web-services-port',
};

const portOptions: Record<string, OptionSpec> = {};
for (const name of PORT_NAMES) {
  portOptions[PORT_OPTIONS[name]] = {
    type: 'string',
    value: 'N',
    description: `${name} port (default ${DEFAULT_PORTS[name]}; 0 = any free port)`,
  };
}

function url(a: ManagerAddress): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return `${a.protocol}://${host}:${a.port}/`;
}

/** `serve`. */
export const serveCommand: Command = {
  spec: {
    name: 'serve',
    args: 'DIR',
    summary: 'Run a manager for the site in DIR until SIGINT/SIGTERM.',
    details:
      "Ports default to SEPM's (443, 8014, 8443, 8445, 8446); 443 needs privileges, so use\n" +
      '--ephemeral (any free ports) or move them. With --json, one JSON line is printed when\n' +
      'listening and one when stopped.',
    options: {
      host: { type: 'string', value: 'ADDR', description: 'address to bind (default 127.0.0.1)' },
      ...portOptions,
      ephemeral: { type: 'boolean', description: 'bind every port to a free port (port 0)' },
      policy: {
        type: 'string',
        multiple: true,
        value: 'NAME=FILE',
        description: 'seal and publish FILE under NAME (NAME defaults to the file name)',
      },
      'sylink-out': {
        type: 'string',
        value: 'FILE',
        description: 'write the sylink.xml for clients of the bound ports (mode 0600)',
      },
    },
    examples: [
      'serve ./site --ephemeral',
      'serve ./site --client-port 8443 --client-http-port 8014 --policy Firewall=fw.xml',
    ],
  },
  async run(ctx) {
    const dir = ctx.positionals[0];
    if (dir === undefined) throw new UsageError('give the site directory', 'serve');
    const ports: Partial<Record<PortName, number>> = {};
    for (const name of PORT_NAMES) {
      const n = intOption(ctx.values, PORT_OPTIONS[name], 'serve', 0, 65535);
      if (n !== undefined) ports[name] = n;
      else if (flag(ctx.values, 'ephemeral')) ports[name] = 0;
    }
    const policies = await Promise.all(
      strs(ctx.values, 'policy').map(async (spec) => {
        const eq = spec.indexOf('=');
        const path = eq < 0 ? spec : spec.slice(eq + 1);
        const name = eq < 0 ? basename(spec) : spec.slice(0, eq);
        if (name === '') throw new UsageError(`--policy ${spec}: empty name`, 'serve');
        return { name, data: await readPath(path, '--policy') };
      }),
    );
    const site = await siteFrom(ctx.io, dir);
    const host = str(ctx.values, 'host');
    const manager = createManager({
      site,
      ports,
      ...(host !== undefined ? { host } : {}),
      publicAddress: host ?? site.address,
    });
    const stop = ctx.stopSignal();
    const addresses = await withProgress(ctx.io, 'Starting manager', () => manager.listen()).catch(
      (e: NodeJS.ErrnoException) => {
        // SEPM's 443 is privileged on most systems: say how to avoid it.
        if (e.code === 'EACCES') {
          e.message += ' (ports below 1024 need privileges: use --ephemeral or --client-port N)';
        }
        throw e;
      },
    );
    try {
      for (const p of policies) await manager.publishPolicy(p.name, p.data);
      const sylinkOut = str(ctx.values, 'sylink-out');
      if (sylinkOut !== undefined) {
        await writeOutput(ctx.io, sylinkOut, buildSylink(manager.sylink()), { mode: 0o600 });
      }
      announceListening(ctx, site, manager, addresses, sylinkOut);
      const signal = await stop;
      if (!ctx.json && !ctx.quiet) ctx.io.stdout.write(`${signal}: stopping…\n`);
    } finally {
      await manager.close();
    }
    if (ctx.json) ctx.io.stdout.write(JSON.stringify({ event: 'stopped' }) + '\n');
    else if (!ctx.quiet) ctx.io.stdout.write('Stopped.\n');
  },
};

// The "listening" report: one JSON event, or the human summary (nothing with --quiet).
function announceListening(
  ctx: Parameters<Command['run']>[0],
  site: Site,
  manager: Manager,
  addresses: Record<PortName, ManagerAddress>,
  sylinkOut: string | undefined,
): void {
  const cert = certificateView(site.identity.certificate);
  if (ctx.json) {
    const urls = Object.fromEntries(PORT_NAMES.map((n) => [n, url(addresses[n])]));
    ctx.io.stdout.write(
      JSON.stringify({
        event: 'listening',
        pid: process.pid,
        domainId: site.domainId,
        urls,
        console: `${url(addresses.manager)}console/`,
        certificateSha256: cert.sha256,
        policies: manager
          .policies()
          .map((p) => ({ name: p.name, serial: p.serial, sha256: p.sha256 })),
        ...(sylinkOut !== undefined ? { sylink: sylinkOut } : {}),
      }) + '\n',
    );
  } else if (!ctx.quiet) {
    ctx.io.stdout.write(
      [
        `Manager for domain ${site.domainId} listening:`,
        ...table(
          PORT_NAMES.map((n) => [n, url(addresses[n])] as const),
          '  ',
        ),
        `Console: ${url(addresses.manager)}console/ (log on as ${site.adminUsername})`,
        `Certificate SHA-256: ${cert.sha256}`,
        ...manager
          .policies()
          .map((p) => `Published ${p.name} (serial ${p.serial}, ${p.size} bytes sealed)`),
        ...(sylinkOut !== undefined ? [`Client sylink.xml: ${sylinkOut}`] : []),
        'Press Ctrl-C to stop.',
      ].join('\n') + '\n',
    );
  }
}
