/**
 * The builder's golden corpus (test/sylink/writer.test.ts): sylink models whose `buildSylink`
 * output was recorded in `vectors/builder-golden.json` with the builder as it was before its
 * own XML writer replaced xmlbuilder2 (issue 16), so the test proves the new writer gives the
 * same bytes. Hand-written documents are recorded in full; models drawn from the arbitraries
 * (fixed seeds) as a short SHA-256 of the output, or the class of the error thrown.
 *
 * Everything here is deterministic: the certificates are the committed ones (the sylink vector's
 * and the policy vector identity's), and fast-check samples with fixed seeds.
 *
 * To record again (only when a change of the output is intended; say why in the commit):
 * `node --import tsx test/sylink/golden.ts --write "<what the builder is>"`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { X509Certificate } from '../../src/cert/x509.js';
import { Kcs } from '../../src/kcs.js';
import { createSylink, parseSylink, type Sylink, type XmlNode } from '../../src/sylink/index.js';
import { sylinkArb } from './arbitraries.js';
import { SEP121_SAMPLE, b64, minimal } from './fixtures.js';

/** Where the recorded outputs are. */
export const GOLDEN = new URL('./vectors/builder-golden.json', import.meta.url);

/** The recorded file's shape. */
export interface Golden {
  readonly recordedWith: string;
  readonly documents: Record<string, string>;
  readonly random: Record<string, string[]>;
}

/** The two committed certificates (no key is committed with either). */
export function fixedCertificates(): X509Certificate[] {
  const vector = readFileSync(new URL('./vectors/sylink-v1.xml', import.meta.url), 'utf8');
  const pem = readFileSync(
    new URL('../policy/fixtures/vector-identity.crt.pem', import.meta.url),
    'utf8',
  );
  return [parseSylink(vector).certificates[0]!.certificate, new X509Certificate(pem)];
}

const KCS = Kcs.parse('5CD564A466665A0333B3B710C0D506F1');

/** Hand-written documents and models, by name. */
export function documents(certs: readonly X509Certificate[]): Record<string, () => Sylink> {
  const [c0, c1] = certs as [X509Certificate, X509Certificate];
  const tricky = 'a<b>&c"d\'e\nf\tg\rh &amp; &#10; &lt; ]]> 😀 \u2028';
  const rich = `<?xml version="1.0" encoding="UTF-8"?>
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
      <Certificate Name="10.0.0.1">${b64(c0)}</Certificate>
      <!-- second -->
      <Certificate Name="sepm2.example" Kind="ec">
${b64(c1).replace(/(.{64})/g, '$1\n')}
      </Certificate>
    </ServerCertList>
    <RegisterClient PreferredGroup="My Company\\Servers" PreferredMode="1"/>
  </CommConf>
  tail text
</ServerSettings>
<!-- end -->`;
  const created = (): Sylink =>
    createSylink({
      domainId: '1E814550AC1E00027245A393F26DBE37',
      kcs: KCS,
      servers: [
        { address: 'b', priority: 2, certificate: c1 },
        { address: 'a1', certificate: c0 },
        { address: 'a2', certificate: c0, httpsPort: 8443 },
        { address: 'c', priority: 7 },
      ],
      communication: { mode: 'PULL' },
    });
  return {
    'SEP 12.1 sample': () => parseSylink(SEP121_SAMPLE),
    'sylink-v1 vector': () =>
      parseSylink(readFileSync(new URL('./vectors/sylink-v1.xml', import.meta.url))),
    'unknown parts everywhere': () => parseSylink(rich),
    'namespaces, xml:lang, an undeclaration and prefixes': () =>
      parseSylink(
        '<ServerSettings xmlns="urn:sepm" xml:lang="en" DomainId="D"><CommConf><AgentCommunicationSetting Kcs="0123456789ABCDEF0123456789ABCDEF"/><U xmlns=""><V/></U><p:W xmlns:p="urn:p" p:a="1" xmlns:q="urn:q"/><p:X xmlns:p="urn:p"><p:Y xmlns:p="urn:other" xmlns="urn:p"><Z/></p:Y></p:X></CommConf></ServerSettings>',
      ),
    'a namespace URI that looks like markup': () =>
      parseSylink(
        minimal(
          '<x:Ext xmlns:x="&lt;Injected/&gt;" x:a="1"><x:In/><Plain xmlns="{&quot;json&quot;:1}"><Inner/></Plain></x:Ext>',
        ),
      ),
    'XHTML void elements': () =>
      parseSylink(
        minimal(
          '<h:div xmlns:h="http://www.w3.org/1999/xhtml"><h:br/><h:p/><h:img src="x"/></h:div>',
        ),
      ),
    'attribute order, unknown attributes': () =>
      parseSylink(
        minimal(
          '<ServerList Zed="z" Name="L" Alpha="a"><ServerPriorityBlock Name="P"><Server VerifySignatures="1" Address="h" Mid="m" HttpPort="80"/></ServerPriorityBlock></ServerList><Unknown c="3" b="2" a="1" constructor="x" __proto__="y"/>',
        ).replace('Kcs=', 'UploadLearnedApp="0" AlwaysConnect="1" Kcs='),
      ),
    'raw spellings kept': () =>
      parseSylink(minimal('').replace('Kcs=', 'PushHeartbeatSeconds="0300" Kcs=')),
    'escapes in every place': () => {
      const base = createSylink({
        domainId: tricky,
        kcs: KCS,
        servers: [{ address: tricky, certificate: c0 }],
        preferredGroup: tricky,
      });
      const children: XmlNode[] = [
        {
          type: 'element',
          name: 'T',
          attributes: { v: tricky },
          children: [{ type: 'text', text: tricky }],
        },
        { type: 'comment', text: ' <&> ' },
        { type: 'cdata', text: 'a<b>&c' },
        { type: 'cdata', text: '' },
        { type: 'pi', target: 'pi', body: '' },
        { type: 'pi', target: 'pi', body: 'a <b> & c' },
        { type: 'element', name: 'Empty', attributes: {}, children: [{ type: 'text', text: '' }] },
      ];
      return { ...base, xml: { commConf: { children }, prolog: [{ type: 'comment', text: 'p' }] } };
    },
    'a created file with four servers': created,
    'a created file with no certificate and no RegisterClient': () =>
      createSylink({ domainId: 'D', kcs: KCS, servers: [{ address: 'm1' }], preferredGroup: null }),
  };
}

// Names, prefixes and namespace URIs that exercise the namespace bookkeeping of the writer.
const NS_URIS = [
  'urn:a',
  'urn:b',
  '',
  'http://www.w3.org/1999/xhtml',
  'http://www.w3.org/XML/1998/namespace',
];
const nsAttributes = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'xmlns',
        'xmlns:p',
        'xmlns:q',
        'xmlns:ns1',
        'p:a',
        'q:a',
        'q:b',
        'a',
        'xml:lang',
        'ns1:a',
      ),
      fc.constantFrom(...NS_URIS, 'v'),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => Object.fromEntries(pairs));
const { nsNode } = fc.letrec<{ nsNode: XmlNode }>((tie) => ({
  nsNode: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<XmlNode>(
      { type: 'text', text: 'T' },
      { type: 'text', text: '' },
      { type: 'cdata', text: '' },
      { type: 'comment', text: 'c' },
    ),
    fc
      .tuple(
        fc.constantFrom('E', 'p:E', 'q:E', 'br', 'p:br', 'ns1:E', 'xml:E'),
        nsAttributes,
        fc.array(tie('nsNode'), { maxLength: 3 }),
      )
      .map(([name, attributes, children]): XmlNode => ({
        type: 'element',
        name,
        attributes,
        children,
      })),
  ),
}));

/** Models drawn with fixed seeds, by name. */
export function randomModels(certs: readonly X509Certificate[]): Record<string, Sylink[]> {
  const models = fc.sample(sylinkArb(certs), { numRuns: 400, seed: 1 });
  const ns = fc.sample(fc.tuple(nsAttributes, fc.array(nsNode, { maxLength: 4 }), nsAttributes), {
    numRuns: 400,
    seed: 2,
  });
  return {
    'sylinkArb, seed 1': models,
    'namespaces, seed 2': ns.map(([rootAttributes, children, commConfAttributes], i) => {
      const s = models[i]!;
      return {
        ...s,
        xml: {
          ...s.xml,
          // Prefixes declared at the root, so that most models are writable.
          attributes: {
            'xmlns:p': 'urn:a',
            'xmlns:q': 'urn:b',
            'xmlns:ns1': 'urn:a',
            ...rootAttributes,
          },
          children,
          commConf: { attributes: commConfAttributes, children: children.slice(0, 2) },
        },
      };
    }),
  };
}

/** What a build gives: the text, or the class of the error. */
export function outcome(build: (s: Sylink) => string, model: Sylink): string {
  try {
    return build(model);
  } catch (e) {
    return `throws ${(e as Error).constructor.name}`;
  }
}

/** A random model's recorded form: 16 hex digits of the SHA-256 of its outcome. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The whole record, as `build` gives it. */
export function record(build: (s: Sylink) => string, recordedWith: string): Golden {
  const certs = fixedCertificates();
  const docs: Record<string, string> = {};
  for (const [name, model] of Object.entries(documents(certs)))
    docs[name] = outcome(build, model());
  const random: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(randomModels(certs))) {
    random[name] = list.map((m) => digest(outcome(build, m)));
  }
  return { recordedWith, documents: docs, random };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--write') {
  const { buildSylink } = await import('../../src/sylink/index.js');
  const golden = record(buildSylink, process.argv[3] ?? 'buildSylink');
  writeFileSync(GOLDEN, `${JSON.stringify(golden, null, 2)}\n`);
}
