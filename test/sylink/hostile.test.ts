/**
 * Hostile inputs: each must be refused with its SylinkError code, within 1 s, without a memory
 * blow-up, and without reading a file or opening a connection.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SylinkError, type SylinkErrorCode } from '../../src/errors.js';
import { parseSylink } from '../../src/sylink/index.js';
import { minimal } from './fixtures.js';

const CANARY = 'CANARY_sylink_5e1f';
let dir: string;
let canaryFile: string;
let server: Server;
let requests = 0;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sylink-hostile-'));
  canaryFile = join(dir, 'canary.txt');
  writeFileSync(canaryFile, CANARY);
  server = createServer((_, res) => {
    requests++;
    res.end(`<!ENTITY x "${CANARY}">`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x.dtd`;
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => server.close(resolve));
});

const enc = (s: string) => new TextEncoder().encode(s);

const lol = (() => {
  let dtd = '<!ENTITY lol0 "lol">';
  for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return `<?xml version="1.0"?>\n<!DOCTYPE ServerSettings [${dtd}]>\n<ServerSettings DomainId="&lol9;"/>`;
})();

type Case = [name: string, input: () => Uint8Array | string, code: SylinkErrorCode];

const cases: Case[] = [
  ['billion laughs', () => lol, 'ERR_SYLINK_DTD_FORBIDDEN'],
  [
    'external entity (file:)',
    () => `<!DOCTYPE r [<!ENTITY x SYSTEM "file://${canaryFile}">]><r>&x;</r>`,
    'ERR_SYLINK_DTD_FORBIDDEN',
  ],
  [
    'external entity (http:)',
    () => `<!DOCTYPE r [<!ENTITY x SYSTEM "${url}">]><r>&x;</r>`,
    'ERR_SYLINK_DTD_FORBIDDEN',
  ],
  [
    'external DTD',
    () => `<?xml version="1.0"?><!DOCTYPE r SYSTEM "${url}"><r/>`,
    'ERR_SYLINK_DTD_FORBIDDEN',
  ],
  [
    'parameter entities',
    () =>
      `<!DOCTYPE r [<!ENTITY % p SYSTEM "${url}"> %p; <!ENTITY % q "<!ENTITY y 'z'>"> %q;]><r>&y;</r>`,
    'ERR_SYLINK_DTD_FORBIDDEN',
  ],
  [
    'a DOCTYPE after comments and PIs',
    () => `<?xml version="1.0"?><!-- c --><?pi x?>\n<!DOCTYPE ServerSettings><ServerSettings/>`,
    'ERR_SYLINK_DTD_FORBIDDEN',
  ],
  [
    'a DOCTYPE whose subset hides "]>" in a comment',
    () => `<!DOCTYPE r [<!-- ]> -->]><r/>`,
    'ERR_SYLINK_DTD_FORBIDDEN',
  ],
  ['a DOCTYPE after the root', () => `<r/><!DOCTYPE r>`, 'ERR_SYLINK_DTD_FORBIDDEN'],
  [
    'an ENTITY declaration in content',
    () => minimal('<!ENTITY x "y">'),
    'ERR_SYLINK_DTD_FORBIDDEN',
  ],
  ['an undefined entity', () => minimal('<A>&x;</A>'), 'ERR_SYLINK_MALFORMED'],
  [
    '100,000-deep nesting',
    () => '<a>'.repeat(100_000) + '</a>'.repeat(100_000),
    'ERR_SYLINK_LIMIT_EXCEEDED',
  ],
  [
    '100,000-deep nesting (unclosed)',
    () => enc('<a>'.repeat(100_000)),
    'ERR_SYLINK_LIMIT_EXCEEDED',
  ],
  [
    'a 50 MB attribute (bytes)',
    () => enc(`<r a="${'x'.repeat(50 * 1024 * 1024)}"/>`),
    'ERR_SYLINK_LIMIT_EXCEEDED',
  ],
  [
    'a 50 MB attribute (string)',
    () => `<r a="${'x'.repeat(50 * 1024 * 1024)}"/>`,
    'ERR_SYLINK_LIMIT_EXCEEDED',
  ],
  [
    '100,000 attributes on one element',
    () => `<r ${Array.from({ length: 100_000 }, (_, i) => `a${i}=""`).join(' ')}/>`,
    'ERR_SYLINK_LIMIT_EXCEEDED',
  ],
  ['100,000 sibling elements', () => minimal('<A/>'.repeat(100_000)), 'ERR_SYLINK_LIMIT_EXCEEDED'],
  ['mismatched tags', () => minimal('<A></B>'), 'ERR_SYLINK_MALFORMED'],
  ['an unclosed root', () => '<ServerSettings DomainId="D"><CommConf>', 'ERR_SYLINK_MALFORMED'],
  ['duplicate attributes', () => minimal('<A x="1" x="2"/>'), 'ERR_SYLINK_MALFORMED'],
  [
    'duplicate attributes after namespace resolution',
    () => minimal('<A xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>'),
    'ERR_SYLINK_MALFORMED',
  ],
  ['an unbound namespace prefix', () => minimal('<p:A/>'), 'ERR_SYLINK_MALFORMED'],
  [
    'a colon in a PI target (Namespaces 1.0 section 7)',
    () => minimal('<?a:b x?>'),
    'ERR_SYLINK_MALFORMED',
  ],
  ['an undeclared prefix (xmlns:p="")', () => minimal('<A xmlns:p=""/>'), 'ERR_SYLINK_MALFORMED'],
  ['two roots', () => `${minimal()}<ServerSettings/>`, 'ERR_SYLINK_MALFORMED'],
  ['text after the root', () => `${minimal()}junk`, 'ERR_SYLINK_MALFORMED'],
  ['a bare &', () => minimal('<A>a & b</A>'), 'ERR_SYLINK_MALFORMED'],
  ['a bare & in an attribute', () => minimal('<A b="a & b"/>'), 'ERR_SYLINK_MALFORMED'],
  ['< in an attribute', () => minimal('<A b="a < b"/>'), 'ERR_SYLINK_MALFORMED'],
  ['&#0;', () => minimal('<A>&#0;</A>'), 'ERR_SYLINK_MALFORMED'],
  ['&#xD800; (a lone surrogate)', () => minimal('<A>&#xD800;</A>'), 'ERR_SYLINK_MALFORMED'],
  ['&#x110000;', () => minimal('<A>&#x110000;</A>'), 'ERR_SYLINK_MALFORMED'],
  ['a raw U+0001', () => minimal('<A>\u0001</A>'), 'ERR_SYLINK_MALFORMED'],
  ['an empty document', () => '', 'ERR_SYLINK_MALFORMED'],
  ['JSON', () => '{"ServerSettings":{"DomainId":"D"}}', 'ERR_SYLINK_MALFORMED'],
  ['YAML', () => '---\nServerSettings: {}', 'ERR_SYLINK_MALFORMED'],
  [
    'invalid UTF-8',
    () => new Uint8Array([...enc('<r a="'), 0xc3, 0x28, ...enc('"/>')]),
    'ERR_SYLINK_ENCODING',
  ],
  [
    'an overlong UTF-8 sequence',
    () => new Uint8Array([...enc('<r a="'), 0xc0, 0xbc, ...enc('"/>')]),
    'ERR_SYLINK_ENCODING',
  ],
  [
    'a UTF-8 BOM with encoding="UTF-16"',
    () => new Uint8Array([0xef, 0xbb, 0xbf, ...enc(minimal().replace('UTF-8', 'UTF-16'))]),
    'ERR_SYLINK_ENCODING',
  ],
  ['a UTF-16LE BOM with encoding="UTF-8"', () => utf16le(minimal()), 'ERR_SYLINK_ENCODING'],
  [
    'UTF-8 without BOM declaring ISO-8859-1',
    () => enc(minimal().replace('UTF-8', 'ISO-8859-1')),
    'ERR_SYLINK_ENCODING',
  ],
  ['UTF-16 without a BOM', () => utf16le(minimal()).subarray(2), 'ERR_SYLINK_ENCODING'],
  [
    'UTF-16 with an odd byte count',
    () => utf16le(minimal().replace('UTF-8', 'UTF-16')).subarray(0, 51),
    'ERR_SYLINK_ENCODING',
  ],
  ['UTF-32', () => new Uint8Array([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0]), 'ERR_SYLINK_ENCODING'],
];

function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(2 + 2 * text.length);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    out[2 + 2 * i] = text.charCodeAt(i) & 0xff;
    out[3 + 2 * i] = text.charCodeAt(i) >> 8;
  }
  return out;
}

describe('parseSylink refuses hostile input', () => {
  it.each(cases)('%s', (_, make, code) => {
    const input = make();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    let error: unknown;
    try {
      parseSylink(input);
    } catch (e) {
      error = e;
    }
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(error).toBeInstanceOf(SylinkError);
    expect((error as SylinkError).code).toBe(code);
    expect(elapsed).toBeLessThan(1000);
    // "No blow-up": well below the size of the 50 MB inputs themselves.
    expect(grown).toBeLessThan(32 * 1024 * 1024);
    expect((error as Error).message).not.toContain(CANARY);
    if (code !== 'ERR_SYLINK_LIMIT_EXCEEDED' && code !== 'ERR_SYLINK_ENCODING') {
      // Well-formedness and DTD errors say where.
      expect((error as SylinkError).line).toBeGreaterThanOrEqual(1);
      expect((error as SylinkError).column).toBeGreaterThanOrEqual(1);
    }
  });

  it('never contacted the HTTP server named by the entities', () => {
    expect(requests).toBe(0);
  });

  it('reports where a mismatched tag is', () => {
    try {
      parseSylink(
        `<?xml version="1.0"?>\n<ServerSettings DomainId="D">\n  <A>\n  </B>\n</ServerSettings>`,
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'ERR_SYLINK_MALFORMED', line: 4 });
      expect((e as Error).message).toMatch(/line 4, column \d+/);
      expect((e as Error).cause).toBeInstanceOf(Error);
    }
  });

  it('reports where a DOCTYPE is', () => {
    try {
      parseSylink(`<?xml version="1.0"?>\n\n  <!DOCTYPE r>\n<r/>`);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'ERR_SYLINK_DTD_FORBIDDEN', line: 3, column: 3 });
    }
  });

  it('accepts "<!DOCTYPE" inside a comment or CDATA (no false positive)', () => {
    const s = parseSylink(
      minimal('<!-- <!DOCTYPE x> --><A><![CDATA[<!DOCTYPE y [<!ENTITY z "1">]>]]></A>'),
    );
    expect(s.xml?.commConf?.children?.length).toBe(2);
  });
});
