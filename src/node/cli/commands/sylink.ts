/**
 * `sylink show`, `sylink build`: read a client's `sylink.xml` (safe parser: no DTD, capped
 * sizes), or write a new one for given managers, site key and certificates.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Kcs } from '../../../kcs.js';
import {
  buildSylink,
  createSylink,
  parseSylink,
  withCertificate,
  type CreateSylinkServer,
  type Sylink,
} from '../../../sylink/index.js';
import { flag, str, strs, UsageError } from '../args.js';
import { output, type Command } from '../command.js';
import { certificateView, type CertificateView } from '../format.js';
import { readInput, readPath, table, writeOutput } from '../io.js';
import { certificatesOf, siteFrom } from '../load.js';
import { KCS_OPTIONS, kcsFromOptions } from '../secrets.js';

/** A model object without its lossless-XML extras (not meant for display). */
function withoutXml<T extends { readonly xml?: unknown }>(o: T): Omit<T, 'xml'> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'xml')) as Omit<T, 'xml'>;
}

/** The sylink as `sylink show` prints it; the Kcs only with `showSecrets`. */
function sylinkView(s: Sylink, showSecrets: boolean) {
  return {
    domainId: s.domainId,
    ...(s.nameSpace !== undefined ? { nameSpace: s.nameSpace } : {}),
    kcsFingerprint: s.kcs.fingerprint(),
    ...(showSecrets ? { kcs: s.kcs.toHex() } : {}),
    communication: withoutXml(s.communication),
    serverLists: s.serverLists.map((l) => ({
      name: l.name,
      blocks: l.blocks.map((b, i) => ({
        name: b.name,
        priority: i + 1,
        servers: b.servers.map(withoutXml),
      })),
    })),
    certificates: s.certificates.map((c) => ({
      name: c.name,
      ...certificateView(c.certificate),
    })) as (CertificateView & { name: string })[],
    ...(s.registerClient?.preferredGroup !== undefined
      ? { preferredGroup: s.registerClient.preferredGroup }
      : {}),
  };
}

/** `sylink show`. */
export const sylinkShowCommand: Command = {
  spec: {
    name: 'sylink show',
    args: 'FILE|-',
    summary: "Show a client's sylink.xml: domain, managers by priority, certificates.",
    details: 'The site key (Kcs) is shown as a fingerprint; --show-secrets prints the key itself.',
    options: {
      'show-secrets': { type: 'boolean', description: 'also print the Kcs (the site key)' },
    },
    examples: ['sylink show site/sylink.xml', 'sylink show sylink.xml --json'],
  },
  async run(ctx) {
    const bytes = await readInput(ctx.io, ctx.positionals[0], 'the sylink.xml file');
    const s = parseSylink(bytes);
    const v = sylinkView(s, flag(ctx.values, 'show-secrets'));
    output(ctx, v, () => {
      const lines = table([
        ['Domain id', v.domainId],
        ['Kcs', v.kcs ?? `fingerprint ${v.kcsFingerprint} (--show-secrets to print the key)`],
        ['Mode', String(v.communication.mode ?? '-')],
        ...(v.preferredGroup !== undefined ? ([['Group', v.preferredGroup]] as const) : []),
      ]);
      for (const l of v.serverLists) {
        lines.push('', `Server list: ${l.name ?? '(unnamed)'}`);
        for (const b of l.blocks) {
          for (const srv of b.servers) {
            const ports = [
              srv.httpsPort !== undefined ? `https ${srv.httpsPort}` : '',
              srv.httpPort !== undefined ? `http ${srv.httpPort}` : '',
            ]
              .filter(Boolean)
              .join(', ');
            lines.push(`  ${b.priority}. ${srv.address} (${ports || 'default ports'})`);
          }
        }
      }
      lines.push('', `Certificates: ${v.certificates.length}`);
      for (const c of v.certificates) {
        lines.push(
          ...table(
            [
              ['Name', c.name],
              ['Subject', c.subject],
              ['Valid', `${c.notBefore} to ${c.notAfter}`],
              ['SHA-256', c.sha256],
            ],
            '  ',
          ),
        );
      }
      return lines;
    });
  },
};

/** Parses `ADDRESS[,https=N][,http=N][,priority=N]`. */
function serverSpec(spec: string): CreateSylinkServer {
  const [address, ...rest] = spec.split(',');
  if (!address)
    throw new UsageError(`--server ${JSON.stringify(spec)} has no address`, 'sylink build');
  const out: { -readonly [K in keyof CreateSylinkServer]: CreateSylinkServer[K] } = { address };
  for (const part of rest) {
    const m = /^(https|http|priority)=(\d{1,5})$/.exec(part);
    if (!m) {
      throw new UsageError(
        `--server ${JSON.stringify(spec)}: expected ADDRESS[,https=PORT][,http=PORT][,priority=N]`,
        'sylink build',
      );
    }
    const n = Number(m[2]);
    if (m[1] === 'https') out.httpsPort = n;
    else if (m[1] === 'http') out.httpPort = n;
    else out.priority = n;
  }
  return out;
}

/** `sylink build`. */
export const sylinkBuildCommand: Command = {
  spec: {
    name: 'sylink build',
    summary: 'Write a new sylink.xml for the given managers, site key and certificates.',
    details:
      'Each --server is ADDRESS[,https=PORT][,http=PORT][,priority=N] (defaults 443, 8014, 1).\n' +
      "With --site DIR the domain id, Kcs and certificates default to the site's. The file holds\n" +
      'the Kcs, so --out writes it with mode 0600.',
    options: {
      server: { type: 'string', multiple: true, value: 'SPEC', description: 'a manager' },
      cert: {
        type: 'string',
        multiple: true,
        value: 'FILE',
        description: 'a manager certificate clients trust (PEM or DER)',
      },
      'domain-id': { type: 'string', value: 'HEX', description: '32 hex digits (default: random)' },
      ...KCS_OPTIONS,
      'generate-kcs': { type: 'boolean', description: 'make a new random site key' },
      site: {
        type: 'string',
        value: 'DIR',
        description: 'take domain id, Kcs and certificates from a site',
      },
      'list-name': { type: 'string', value: 'NAME', description: 'server list name' },
      group: { type: 'string', value: 'GROUP', description: 'preferred client group' },
      out: {
        type: 'string',
        short: 'o',
        value: 'FILE',
        description: 'write to FILE (default stdout)',
      },
      'show-secrets': {
        type: 'boolean',
        description: 'allow the file (it holds the Kcs) on a terminal or in --json output',
      },
    },
    maxPositionals: 0,
    examples: [
      'sylink build --server 10.0.0.5 --server 10.0.0.6,priority=2 --cert server.crt --kcs-file kcs.txt -o sylink.xml',
      'sylink build --site ./site --server sepm.example,https=8443 -o sylink.xml',
    ],
  },
  async run(ctx) {
    const cmd = 'sylink build';
    const servers = strs(ctx.values, 'server').map(serverSpec);
    if (servers.length === 0) throw new UsageError('give at least one --server', cmd);
    const siteDir = str(ctx.values, 'site');
    const site = siteDir !== undefined ? await siteFrom(ctx.io, siteDir) : undefined;
    let kcs = await kcsFromOptions(ctx.io, ctx.values, cmd);
    if (flag(ctx.values, 'generate-kcs')) {
      if (kcs !== undefined)
        throw new UsageError('--generate-kcs and --kcs-file/--kcs-env conflict', cmd);
      kcs = Kcs.generate();
    }
    kcs ??= site?.kcs;
    if (kcs === undefined) {
      throw new UsageError(
        'give the site key: --kcs-file, --kcs-env, --generate-kcs or --site',
        cmd,
      );
    }
    const domainId =
      str(ctx.values, 'domain-id') ??
      site?.domainId ??
      randomBytes(16).toString('hex').toUpperCase();
    if (!/^[0-9A-Fa-f]{32}$/.test(domainId)) {
      throw new UsageError('--domain-id expected 32 hex digits', cmd);
    }
    const group = str(ctx.values, 'group');
    const listName = str(ctx.values, 'list-name');
    let sylink = createSylink({
      domainId: domainId.toUpperCase(),
      kcs,
      servers,
      ...(listName !== undefined ? { serverListName: listName } : {}),
      ...(group !== undefined ? { preferredGroup: group } : {}),
    });
    const certs = [];
    for (const path of strs(ctx.values, 'cert')) {
      certs.push(...certificatesOf(await readPath(path, '--cert'), path));
    }
    if (certs.length === 0 && site !== undefined) certs.push(...site.certificates);
    certs.forEach((c, i) => {
      const name = certs.length === 1 ? servers[0]!.address : `${servers[0]!.address} ${i + 1}`;
      sylink = withCertificate(sylink, name, c);
    });
    const xml = buildSylink(sylink);
    const out = str(ctx.values, 'out');
    const warnNoCert = () => {
      if (certs.length === 0) {
        ctx.io.stderr.write(
          'warning: no --cert: clients of this sylink cannot verify any manager\n',
        );
      }
    };
    if (out === undefined || out === '-') {
      const show = flag(ctx.values, 'show-secrets');
      if ((ctx.json || ctx.io.stdout.isTTY) && !show) {
        throw new UsageError(
          'sylink.xml holds the site key: write it with --out FILE (or a pipe), or add --show-secrets',
          cmd,
        );
      }
      if (ctx.json) output(ctx, { ...sylinkView(sylink, true), xml }, () => []);
      else await writeOutput(ctx.io, undefined, xml);
      warnNoCert();
      return;
    }
    await writeOutput(ctx.io, out, xml, { mode: 0o600 });
    warnNoCert();
    output(ctx, { ...sylinkView(sylink, false), out }, () => [
      `Wrote ${out}: domain ${sylink.domainId}, ${servers.length} server(s), ${certs.length} certificate(s), Kcs fingerprint ${kcs.fingerprint()}`,
    ]);
  },
};
