import { beforeAll, describe, expect, it } from 'vitest';
import { KcsError, SylinkError } from '../../src/errors.js';
import { Kcs } from '../../src/kcs.js';
import type { X509Certificate } from '../../src/cert/x509.js';
import { SYLINK_DEFAULT_LIMITS, parseSylink } from '../../src/sylink/index.js';
import { SEP121_SAMPLE, b64, makeCertificates, minimal } from './fixtures.js';

let certs: X509Certificate[];
beforeAll(async () => {
  certs = await makeCertificates(2);
});

function utf16(text: string, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, littleEndian);
  for (let i = 0; i < text.length; i++) view.setUint16(2 + 2 * i, text.charCodeAt(i), littleEndian);
  return out;
}

function refusal(f: () => unknown): SylinkError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SylinkError);
    return e as SylinkError;
  }
  throw new Error('expected a SylinkError, but parsing succeeded');
}

describe('parseSylink: the public SEP 12.1 sample', () => {
  it('parses with its Kcs, settings and server', () => {
    const s = parseSylink(new TextEncoder().encode(SEP121_SAMPLE));
    expect(s.domainId).toBe('87DXXXXXXXXXXXXXXXXXXXXXXXX69A');
    expect(s.nameSpace).toBe('rpc');
    expect(s.kcs.equals(Kcs.parse('5CD564A466665A0333B3B710C0D506F1'))).toBe(true);
    expect(s.communication).toEqual({
      alwaysConnect: true,
      mode: 'PUSH',
      disableDownloadProfile: false,
      pushHeartbeatSeconds: 300,
      randomizationEnabled: true,
      randomizationRange: 300,
      rememberCurrentGroup: false,
      rememberCurrentPolicyMode: true,
      uploadCmdStateHeartbeatSeconds: 300,
      uploadLearnedApp: false,
      uploadLogHeartbeatSeconds: 300,
      uploadOpStateHeartbeatSeconds: 300,
    });
    expect(s.serverLists).toEqual([
      {
        name: 'Default Management Server List for My Site',
        blocks: [
          {
            name: 'Priority1',
            servers: [
              { address: '1.1.1.1', httpPort: 8014, httpsVerifyCA: false, verifySignatures: true },
            ],
          },
        ],
      },
    ]);
    expect(s.certificates).toEqual([]);
    expect(s.registerClient).toBeUndefined();
    // Nothing outside the typed model: the sample is entirely known.
    expect(s.xml).toBeUndefined();
  });

  it('reads the same model from UTF-8 with BOM, UTF-16LE/BE with BOM and a string with BOM', () => {
    const reference = parseSylink(SEP121_SAMPLE);
    const utf16Text = SEP121_SAMPLE.replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const variants: Array<Uint8Array | string> = [
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(SEP121_SAMPLE)]),
      utf16(utf16Text, true),
      utf16(utf16Text, false),
      `\uFEFF${SEP121_SAMPLE}`,
    ];
    for (const input of variants) {
      const s = parseSylink(input);
      expect(s.kcs.equals(reference.kcs)).toBe(true);
      expect(s.serverLists).toEqual(reference.serverLists);
      expect(s.communication).toEqual(reference.communication);
    }
  });

  it('keeps non-ASCII text from UTF-16 input', () => {
    const text = minimal('<RegisterClient PreferredGroup="Société\\Grüppe 😀"/>').replace(
      'UTF-8',
      'UTF-16',
    );
    expect(parseSylink(utf16(text, false)).registerClient?.preferredGroup).toBe(
      'Société\\Grüppe 😀',
    );
  });
});

describe('parseSylink: certificates (ServerCertList, this library assumption)', () => {
  const list = (inner: string) => minimal(`<ServerCertList>${inner}</ServerCertList>`);

  it('reads base64 DER, base64 with white space, PEM and CDATA content', () => {
    const der = b64(certs[0]!);
    const wrapped = der.replace(/(.{64})/g, '$1\n      ');
    const pem = `-----BEGIN CERTIFICATE-----\n${der.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----`;
    const s = parseSylink(
      list(
        `<Certificate Name="a">${der}</Certificate>` +
          `<Certificate Name="b">\n  ${wrapped}\n</Certificate>` +
          `<Certificate Name="c">${pem}</Certificate>` +
          `<Certificate Name="d"><![CDATA[${b64(certs[1]!)}]]></Certificate>`,
      ),
    );
    expect(s.certificates.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd']);
    for (const c of s.certificates.slice(0, 3)) expect(c.certificate.equal(certs[0]!)).toBe(true);
    expect(s.certificates[3]!.certificate.equal(certs[1]!)).toBe(true);
    expect(s.certificates[0]!.certificate.subject).toBe('CN=sepm0.example');
  });

  it.each([
    ['not base64', 'not*base64!'],
    ['base64 that is not a certificate', Buffer.from('hello world, not DER').toString('base64')],
    ['empty content', ''],
    ['a truncated certificate', 'TRUNCATE'],
    ['trailing bytes after the certificate', 'TRAILING'],
  ])('refuses %s with ERR_SYLINK_BAD_CERTIFICATE', (_, content) => {
    const der = Buffer.from(certs[0]!.rawData);
    const body =
      content === 'TRUNCATE'
        ? der.subarray(0, der.length - 10).toString('base64')
        : content === 'TRAILING'
          ? Buffer.concat([der, Buffer.from([0, 0])]).toString('base64')
          : content;
    const e = refusal(() => parseSylink(list(`<Certificate Name="x">${body}</Certificate>`)));
    expect(e.code).toBe('ERR_SYLINK_BAD_CERTIFICATE');
    expect(e.line).toBe(2);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('refuses a certificate without a Name', () => {
    const e = refusal(() => parseSylink(list(`<Certificate>${b64(certs[0]!)}</Certificate>`)));
    expect(e.code).toBe('ERR_SYLINK_MISSING_ELEMENT');
  });
});

describe('parseSylink: required parts and value forms', () => {
  it('reads a lower-case Kcs', () => {
    const s = parseSylink(minimal('', '5cd564a466665a0333b3b710c0d506f1'));
    expect(s.kcs.toHex()).toBe('5CD564A466665A0333B3B710C0D506F1');
  });

  it('refuses a bad Kcs with ERR_SYLINK_BAD_KCS, the KcsError as cause, and no key material in the message', () => {
    const bad = '5CD564A466665A0333B3B710C0D506FZ';
    const e = refusal(() => parseSylink(minimal('', bad)));
    expect(e.code).toBe('ERR_SYLINK_BAD_KCS');
    expect(e.cause).toBeInstanceOf(KcsError);
    expect(e.message).not.toContain('5CD564');
    expect([e.line, e.column]).toEqual([2, expect.any(Number)]);
  });

  it.each([
    ['a root other than ServerSettings', '<Other DomainId="D"/>'],
    [
      'no DomainId',
      '<ServerSettings><CommConf><AgentCommunicationSetting Kcs="0123456789ABCDEF0123456789ABCDEF"/></CommConf></ServerSettings>',
    ],
    ['no CommConf', '<ServerSettings DomainId="D"/>'],
    ['no AgentCommunicationSetting', '<ServerSettings DomainId="D"><CommConf/></ServerSettings>'],
    [
      'no Kcs',
      '<ServerSettings DomainId="D"><CommConf><AgentCommunicationSetting/></CommConf></ServerSettings>',
    ],
    [
      'a Server without Address',
      minimal(
        '<ServerList><ServerPriorityBlock><Server HttpPort="80"/></ServerPriorityBlock></ServerList>',
      ),
    ],
  ])('refuses %s with ERR_SYLINK_MISSING_ELEMENT', (_, xml) => {
    const e = refusal(() => parseSylink(xml));
    expect(e.code).toBe('ERR_SYLINK_MISSING_ELEMENT');
    expect(e.line).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['CommConf', '<ServerSettings DomainId="D"><CommConf/><CommConf/></ServerSettings>'],
    [
      'AgentCommunicationSetting',
      minimal('<AgentCommunicationSetting Kcs="0123456789ABCDEF0123456789ABCDEF"/>'),
    ],
    ['ServerCertList', minimal('<ServerCertList/><ServerCertList/>')],
    ['RegisterClient', minimal('<RegisterClient/><RegisterClient/>')],
  ])('refuses a second %s with ERR_SYLINK_DUPLICATE_ELEMENT', (_, xml) => {
    expect(refusal(() => parseSylink(xml)).code).toBe('ERR_SYLINK_DUPLICATE_ELEMENT');
  });

  const server = (attrs: string) =>
    minimal(
      `<ServerList><ServerPriorityBlock><Server Address="a" ${attrs}/></ServerPriorityBlock></ServerList>`,
    );
  const acs = (attrs: string) =>
    `<ServerSettings DomainId="D"><CommConf><AgentCommunicationSetting Kcs="0123456789ABCDEF0123456789ABCDEF" ${attrs}/></CommConf></ServerSettings>`;
  it.each([
    server('HttpPort="0"'),
    server('HttpPort="65536"'),
    server('HttpsPort="443 "'),
    server('HttpsPort="-1"'),
    server('HttpPort="1e3"'),
    server('HttpPort="0x50"'),
    server('VerifySignatures="true"'),
    server('HttpsVerifyCA=""'),
    acs('AlwaysConnect="yes"'),
    acs('CommunicationMode="push"'),
    acs('PushHeartbeatSeconds="five"'),
    acs('RandomizationRange="99999999999"'),
  ])('refuses a value of the wrong form with ERR_SYLINK_INVALID_VALUE (%#)', (xml) => {
    const e = refusal(() => parseSylink(xml));
    expect(e.code).toBe('ERR_SYLINK_INVALID_VALUE');
    expect(e.line).toBe(xml.startsWith('<?xml') ? 2 : 1);
  });

  it('types ports, flags and the mode, and keeps a non-canonical spelling in xml.raw', () => {
    const s = parseSylink(
      server('HttpPort="08014" HttpsPort="443" HttpsVerifyCA="1" VerifySignatures="0"').replace(
        'Kcs=',
        'CommunicationMode="PULL" PullHeartbeatSeconds="0600" Kcs=',
      ),
    );
    expect(s.serverLists[0]!.blocks[0]!.servers[0]).toEqual({
      address: 'a',
      httpPort: 8014,
      httpsPort: 443,
      httpsVerifyCA: true,
      verifySignatures: false,
      xml: { raw: { HttpPort: '08014' } },
    });
    expect(s.communication).toEqual({
      mode: 'PULL',
      pullHeartbeatSeconds: 600,
      xml: { raw: { PullHeartbeatSeconds: '0600' } },
    });
  });

  it('accepts a DomainId that is not hex (the public sample is redacted)', () => {
    expect(parseSylink(SEP121_SAMPLE).domainId).toMatch(/X/);
  });
});

describe('parseSylink: what the model does not type is kept in place', () => {
  it('keeps unknown attributes, elements, comments, text, CDATA and PIs with their order', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- before --><?app before?>
<ServerSettings DomainId="D" Extra="1">
  <Unknown0 a="b"/>
  <CommConf Version="2">
    <!-- first -->
    <ServerList Name="L" Tag="t">
      <ServerPriorityBlock Name="Priority1">
        <Server Address="h" Weight="5"><Opt>x</Opt></Server>
        <Note>between</Note>
        <Server Address="i"/>
      </ServerPriorityBlock>
    </ServerList>
    <AgentCommunicationSetting Kcs="0123456789ABCDEF0123456789ABCDEF" LogLevel="3"><Child/></AgentCommunicationSetting>
    <LogSetting MaxSize="512"><![CDATA[<raw>]]>text &amp; more<?pi body?></LogSetting>
    <RegisterClient PreferredGroup="My Company\\Default Group" PreferredMode="1"/>
  </CommConf>
</ServerSettings>
<!-- after -->`;
    const s = parseSylink(xml);
    expect(s.xml?.prolog).toEqual([
      { type: 'comment', text: ' before ' },
      { type: 'pi', target: 'app', body: 'before' },
    ]);
    expect(s.xml?.epilog).toEqual([{ type: 'comment', text: ' after ' }]);
    expect(s.xml?.attributes).toEqual({ Extra: '1' });
    expect(s.xml?.children).toEqual([
      { type: 'element', name: 'Unknown0', attributes: { a: 'b' }, children: [] },
    ]);
    expect(s.xml?.order).toEqual(['#', 'CommConf']);
    expect(s.xml?.commConf?.attributes).toEqual({ Version: '2' });
    expect(s.xml?.commConf?.order).toEqual([
      '#',
      'ServerList',
      'AgentCommunicationSetting',
      '#',
      'RegisterClient',
    ]);
    expect(s.xml?.commConf?.children?.[1]).toEqual({
      type: 'element',
      name: 'LogSetting',
      attributes: { MaxSize: '512' },
      children: [
        { type: 'cdata', text: '<raw>' },
        { type: 'text', text: 'text & more' },
        { type: 'pi', target: 'pi', body: 'body' },
      ],
    });
    expect(s.communication.xml).toEqual({
      attributes: { LogLevel: '3' },
      children: [{ type: 'element', name: 'Child', attributes: {}, children: [] }],
    });
    const block = s.serverLists[0]!.blocks[0]!;
    expect(block.xml?.order).toEqual(['Server', '#', 'Server']);
    expect(block.servers[0]!.xml).toEqual({
      attributes: { Weight: '5' },
      children: [
        { type: 'element', name: 'Opt', attributes: {}, children: [{ type: 'text', text: 'x' }] },
      ],
    });
    expect(s.serverLists[0]!.xml).toEqual({ attributes: { Tag: 't' } });
    expect(s.registerClient).toEqual({
      preferredGroup: 'My Company\\Default Group',
      xml: { attributes: { PreferredMode: '1' } },
    });
  });

  it('keeps attributes named like Object.prototype members as data', () => {
    const s = parseSylink(minimal('<X __proto__="p" constructor="c" hasOwnProperty="h"/>'));
    const el = s.xml?.commConf?.children?.[0];
    expect(el?.type === 'element' && Object.keys(el.attributes)).toEqual([
      '__proto__',
      'constructor',
      'hasOwnProperty',
    ]);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('keeps namespaced unknown elements and attributes', () => {
    const s = parseSylink(minimal('<x:Ext xmlns:x="urn:example" x:a="1"><x:In/></x:Ext>'));
    expect(s.xml?.commConf?.children).toEqual([
      {
        type: 'element',
        name: 'x:Ext',
        attributes: { 'xmlns:x': 'urn:example', 'x:a': '1' },
        children: [{ type: 'element', name: 'x:In', attributes: {}, children: [] }],
      },
    ]);
  });
});

describe('parseSylink: options and arguments', () => {
  it('has the documented default limits', () => {
    expect(SYLINK_DEFAULT_LIMITS).toEqual({
      maxBytes: 1048576,
      maxDepth: 32,
      maxElements: 10000,
      maxAttributes: 64,
      maxAttributeLength: 8192,
      maxTextLength: 262144,
    });
  });

  it.each([
    [{ maxBytes: 100 }, minimal()],
    [{ maxDepth: 3 }, minimal('<A><B/></A>')],
    [{ maxElements: 4 }, minimal('<A/><B/>')],
    [{ maxAttributes: 2 }, minimal('<A a="1" b="2" c="3"/>')],
    [{ maxAttributeLength: 5 }, minimal('<A a="123456"/>').replace('DomainId="D"', 'DomainId="x"')],
    [{ maxTextLength: 5 }, minimal('<A>123456</A>')],
  ])('enforces %o with ERR_SYLINK_LIMIT_EXCEEDED', (options, xml) => {
    const e = refusal(() => parseSylink(xml, { maxAttributeLength: 100, ...options }));
    expect(e.code).toBe('ERR_SYLINK_LIMIT_EXCEEDED');
    // The same input passes without the limit, so the limit is what refused it.
    expect(() => parseSylink(xml)).not.toThrow();
  });

  it('counts the UTF-8 bytes of a string against maxBytes', () => {
    const xml = minimal('<A>ééééé</A>');
    const bytes = new TextEncoder().encode(xml).length;
    expect(refusal(() => parseSylink(xml, { maxBytes: bytes - 1 })).code).toBe(
      'ERR_SYLINK_LIMIT_EXCEEDED',
    );
    expect(() => parseSylink(xml, { maxBytes: bytes })).not.toThrow();
  });

  it('throws TypeError/RangeError for caller bugs', () => {
    expect(() => parseSylink(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseSylink(minimal(), { maxDepth: 0 })).toThrow(RangeError);
    expect(() => parseSylink(minimal(), { maxBytes: 1.5 })).toThrow(RangeError);
  });
});

describe('parseSylink: decoded-certificate cache', () => {
  it('reuses a decoded certificate, but not one whose bytes were changed by a caller', () => {
    const xml = minimal(
      `<ServerCertList><Certificate Name="a">${b64(certs[1]!)}</Certificate></ServerCertList>`,
    );
    const first = parseSylink(xml).certificates[0]!.certificate;
    expect(parseSylink(xml).certificates[0]!.certificate).toBe(first);
    new Uint8Array(first.rawData).fill(0);
    const third = parseSylink(xml).certificates[0]!.certificate;
    expect(third).not.toBe(first);
    expect(third.equal(certs[1]!)).toBe(true);
  });
});

describe('parseSylink: error positions', () => {
  it('points model errors at the start of the element, even when its tag spans lines', () => {
    const bad = SEP121_SAMPLE.replace('Kcs="5CD564A466665A0333B3B710C0D506F1"', 'Kcs="short"');
    const e = refusal(() => parseSylink(bad));
    expect(e.code).toBe('ERR_SYLINK_BAD_KCS');
    // `<AgentCommunicationSetting` opens line 4 at column 5; its Kcs is on line 5.
    expect([e.line, e.column]).toEqual([4, 5]);
    expect(e.message).toContain('(line 4, column 5)');
  });

  it('points a bad server value at its Server element', () => {
    const bad = SEP121_SAMPLE.replace('HttpPort="8014"', 'HttpPort="80x"');
    expect(refusal(() => parseSylink(bad))).toMatchObject({
      code: 'ERR_SYLINK_INVALID_VALUE',
      line: 12,
      column: 9,
    });
  });
});
