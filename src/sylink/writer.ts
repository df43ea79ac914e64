/**
 * The XML writer of the sylink builder: a small tree (elements with their namespace already
 * resolved, text, CDATA, comments, processing instructions) written as XML 1.0 text. It only
 * emits; reading XML is `xml.ts`'s job (saxes).
 *
 * Why our own: the builder used `xmlbuilder2`, which needs Node's `events` and `url`, so
 * `sepm-crypto/sylink` could not be bundled for a browser (issue 16), and it brought about
 * 150 KB of DOM, JSON and YAML code to write one small file. The output is the same, byte for
 * byte: this writer follows the algorithm xmlbuilder2's serialiser implements, W3C "DOM Parsing
 * and Serialization" §3.2.1 ("XML serialization", namespace-aware, with the require well-formed
 * flag set), including its namespace-declaration bookkeeping, so that a kept foreign element
 * gets the same prefixes and declarations as before (test/sylink/writer.test.ts compares with
 * outputs recorded from the old builder).
 *
 * Escaping (XML 1.0):
 * - attribute values: `&`, `<` and `"` cannot appear raw (§3.1, AttValue); `>` is escaped too, as
 *   before; tab, line feed and carriage return are written as character references, because a
 *   reader replaces them with spaces (§3.3.3, attribute-value normalisation);
 * - text: `&` and `<` cannot appear raw (§2.4), `>` is escaped so `]]>` never appears; a carriage
 *   return is written as `&#13;`, because a reader turns it into a line feed (§2.11);
 * - comments, CDATA sections and processing instructions cannot hold a reference, so what they
 *   cannot contain is refused: `--` or a final `-` in a comment (§2.5), `]]>` in CDATA (§2.7),
 *   `?>` in a PI, a PI target that is not a name, has a colon or is `xml` (§2.6, Namespaces 1.0
 *   §7).
 * Every character must match the `Char` production (§2.2: no U+0000-U+0008, U+000B, U+000C,
 * U+000E-U+001F, U+FFFE, U+FFFF or lone surrogates); names must match `Name` (§2.3) and
 * Namespaces 1.0 `QName`. Anything else throws an {@link XmlWriteError}.
 *
 * Where this writer differs from xmlbuilder2 4.0.3 on purpose (models no parsed file produces;
 * xmlbuilder2 wrote text no XML parser accepts, or lost data):
 * - empty element, attribute or PI target names, control characters in CDATA: refused;
 * - namespace URIs containing `&`, tab, line feed or carriage return are escaped like other
 *   attribute values and compared as written (xmlbuilder2 compared its escaped form with the raw
 *   one and declared a spare `ns1` prefix);
 * - namespace URIs such as `constructor` or `__proto__` work (xmlbuilder2 kept its prefix map in
 *   a plain object).
 *
 * @module
 */

/** The XML namespace (Namespaces 1.0 §3): the `xml` prefix is bound to it. */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
/** The namespace of `xmlns` declarations (Namespaces 1.0 §3). */
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
// DOM Parsing §3.2.1.1 steps 14-15: in the XHTML namespace, empty void elements end with " />".
const HTML_NS = 'http://www.w3.org/1999/xhtml';
const HTML_VOID = new Set(
  'area base basefont bgsound br col embed frame hr img input keygen link menuitem meta param source track wbr'.split(
    ' ',
  ),
);

/** A model the writer refuses: the message names what is not well-formed. */
export class XmlWriteError extends Error {}

/** An attribute; `value` is the text itself (the writer escapes it). */
interface Attribute {
  readonly ns: string | null;
  readonly prefix: string | null;
  readonly localName: string;
  value: string;
}

/** An element: a qualified name in a namespace (or none), attributes in order, children. */
export class XmlElement {
  readonly type = 'element';
  readonly ns: string | null;
  readonly prefix: string | null;
  readonly localName: string;
  readonly attributes: Attribute[] = [];
  readonly children: XmlChild[] = [];

  /**
   * @param ns - the namespace URI, or `null`.
   * @param qname - `prefix:local` or `local`; a Namespaces 1.0 QName whose prefix agrees with
   *   `ns` (DOM "validate and extract").
   */
  constructor(ns: string | null, qname: string) {
    [this.prefix, this.localName] = splitName(ns, qname);
    this.ns = ns;
  }

  /**
   * Sets an attribute (DOM `setAttributeNS`): an attribute with the same namespace and local
   * name has its value replaced, in its place and with its prefix.
   */
  setAttribute(ns: string | null, qname: string, value: string): void {
    const [prefix, localName] = splitName(ns, qname);
    const same = this.attributes.find((a) => a.ns === ns && a.localName === localName);
    if (same !== undefined) same.value = value;
    else this.attributes.push({ ns, prefix, localName, value });
  }

  append(child: XmlChild): void {
    this.children.push(child);
  }
}

/** A node other than an element. */
export type XmlLeaf =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'cdata'; readonly text: string }
  | { readonly type: 'comment'; readonly text: string }
  | { readonly type: 'pi'; readonly target: string; readonly body: string };

/** A child of an element. */
export type XmlChild = XmlElement | XmlLeaf;

/**
 * Writes a document: the XML declaration (version 1.0, UTF-8) on its own line, then `prolog`,
 * the root element and `epilog` (comments and processing instructions only, XML 1.0 §2.8).
 *
 * @throws {@link XmlWriteError} when something cannot be written as well-formed XML.
 */
export function writeDocument(
  prolog: readonly XmlChild[],
  root: XmlElement,
  epilog: readonly XmlChild[],
): string {
  const w = new Writer();
  w.out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  const map = new PrefixMap();
  map.add('xml', XML_NS);
  for (const node of [...prolog, root, ...epilog]) {
    if (node !== root && node.type !== 'comment' && node.type !== 'pi') {
      throw new XmlWriteError(`a document cannot hold ${describe(node)} outside its root element`);
    }
    w.node(node, null, map);
  }
  return w.out;
}

function describe(node: XmlChild): string {
  return node.type === 'element' ? 'a second element' : `${node.type} `;
}

/**
 * The namespace prefix map of DOM Parsing §3.2.1: for each namespace (`null` for none), the
 * prefixes declared for it, oldest first. A prefix rebound to another namespace stays listed
 * under the first one too, as the algorithm specifies.
 */
class PrefixMap {
  readonly #map = new Map<string | null, string[]>();

  copy(): PrefixMap {
    const c = new PrefixMap();
    for (const [ns, prefixes] of this.#map) c.#map.set(ns, [...prefixes]);
    return c;
  }

  /** "Retrieving a preferred prefix string": `preferred` if listed for `ns`, else the newest. */
  preferred(preferred: string | null, ns: string | null): string | null {
    const list = this.#map.get(ns);
    if (list === undefined || list.length === 0) return null;
    return list.includes(preferred as string) ? preferred : list[list.length - 1]!;
  }

  has(prefix: string, ns: string | null): boolean {
    return this.#map.get(ns)?.includes(prefix) ?? false;
  }

  hasPrefix(prefix: string): boolean {
    for (const list of this.#map.values()) if (list.includes(prefix)) return true;
    return false;
  }

  add(prefix: string, ns: string | null): void {
    const list = this.#map.get(ns);
    if (list === undefined) this.#map.set(ns, [prefix]);
    else list.push(prefix);
  }
}

class Writer {
  out = '';
  /** The generated namespace prefix index (ns1, ns2, ...), one per document. */
  #index = 1;

  node(node: XmlChild, inherited: string | null, map: PrefixMap): void {
    switch (node.type) {
      case 'element':
        this.element(node, inherited, map);
        return;
      case 'text':
        chars(node.text, 'text');
        this.out += escapeText(node.text);
        return;
      case 'cdata':
        chars(node.text, 'CDATA');
        if (node.text.includes(']]>')) throw new XmlWriteError('CDATA cannot contain "]]>"');
        // An empty section is not written (as before); the element keeps its end tag.
        if (node.text !== '') this.out += `<![CDATA[${node.text}]]>`;
        return;
      case 'comment':
        chars(node.text, 'a comment');
        if (node.text.includes('--') || node.text.endsWith('-')) {
          throw new XmlWriteError('a comment cannot contain "--" or end with "-"');
        }
        this.out += `<!--${node.text}-->`;
        return;
      case 'pi':
        if (!isName(node.target) || node.target.includes(':') || /^xml$/i.test(node.target)) {
          throw new XmlWriteError(
            `invalid processing instruction target ${JSON.stringify(node.target)}`,
          );
        }
        chars(node.body, 'a processing instruction');
        if (node.body.includes('?>')) {
          throw new XmlWriteError('a processing instruction cannot contain "?>"');
        }
        this.out += node.body === '' ? `<?${node.target}?>` : `<?${node.target} ${node.body}?>`;
        return;
    }
  }

  /** DOM Parsing §3.2.1.1, "XML serializing an Element node", with require well-formed set. */
  element(node: XmlElement, contextNs: string | null, parentMap: PrefixMap): void {
    const map = parentMap.copy();
    const localPrefixes = new Map<string, string>();
    const localDefault = recordNamespaces(node, map, localPrefixes);
    const ns = node.ns;
    let inherited = contextNs;
    let ignoreDefault = false;
    let qname: string;
    const declarations: string[] = [];
    if (inherited === ns) {
      // Step 11: same namespace as the context; any prefix of the node is dropped.
      if (localDefault !== null) ignoreDefault = true;
      qname = ns === XML_NS ? `xml:${node.localName}` : node.localName;
    } else {
      // Step 12.
      let prefix = node.prefix;
      let candidate: string | null = null;
      if (prefix !== null || ns !== localDefault) candidate = map.preferred(prefix, ns);
      if (prefix === 'xmlns') throw new XmlWriteError('an element cannot have the prefix "xmlns"');
      if (candidate !== null) {
        qname = `${candidate}:${node.localName}`;
        if (localDefault !== null && localDefault !== XML_NS) inherited = localDefault || null;
      } else if (prefix !== null) {
        if (localPrefixes.has(prefix)) prefix = this.#generatePrefix(ns, map);
        map.add(prefix, ns);
        qname = `${prefix}:${node.localName}`;
        declarations.push(` xmlns:${prefix}="${escapeAttribute(ns ?? '', 'a namespace')}"`);
        if (localDefault !== null) inherited = localDefault || null;
      } else if (localDefault === null || localDefault !== ns) {
        ignoreDefault = true;
        qname = node.localName;
        inherited = ns;
        declarations.push(` xmlns="${escapeAttribute(ns ?? '', 'a namespace')}"`);
      } else {
        qname = node.localName;
        inherited = ns;
      }
    }
    this.out += `<${qname}${declarations.join('')}`;
    this.#attributes(node, map, localPrefixes, ignoreDefault);
    if (node.children.length === 0) {
      // Steps 14-15.
      if (ns !== HTML_NS) {
        this.out += '/>';
        return;
      }
      if (HTML_VOID.has(node.localName)) {
        this.out += ' />';
        return;
      }
    }
    this.out += '>';
    for (const child of node.children) this.node(child, inherited, map);
    this.out += `</${qname}>`;
  }

  /** DOM Parsing §3.2.1.1.2, "XML serialization of the attributes". */
  #attributes(
    node: XmlElement,
    map: PrefixMap,
    localPrefixes: ReadonlyMap<string, string>,
    ignoreDefault: boolean,
  ): void {
    const seen = new Set<string>();
    for (const attr of node.attributes) {
      const key = `${attr.ns ?? ''} ${attr.localName}`;
      if (seen.has(key)) throw new XmlWriteError(`duplicate attribute "${attr.localName}"`);
      seen.add(key);
      const ns = attr.ns;
      let candidate: string | null = null;
      if (ns !== null) {
        candidate = map.preferred(attr.prefix, ns);
        if (ns === XMLNS_NS) {
          // A declaration that is the XML namespace's, a default one the element's own
          // namespace replaced, or a prefix already bound so by an ancestor, is not repeated.
          if (
            attr.value === XML_NS ||
            (attr.prefix === null && ignoreDefault) ||
            (attr.prefix !== null &&
              localPrefixes.get(attr.localName) !== attr.value &&
              map.has(attr.localName, attr.value))
          ) {
            continue;
          }
          if (attr.value === XMLNS_NS) {
            throw new XmlWriteError('the xmlns namespace cannot be declared');
          }
          if (attr.value === '') {
            throw new XmlWriteError('a namespace prefix declaration cannot be empty');
          }
          if (attr.prefix === 'xmlns') candidate = 'xmlns';
        } else if (candidate === null) {
          // The attribute's prefix is kept when it is free or already bound to its namespace;
          // otherwise a fresh one is generated (ns1, ns2, ...), and declared.
          candidate =
            attr.prefix !== null && (!map.hasPrefix(attr.prefix) || map.has(attr.prefix, ns))
              ? attr.prefix
              : this.#generatePrefix(ns, map);
          this.out += ` xmlns:${candidate}="${escapeAttribute(ns, 'a namespace')}"`;
        }
      }
      if (
        attr.localName.includes(':') ||
        !isName(attr.localName) ||
        (attr.localName === 'xmlns' && ns === null)
      ) {
        throw new XmlWriteError(`invalid attribute name ${JSON.stringify(attr.localName)}`);
      }
      const name = candidate === null ? attr.localName : `${candidate}:${attr.localName}`;
      this.out += ` ${name}="${escapeAttribute(attr.value, `attribute "${name}"`)}"`;
    }
  }

  #generatePrefix(ns: string | null, map: PrefixMap): string {
    const prefix = `ns${this.#index++}`;
    map.add(prefix, ns);
    return prefix;
  }
}

/**
 * "Recording the namespace information" (DOM Parsing §3.2.1.1.1): adds the element's prefix
 * declarations to `map` and `localPrefixes`, and returns its default namespace declaration, or
 * `null` when it has none.
 */
function recordNamespaces(
  node: XmlElement,
  map: PrefixMap,
  localPrefixes: Map<string, string>,
): string | null {
  let localDefault: string | null = null;
  for (const attr of node.attributes) {
    if (attr.ns !== XMLNS_NS) continue;
    if (attr.prefix === null) {
      localDefault = attr.value;
      continue;
    }
    if (attr.value === XML_NS) continue;
    const uri = attr.value === '' ? null : attr.value;
    if (map.has(attr.localName, uri)) continue;
    map.add(attr.localName, uri);
    localPrefixes.set(attr.localName, attr.value);
  }
  return localDefault;
}

/**
 * DOM "validate and extract" for a qualified name and a namespace (DOM Standard §1.4): the
 * name is a QName, a prefix needs a namespace, `xml` and `xmlns` go with their own namespaces.
 */
function splitName(ns: string | null, qname: string): [string | null, string] {
  if (!isName(qname) || !isQName(qname)) {
    throw new XmlWriteError(`invalid XML name ${JSON.stringify(qname)}`);
  }
  const colon = qname.indexOf(':');
  const prefix = colon < 0 ? null : qname.slice(0, colon);
  const local = colon < 0 ? qname : qname.slice(colon + 1);
  if (prefix !== null && ns === null) {
    throw new XmlWriteError(`the prefix of "${qname}" has no namespace`);
  }
  if (prefix === 'xml' && ns !== XML_NS) {
    throw new XmlWriteError(`"${qname}" uses the xml prefix outside the XML namespace`);
  }
  if ((prefix === 'xmlns' || qname === 'xmlns') !== (ns === XMLNS_NS)) {
    throw new XmlWriteError(`"${qname}" and the xmlns namespace go together`);
  }
  return [prefix, local];
}

// XML 1.0 (fifth edition) §2.3: NameStartChar and NameChar (astral characters are matched as
// surrogate pairs, #x10000-#xEFFFF).
const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
const ASTRAL = '[\\uD800-\\uDB7F][\\uDC00-\\uDFFF]';
// The ranges are code points of §2.3, among them combining marks (U+0300-U+036F) on purpose.
// eslint-disable-next-line no-misleading-character-class
const NAME = new RegExp(`^(?:[:${NAME_START}]|${ASTRAL})(?:[:${NAME_CHAR}]|${ASTRAL})*$`);
// Namespaces 1.0 §3: a QName is an NCName, or two joined by one colon.
const NCNAME = `(?:[${NAME_START}]|${ASTRAL})(?:[${NAME_CHAR}]|${ASTRAL})*`;
// eslint-disable-next-line no-misleading-character-class -- as above
const QNAME = new RegExp(`^${NCNAME}(?::${NCNAME})?$`);

function isName(s: string): boolean {
  return NAME.test(s);
}

function isQName(s: string): boolean {
  return QNAME.test(s);
}

// XML 1.0 §2.2 Char: tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, and astral characters.
const NOT_CHAR =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function chars(s: string, where: string): void {
  if (NOT_CHAR.test(s)) {
    throw new XmlWriteError(`${where} contains a character XML 1.0 does not allow`);
  }
}

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

function escapeAttribute(value: string, where: string): string {
  chars(value, where);
  return value.replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

function escapeText(value: string): string {
  return value.replace(/[&<>\r]/g, (c) => (c === '\r' ? '&#13;' : ATTRIBUTE_ESCAPES[c]!));
}
