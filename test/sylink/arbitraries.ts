/**
 * fast-check arbitraries of sylink models, shared by the property tests and the builder's golden
 * test (test/sylink/writer.test.ts). That test compares the builder's output for models drawn
 * from these with fixed seeds against recorded outputs, so changing these arbitraries means
 * recording that file again (see its header).
 */
import fc from 'fast-check';
import type { X509Certificate } from '../../src/cert/x509.js';
import { Kcs } from '../../src/kcs.js';
import { SYLINK_ELEMENTS, type Sylink, type XmlNode } from '../../src/sylink/index.js';
import { COMMUNICATION_ATTRIBUTES, SERVER_ATTRIBUTES } from '../../src/sylink/values.js';

// Characters XML 1.0 §2.2 does not allow, replaced so that the generated models are writable.
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const text = fc
  .string({
    unit: fc.oneof(
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '<',
          '>',
          '&',
          '"',
          "'",
          '\n',
          '\t',
          '\r',
          '\r\n',
          ' ',
          ']]>',
          '&amp;',
          '&#10;',
          '&lt;',
          'é',
          '😀',
          '\u2028',
        ),
      },
      { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    ),
    maxLength: 12,
  })
  .map((s) => s.replace(NOT_XML_CHAR, '?'));

const KNOWN_ATTRIBUTES = new Set([
  'DomainId',
  'NameSpace',
  'Kcs',
  'Name',
  'PreferredGroup',
  ...COMMUNICATION_ATTRIBUTES.map((s) => s.attr),
  ...SERVER_ATTRIBUTES.map((s) => s.attr),
]);
const KNOWN_ELEMENTS = new Set<string>(Object.values(SYLINK_ELEMENTS));

export const name = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,6}$/)
  .filter((n) => !/^xml/i.test(n) && !KNOWN_ELEMENTS.has(n) && !KNOWN_ATTRIBUTES.has(n));
const attrName = fc.oneof(
  name,
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
);

const record = (keys: fc.Arbitrary<string>, values: fc.Arbitrary<string>) =>
  fc.array(fc.tuple(keys, values), { maxLength: 3 }).map((pairs) => {
    const out: Record<string, string> = {};
    for (const [k, v] of pairs)
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  });

// XML 1.0 §2.11 turns CR into LF in comments, CDATA and PIs, where no reference can keep it.
const noCr = (t: string) => t.replace(/\r/g, '\n');
const comment = text.map((t): XmlNode => ({ type: 'comment', text: noCr(t).replace(/-/g, '_') }));
const pi = fc.tuple(name, text).map(([target, body]): XmlNode => ({
  type: 'pi',
  target,
  body: noCr(body)
    .split('?>')
    .join('? >')
    .replace(/^[ \t\n]+/, ''),
}));

export const { node } = fc.letrec<{ node: XmlNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    // A non-white-space first character: white-space-only text in a known element is indentation.
    text.map((t): XmlNode => ({ type: 'text', text: `T${t}` })),
    comment,
    // Parsers do not report an empty CDATA section.
    text.map((t): XmlNode => ({ type: 'cdata', text: `C${noCr(t).split(']]>').join(']] >')}` })),
    pi,
    fc
      .tuple(name, record(attrName, text), fc.array(tie('node'), { maxLength: 3 }))
      .map(([n, attributes, children]): XmlNode => ({
        type: 'element',
        name: n,
        attributes,
        children,
      })),
  ),
}));

const extras = (kinds: readonly string[], withText = true) =>
  fc.option(
    fc.record(
      {
        attributes: record(attrName, text),
        // Text inside a Certificate would be part of its base64.
        children: fc.array(
          withText ? node : node.filter((n) => n.type !== 'text' && n.type !== 'cdata'),
          { maxLength: 3 },
        ),
        order: fc.array(fc.constantFrom(...kinds, '#', 'Bogus'), { maxLength: 6 }),
      },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  );

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const seconds = fc.integer({ min: 0, max: 0x7fffffff });
const port = fc.integer({ min: 1, max: 65535 });

const server = fc.record(
  {
    address: text,
    httpPort: port,
    httpsPort: port,
    httpsVerifyCA: fc.boolean(),
    verifySignatures: fc.boolean(),
    xml: extras([]),
  },
  { requiredKeys: ['address'] },
);
const block = fc.record(
  { name: text, servers: fc.array(server, { maxLength: 3 }), xml: extras(['Server']) },
  { requiredKeys: ['servers'] },
);
const serverList = fc.record(
  { name: text, blocks: fc.array(block, { maxLength: 3 }), xml: extras(['ServerPriorityBlock']) },
  { requiredKeys: ['blocks'] },
);
const communication = fc.record(
  {
    alwaysConnect: fc.boolean(),
    mode: fc.constantFrom('PUSH' as const, 'PULL' as const),
    disableDownloadProfile: fc.boolean(),
    pushHeartbeatSeconds: seconds,
    pullHeartbeatSeconds: seconds,
    randomizationEnabled: fc.boolean(),
    randomizationRange: seconds,
    rememberCurrentGroup: fc.boolean(),
    rememberCurrentPolicyMode: fc.boolean(),
    uploadCmdStateHeartbeatSeconds: seconds,
    uploadLearnedApp: fc.boolean(),
    uploadLogHeartbeatSeconds: seconds,
    uploadOpStateHeartbeatSeconds: seconds,
    xml: extras([]),
  },
  { requiredKeys: [] },
);
const prologNode = fc.oneof(comment, pi);

/** Random models (every typed field, unknown parts everywhere), certificates drawn from `certs`. */
export const sylinkArb = (certs: readonly X509Certificate[]): fc.Arbitrary<Sylink> =>
  fc
    .record({
      domainId: text,
      nameSpace: opt(text),
      kcs: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Kcs.fromBytes(b)),
      communication,
      serverLists: fc.array(serverList, { maxLength: 3 }),
      certificates: fc.array(
        fc.record(
          { name: text, certificate: fc.constantFrom(...certs), xml: extras([], false) },
          { requiredKeys: ['name', 'certificate'] },
        ),
        { maxLength: 3 },
      ),
      registerClient: opt(
        fc.record({ preferredGroup: text, xml: extras([]) }, { requiredKeys: [] }),
      ),
      root: extras(['CommConf']),
      commConf: extras([
        'AgentCommunicationSetting',
        'ServerList',
        'ServerCertList',
        'RegisterClient',
      ]),
      certificateList: extras(['Certificate']),
      prolog: fc.array(prologNode, { maxLength: 2 }),
      epilog: fc.array(prologNode, { maxLength: 2 }),
    })
    .map(({ root, commConf, certificateList, prolog, epilog, ...rest }): Sylink => ({
      ...rest,
      xml: { ...root, prolog, epilog, commConf, certificateList },
    }));
