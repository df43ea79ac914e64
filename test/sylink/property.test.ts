/**
 * Property tests (fast-check): random strings in every field (newlines, tabs, CR, unicode,
 * `<&"'`, `]]>`, things that look like references), random unknown attributes and elements,
 * comments, CDATA, PIs and random child orders survive build -> parse; the builder is stable
 * after one round; and the parser answers any input with a model or a SylinkError, quickly.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { X509Certificate } from '../../src/cert/x509.js';
import { SylinkError } from '../../src/errors.js';
import {
  buildSylink,
  parseSylink,
  type ElementExtras,
  type Sylink,
  type XmlNode,
} from '../../src/sylink/index.js';
import { sylinkArb } from './arbitraries.js';
import { SEP121_SAMPLE, b64, comparable, makeCertificates } from './fixtures.js';

let certs: X509Certificate[];
beforeAll(async () => {
  certs = await makeCertificates(2);
});

/** Adjacent text nodes become one, as any XML parser reports them. */
function mergeText(nodes: readonly XmlNode[] | undefined): XmlNode[] {
  const out: XmlNode[] = [];
  for (const n of nodes ?? []) {
    const last = out[out.length - 1];
    if (n.type === 'text' && last?.type === 'text')
      out[out.length - 1] = { type: 'text', text: last.text + n.text };
    else if (n.type === 'element') out.push({ ...n, children: mergeText(n.children) });
    else out.push(n);
  }
  return out;
}

/** What must survive: typed fields, unknown attributes and kept children of every element. */
function survivors(s: Sylink): unknown {
  const kept = (x: ElementExtras | undefined) => ({
    attributes: x?.attributes ?? {},
    children: mergeText(x?.children),
  });
  const { xml, communication, serverLists, certificates, registerClient, ...top } = s;
  const { xml: cx, ...typedCommunication } = communication;
  return comparable({
    top,
    communication: typedCommunication,
    communicationXml: kept(cx),
    lists: serverLists.map(({ xml: lx, blocks, ...l }) => ({
      l,
      lx: kept(lx),
      blocks: blocks.map(({ xml: bx, servers, ...b }) => ({
        b,
        bx: kept(bx),
        servers: servers.map(({ xml: sx, ...sv }) => ({ sv, sx: kept(sx) })),
      })),
    })),
    certificates: certificates.map(({ xml: cex, ...c }) => ({ c, cex: kept(cex) })),
    registerClient: registerClient && { ...registerClient, xml: kept(registerClient.xml) },
    root: kept(xml),
    commConf: kept(xml?.commConf),
    certificateList:
      certificates.length > 0 || xml?.certificateList ? kept(xml?.certificateList) : undefined,
    prolog: xml?.prolog ?? [],
    epilog: xml?.epilog ?? [],
  });
}

describe('sylink properties', () => {
  it('build -> parse keeps every field, unknown attribute and kept node; the builder is then stable', () => {
    fc.assert(
      fc.property(sylinkArb(certs), (model) => {
        const xml = buildSylink(model);
        const parsed = parseSylink(xml);
        expect(survivors(parsed)).toEqual(survivors(model));
        const again = buildSylink(parsed);
        expect(again).toBe(xml);
        expect(comparable(parseSylink(again))).toEqual(comparable(parsed));
      }),
      { numRuns: 300 },
    );
  });

  it('parse -> build -> parse is the identity on parsed models (also from UTF-16 bytes)', () => {
    fc.assert(
      fc.property(sylinkArb(certs), (model) => {
        const first = parseSylink(buildSylink(model));
        const bytes = Buffer.from(
          `\uFEFF${buildSylink(first).replace('encoding="UTF-8"', 'encoding="UTF-16"')}`,
          'utf16le',
        );
        expect(comparable(parseSylink(bytes))).toEqual(comparable(first));
      }),
      { numRuns: 100 },
    );
  });

  it('answers mutated files with a model or a SylinkError, each within 200 ms', () => {
    const seed = `${SEP121_SAMPLE.replace('</CommConf>', `<ServerCertList><Certificate Name="c">${b64(certs[0]!)}</Certificate></ServerCertList></CommConf>`)}`;
    const token = fc.constantFrom(
      '<',
      '>',
      '&',
      ';',
      '"',
      '/',
      '<!DOCTYPE x>',
      '<!ENTITY a "b">',
      '&#0;',
      '&lol;',
      ']]>',
      '<![CDATA[',
      '<!--',
      '-->',
      '<?',
      '?>',
      '\u0000',
      '\uFFFE',
      'xmlns:a="u"',
      'a:b',
      '\uD800',
    );
    const edit = fc.tuple(
      fc.nat(seed.length),
      fc.nat(8),
      fc.oneof(token, fc.string({ maxLength: 4 })),
    );
    fc.assert(
      fc.property(
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (edits, asBytes) => {
          let s = seed;
          for (const [at, del, insert] of edits) s = s.slice(0, at) + insert + s.slice(at + del);
          const started = performance.now();
          try {
            parseSylink(asBytes ? new TextEncoder().encode(s) : s);
          } catch (e) {
            if (!(e instanceof SylinkError)) throw e;
          }
          expect(performance.now() - started).toBeLessThan(200);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('answers random bytes with a SylinkError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(() => parseSylink(bytes)).toThrow(SylinkError);
      }),
      { numRuns: 500 },
    );
  });
});
