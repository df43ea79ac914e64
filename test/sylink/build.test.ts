import { beforeAll, describe, expect, it } from 'vitest';
import type { X509Certificate } from '../../src/cert/x509.js';
import { Kcs } from '../../src/kcs.js';
import {
  SYLINK_DEFAULT_COMMUNICATION,
  buildSylink,
  createSylink,
  parseSylink,
  serversInPriorityOrder,
  trustedCertificates,
  withCertificate,
  withoutCertificate,
  type Sylink,
} from '../../src/sylink/index.js';
import { SEP121_SAMPLE, b64, comparable, makeCertificates, minimal } from './fixtures.js';

let certs: X509Certificate[];
beforeAll(async () => {
  certs = await makeCertificates(3);
});

const KCS = Kcs.parse('5CD564A466665A0333B3B710C0D506F1');

/** Attribute names of every start tag, in output order. */
function attributeOrders(xml: string): string[][] {
  const out: string[][] = [];
  for (const m of xml.matchAll(/<([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*\/?>/g)) {
    out.push([...m[2]!.matchAll(/([\w:.-]+)="/g)].map((a) => a[1]!));
  }
  return out;
}

function roundTrip(s: Sylink): Sylink {
  return parseSylink(buildSylink(s));
}

describe('buildSylink: output form', () => {
  it('writes UTF-8 with the declaration, two-space indentation and a final newline', () => {
    const xml = buildSylink(parseSylink(SEP121_SAMPLE));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ServerSettings ')).toBe(true);
    expect(xml.endsWith('</ServerSettings>\n')).toBe(true);
    expect(xml).toContain('\n    <ServerList Name="Default Management Server List for My Site">\n');
    expect(xml).toContain(
      '<Server Address="1.1.1.1" HttpPort="8014" HttpsVerifyCA="0" VerifySignatures="1"/>',
    );
  });

  it('writes every attribute in alphabetical order, as SEPM does, including unknown ones', () => {
    const s = parseSylink(
      minimal(
        '<ServerList Zed="z" Name="L" Alpha="a"><ServerPriorityBlock Name="P"><Server VerifySignatures="1" Address="h" Mid="m" HttpPort="80"/></ServerPriorityBlock></ServerList><Unknown c="3" b="2" a="1"/>',
      ).replace('Kcs=', 'UploadLearnedApp="0" AlwaysConnect="1" Kcs='),
    );
    const orders = attributeOrders(buildSylink(s));
    expect(orders.length).toBeGreaterThan(5);
    for (const names of orders) expect(names).toEqual([...names].sort());
    expect(orders).toContainEqual(['Address', 'HttpPort', 'Mid', 'VerifySignatures']);
    expect(orders).toContainEqual(['a', 'b', 'c']);
  });

  it('escapes markup characters and keeps newlines, tabs and CR in attribute values', () => {
    const tricky = 'a<b>&c"d\'e\nf\tg\rh &amp; &#10; &lt; ]]> 😀';
    const base = createSylink({
      domainId: tricky,
      kcs: KCS,
      servers: [{ address: tricky }],
      preferredGroup: tricky,
    });
    const s: Sylink = {
      ...base,
      xml: {
        commConf: {
          children: [
            {
              type: 'element',
              name: 'T',
              attributes: { v: tricky },
              children: [{ type: 'text', text: tricky }],
            },
            { type: 'comment', text: ' <&> ' },
          ],
        },
      },
    };
    const xml = buildSylink(s);
    expect(xml).toContain('&#10;');
    expect(xml).toContain('&#9;');
    expect(xml).toContain('&#13;');
    expect(xml).toContain('&amp;amp;');
    const back = parseSylink(xml);
    expect(back.domainId).toBe(tricky);
    expect(back.serverLists[0]!.blocks[0]!.servers[0]!.address).toBe(tricky);
    expect(back.registerClient?.preferredGroup).toBe(tricky);
    expect(comparable(back.xml)).toEqual(comparable(s.xml));
  });

  it('writes the Kcs as 32 upper-case hex digits and certificates as one line of base64 DER', () => {
    const s = createSylink({
      domainId: 'D',
      kcs: KCS,
      servers: [{ address: 'a', certificate: certs[0] }],
    });
    const xml = buildSylink(s);
    expect(xml).toContain('Kcs="5CD564A466665A0333B3B710C0D506F1"');
    expect(xml).toContain(
      `<ServerCertList>\n      <Certificate Name="a">${b64(certs[0]!)}</Certificate>\n    </ServerCertList>`,
    );
  });

  it('keeps the raw spelling of a value while it still means the typed value', () => {
    const s = parseSylink(minimal('').replace('Kcs=', 'PushHeartbeatSeconds="0300" Kcs='));
    expect(buildSylink(s)).toContain('PushHeartbeatSeconds="0300"');
    const changed = { ...s, communication: { ...s.communication, pushHeartbeatSeconds: 600 } };
    expect(buildSylink(changed)).toContain('PushHeartbeatSeconds="600"');
  });

  it('lets typed fields win over known names in xml.attributes', () => {
    const base = createSylink({ domainId: 'D', kcs: KCS, servers: [] });
    const s: Sylink = {
      ...base,
      communication: {
        mode: 'PULL',
        xml: { attributes: { CommunicationMode: 'PUSH', Kcs: 'bogus', PushHeartbeatSeconds: '1' } },
      },
    };
    const back = parseSylink(buildSylink(s));
    expect(back.communication).toEqual({ mode: 'PULL' });
    expect(back.kcs.equals(KCS)).toBe(true);
  });

  it('resolves namespace prefixes of kept elements, and never parses a namespace URI as markup', () => {
    const s = parseSylink(
      minimal(
        '<x:Ext xmlns:x="&lt;Injected/&gt;" x:a="1"><x:In/><Plain xmlns="{&quot;json&quot;:1}"><Inner/></Plain></x:Ext>',
      ),
    );
    const xml = buildSylink(s);
    expect(xml).not.toContain('<Injected/>');
    expect(comparable(parseSylink(xml))).toEqual(comparable(s));
  });

  it.each([
    [
      'a port of 70000',
      (s: Sylink): Sylink => ({
        ...s,
        serverLists: [{ blocks: [{ servers: [{ address: 'a', httpPort: 70000 }] }] }],
      }),
      RangeError,
      /servers\[0\]\.httpPort/,
    ],
    [
      'a mode that is not PUSH/PULL',
      (s: Sylink): Sylink => ({ ...s, communication: { mode: 'push' as 'PUSH' } }),
      RangeError,
      /communication\.mode/,
    ],
    [
      'a boolean given as a string',
      (s: Sylink): Sylink => ({
        ...s,
        communication: { alwaysConnect: '1' as unknown as boolean },
      }),
      RangeError,
      /alwaysConnect/,
    ],
    [
      'U+0000 in a value',
      (s: Sylink): Sylink => ({ ...s, domainId: 'a\u0000b' }),
      RangeError,
      /well-formed/,
    ],
    [
      'an invalid element name',
      (s: Sylink): Sylink => ({
        ...s,
        xml: { children: [{ type: 'element', name: '1bad', attributes: {}, children: [] }] },
      }),
      RangeError,
      /well-formed/,
    ],
    [
      '"--" in a comment',
      (s: Sylink): Sylink => ({ ...s, xml: { children: [{ type: 'comment', text: 'a--b' }] } }),
      RangeError,
      /well-formed/,
    ],
    [
      'a Kcs that is a string',
      (s: Sylink): Sylink => ({ ...s, kcs: '5CD5' as unknown as Kcs }),
      TypeError,
      /kcs/,
    ],
    [
      'a server without address',
      (s: Sylink): Sylink => ({
        ...s,
        serverLists: [{ blocks: [{ servers: [{} as { address: string }] }] }],
      }),
      TypeError,
      /address/,
    ],
  ])('refuses a model with %s', (_, edit, type, message) => {
    const s = edit(createSylink({ domainId: 'D', kcs: KCS, servers: [] }));
    expect(() => buildSylink(s)).toThrow(type);
    expect(() => buildSylink(s)).toThrow(message);
  });
});

describe('round trip: parse(build(parse(x))) equals parse(x)', () => {
  const rich = () => `<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by a test --><?app v="1"?>
<ServerSettings DomainId="1E814550AC1E00027245A393F26DBE37" NameSpace="rpc" Version="14.3">
  <Meta>kept <b>as is</b>  with   spaces </Meta>
  <CommConf Extra="e">
    <AgentCommunicationSetting AlwaysConnect="1" CommunicationMode="PULL" Kcs="85fb05b288b45d92447a3edcbefc434e" PullHeartbeatSeconds="0060" Unknown="u"/>
    <!-- lists -->
    <ServerList Name="A">
      <ServerPriorityBlock Name="Priority1">
        <Server Address="10.0.0.1" HttpPort="8014" HttpsPort="443" HttpsVerifyCA="1" VerifySignatures="1"/>
        <Server Address="sepm2.example" HttpsPort="8443"><Opt k="v"/></Server>
      </ServerPriorityBlock>
      <ServerPriorityBlock Name="Priority2"><Server Address="::1"/></ServerPriorityBlock>
    </ServerList>
    <LogSetting Level="3"/>
    <ServerList Name="B"/>
    <ServerCertList Format="der">
      <Certificate Name="10.0.0.1">${b64(certs[0]!)}</Certificate>
      <!-- second -->
      <Certificate Name="sepm2.example" Kind="ec">
${b64(certs[1]!).replace(/(.{64})/g, '$1\n')}
      </Certificate>
    </ServerCertList>
    <RegisterClient PreferredGroup="My Company\\Servers" PreferredMode="1"/>
  </CommConf>
  tail text
</ServerSettings>
<!-- end -->`;

  it.each([
    ['the SEP 12.1 sample', () => SEP121_SAMPLE],
    ['a file with unknown parts everywhere', rich],
    [
      'a file in a default namespace, with xml:lang, an undeclaration and prefixes',
      () =>
        '<ServerSettings xmlns="urn:sepm" xml:lang="en" DomainId="D"><CommConf><AgentCommunicationSetting Kcs="0123456789ABCDEF0123456789ABCDEF"/><U xmlns=""><V/></U><p:W xmlns:p="urn:p" p:a="1" xmlns:q="urn:q"/></CommConf></ServerSettings>',
    ],
    [
      'a created file',
      () =>
        buildSylink(
          createSylink({
            domainId: 'D',
            kcs: KCS,
            servers: [{ address: 'a', certificate: certs[2] }],
          }),
        ),
    ],
  ])('%s', (_, source) => {
    const first = parseSylink(source());
    const xml = buildSylink(first);
    const second = parseSylink(xml);
    expect(comparable(second)).toEqual(comparable(first));
    // And the builder is stable: writing the re-read model gives the same bytes.
    expect(buildSylink(second)).toBe(xml);
  });

  it('keeps the unknown parts of the rich file in place', () => {
    const xml = buildSylink(parseSylink(rich()));
    expect(xml).toMatch(
      /^<\?xml[^>]*\?>\n<!-- exported by a test --><\?app v="1"\?><ServerSettings /,
    );
    expect(xml).toContain('<Meta>kept <b>as is</b>  with   spaces </Meta>');
    expect(xml.indexOf('<LogSetting')).toBeGreaterThan(xml.indexOf('<ServerList Name="A"'));
    expect(xml.indexOf('<LogSetting')).toBeLessThan(xml.indexOf('<ServerList Name="B"'));
    expect(xml).toContain('PullHeartbeatSeconds="0060"');
    // A known element's children are indented; a kept element's content is written as it was.
    expect(xml).toContain(
      '<Server Address="sepm2.example" HttpsPort="8443">\n          <Opt k="v"/>\n        </Server>',
    );
    // The root holds text of its own ("tail text"), so it gets no indentation that would change it.
    expect(xml).toContain(
      '<ServerSettings DomainId="1E814550AC1E00027245A393F26DBE37" NameSpace="rpc" Version="14.3"><Meta>',
    );
    expect(xml.endsWith('</ServerSettings><!-- end -->\n')).toBe(true);
  });

  it('places entries added to a parsed model after the last sibling of their kind', () => {
    const s = parseSylink(rich());
    const added: Sylink = { ...s, serverLists: [...s.serverLists, { name: 'C', blocks: [] }] };
    const xml = buildSylink(added);
    expect(xml.indexOf('<ServerList Name="C"/>')).toBeGreaterThan(
      xml.indexOf('<ServerList Name="B"'),
    );
    expect(xml.indexOf('<ServerList Name="C"/>')).toBeLessThan(xml.indexOf('<ServerCertList'));
    const removed: Sylink = { ...s, serverLists: [] };
    expect(parseSylink(buildSylink(removed)).serverLists).toEqual([]);
  });
});

describe('createSylink and helpers', () => {
  it("writes SEPM's defaults: PUSH mode, 300 s heartbeats, ports 8014/443", () => {
    const s = createSylink({ domainId: 'D', kcs: KCS, servers: [{ address: 'm1' }] });
    expect(s.communication).toEqual(SYLINK_DEFAULT_COMMUNICATION);
    expect(s.communication.mode).toBe('PUSH');
    expect(s.communication.pushHeartbeatSeconds).toBe(300);
    expect(s.nameSpace).toBe('rpc');
    expect(s.serverLists[0]!.blocks[0]).toEqual({
      name: 'Priority1',
      servers: [
        {
          address: 'm1',
          httpPort: 8014,
          httpsPort: 443,
          httpsVerifyCA: false,
          verifySignatures: true,
        },
      ],
    });
    expect(s.registerClient).toEqual({ preferredGroup: 'My Company\\Default Group' });
    expect(
      createSylink({ domainId: 'D', kcs: KCS, servers: [], preferredGroup: null }).registerClient,
    ).toBeUndefined();
  });

  it('groups servers into priority blocks and lists certificates once each', () => {
    const s = createSylink({
      domainId: 'D',
      kcs: KCS,
      servers: [
        { address: 'b', priority: 2, certificate: certs[1] },
        { address: 'a1', certificate: certs[0] },
        { address: 'a2', certificate: certs[0], httpsPort: 8443 },
        { address: 'c', priority: 7 },
      ],
      communication: { mode: 'PULL' },
    });
    expect(s.communication.mode).toBe('PULL');
    expect(s.communication.pullHeartbeatSeconds).toBe(300);
    expect(s.serverLists[0]!.blocks.map((b) => [b.name, b.servers.map((x) => x.address)])).toEqual([
      ['Priority1', ['a1', 'a2']],
      ['Priority2', ['b']],
      ['Priority3', ['c']],
    ]);
    expect(s.certificates.map((c) => c.name)).toEqual(['b', 'a1']);
    expect(serversInPriorityOrder(s).map((p) => [p.priority, p.server.address])).toEqual([
      [1, 'a1'],
      [1, 'a2'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(serversInPriorityOrder(s, { list: 'nope' })).toEqual([]);
    const trusted = trustedCertificates(s);
    expect(trusted).toHaveLength(2);
    expect(trusted[0]!.equal(certs[1]!)).toBe(true);
  });

  it('adds and removes certificates without touching the input', () => {
    const s = createSylink({
      domainId: 'D',
      kcs: KCS,
      servers: [{ address: 'a', certificate: certs[0] }],
    });
    const before = JSON.stringify(comparable(s));
    const added = withCertificate(s, 'new', certs[1]!);
    expect(added.certificates.map((c) => c.name)).toEqual(['a', 'new']);
    const replaced = withCertificate(added, 'a', certs[2]!);
    expect(replaced.certificates[0]!.certificate.equal(certs[2]!)).toBe(true);
    expect(withoutCertificate(replaced, 'new').certificates.map((c) => c.name)).toEqual(['a']);
    expect(withoutCertificate(replaced, certs[2]!).certificates.map((c) => c.name)).toEqual([
      'new',
    ]);
    expect(JSON.stringify(comparable(s))).toBe(before);
    expect(trustedCertificates(roundTrip(added)).map((c) => c.subject)).toEqual([
      'CN=sepm0.example',
      'CN=sepm1.example',
    ]);
  });

  it('refuses bad arguments with TypeError/RangeError', () => {
    expect(() => createSylink({ domainId: 'D', kcs: '00' as unknown as Kcs, servers: [] })).toThrow(
      TypeError,
    );
    expect(() =>
      createSylink({ domainId: 'D', kcs: KCS, servers: [{ address: 'a', httpPort: 0 }] }),
    ).toThrow(RangeError);
    expect(() =>
      createSylink({ domainId: 'D', kcs: KCS, servers: [{ address: 'a', priority: 0 }] }),
    ).toThrow(RangeError);
    expect(() => createSylink({ domainId: 1 as unknown as string, kcs: KCS, servers: [] })).toThrow(
      TypeError,
    );
  });
});
