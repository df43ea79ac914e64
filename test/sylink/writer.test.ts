/**
 * The sylink builder's own XML writer (src/sylink/writer.ts, issue 16: it replaced xmlbuilder2).
 *
 * The golden test compares `buildSylink` with `vectors/builder-golden.json`, recorded with the
 * xmlbuilder2 builder before the switch (golden.ts: 11 hand-written documents in full, 800
 * models from the arbitraries as digests), so the switch is proved byte for byte. If a change to
 * the builder's output is intended, record again (the header of golden.ts says how) and let
 * the diff of the JSON file show it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSylink } from '../../src/sylink/index.js';
import {
  XmlElement,
  XmlWriteError,
  writeDocument,
  type XmlChild,
} from '../../src/sylink/writer.js';
import { GOLDEN, record, type Golden } from './golden.js';

const XHTML = 'http://www.w3.org/1999/xhtml';

function write(root: XmlElement, prolog: XmlChild[] = [], epilog: XmlChild[] = []): string {
  return writeDocument(prolog, root, epilog).replace(
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '',
  );
}

function el(
  ns: string | null,
  name: string,
  attrs: [string | null, string, string][] = [],
  children: XmlChild[] = [],
): XmlElement {
  const e = new XmlElement(ns, name);
  for (const [ans, aname, value] of attrs) e.setAttribute(ans, aname, value);
  for (const c of children) e.append(c);
  return e;
}

describe('buildSylink output is what the xmlbuilder2 builder wrote', () => {
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden;
  const now = record(buildSylink, golden.recordedWith);

  it.each(Object.keys(golden.documents))('%s', (name) => {
    expect(now.documents[name]).toBe(golden.documents[name]);
  });

  it.each(Object.keys(golden.random))('%s: every model', (name) => {
    const mismatches = golden.random[name]!.flatMap((h, i) =>
      now.random[name]![i] === h ? [] : [i],
    );
    expect(mismatches).toEqual([]);
    expect(now.random[name]).toHaveLength(golden.random[name]!.length);
  });
});

describe('XML writer', () => {
  it('escapes attribute values and text per XML 1.0 (§3.1, §3.3.3, §2.4, §2.11)', () => {
    const v = 'a&b<c>d"e\'f\tg\nh\ri &amp; ]]>';
    expect(write(el(null, 'r', [[null, 'v', v]], [{ type: 'text', text: v }]))).toBe(
      '<r v="a&amp;b&lt;c&gt;d&quot;e\'f&#9;g&#10;h&#13;i &amp;amp; ]]&gt;">' +
        'a&amp;b&lt;c&gt;d"e\'f\tg\nh&#13;i &amp;amp; ]]&gt;</r>',
    );
  });

  it('writes empty elements as <e/>, keeps an end tag for empty text, and XHTML voids as <br />', () => {
    expect(
      write(el(null, 'r', [], [el(null, 'e'), el(null, 'f', [], [{ type: 'text', text: '' }])])),
    ).toBe('<r><e/><f></f></r>');
    expect(
      write(
        el(
          XHTML,
          'r',
          [['http://www.w3.org/2000/xmlns/', 'xmlns', XHTML]],
          [el(XHTML, 'br'), el(XHTML, 'p')],
        ),
      ),
    ).toBe(`<r xmlns="${XHTML}"><br /><p></p></r>`);
  });

  it('declares namespaces the way DOM Parsing §3.2.1 does', () => {
    const XMLNS = 'http://www.w3.org/2000/xmlns/';
    // An element in no namespace inside a default namespace gets xmlns="".
    const undeclared = el('urn:a', 'r', [[XMLNS, 'xmlns', 'urn:a']], [el(null, 'u')]);
    expect(write(undeclared)).toBe('<r xmlns="urn:a"><u xmlns=""/></r>');
    // A prefix already declared the same way by an ancestor is not declared again.
    const repeated = el(
      'urn:a',
      'p:r',
      [[XMLNS, 'xmlns:p', 'urn:a']],
      [el('urn:a', 'p:c', [[XMLNS, 'xmlns:p', 'urn:a']])],
    );
    expect(write(repeated)).toBe('<p:r xmlns:p="urn:a"><p:c/></p:r>');
    // A namespaced attribute whose prefix is not declared gets a declaration.
    expect(write(el(null, 'r', [['urn:b', 'q:a', '1']]))).toBe('<r xmlns:q="urn:b" q:a="1"/>');
  });

  it('writes comments, CDATA and processing instructions', () => {
    const kids: XmlChild[] = [
      { type: 'comment', text: ' c ' },
      { type: 'cdata', text: 'a<b' },
      { type: 'cdata', text: '' },
      { type: 'pi', target: 'app', body: '' },
      { type: 'pi', target: 'app', body: 'x="1"' },
    ];
    expect(
      write(
        el(null, 'r', [], kids),
        [{ type: 'comment', text: 'p' }],
        [{ type: 'pi', target: 'e', body: '' }],
      ),
    ).toBe('<!--p--><r><!-- c --><![CDATA[a<b]]><?app?><?app x="1"?></r><?e?>');
  });

  it.each<[string, () => unknown]>([
    ['an empty element name', () => new XmlElement(null, '')],
    ['an element name starting with a digit', () => new XmlElement(null, '1a')],
    ['two colons', () => new XmlElement('urn:a', 'a:b:c')],
    ['a prefix without a namespace', () => new XmlElement(null, 'p:a')],
    ['the xml prefix elsewhere', () => new XmlElement('urn:a', 'xml:a')],
    ['an element called xmlns', () => new XmlElement(null, 'xmlns')],
    ['an empty attribute name', () => el(null, 'r', [[null, '', 'v']])],
    ['U+0000 in an attribute', () => write(el(null, 'r', [[null, 'a', '\u0000']]))],
    [
      'a lone surrogate in text',
      () => write(el(null, 'r', [], [{ type: 'text', text: '\uD800' }])),
    ],
    ['U+FFFE in CDATA', () => write(el(null, 'r', [], [{ type: 'cdata', text: '\uFFFE' }]))],
    ['"]]>" in CDATA', () => write(el(null, 'r', [], [{ type: 'cdata', text: ']]>' }]))],
    ['"--" in a comment', () => write(el(null, 'r', [], [{ type: 'comment', text: 'a--b' }]))],
    ['a comment ending in "-"', () => write(el(null, 'r', [], [{ type: 'comment', text: 'a-' }]))],
    ['a PI called xml', () => write(el(null, 'r', [], [{ type: 'pi', target: 'XmL', body: '' }]))],
    [
      'a PI target with a colon',
      () => write(el(null, 'r', [], [{ type: 'pi', target: 'a:b', body: '' }])),
    ],
    ['an empty PI target', () => write(el(null, 'r', [], [{ type: 'pi', target: '', body: 'x' }]))],
    ['"?>" in a PI', () => write(el(null, 'r', [], [{ type: 'pi', target: 'a', body: '?>' }]))],
    ['text outside the root', () => write(el(null, 'r'), [{ type: 'text', text: ' ' }])],
    ['CDATA outside the root', () => write(el(null, 'r'), [], [{ type: 'cdata', text: 'x' }])],
    [
      'an empty prefix declaration',
      () => write(el(null, 'r', [['http://www.w3.org/2000/xmlns/', 'xmlns:p', '']])),
    ],
  ])('refuses %s', (_, f) => {
    expect(f).toThrow(XmlWriteError);
  });
});
