/**
 * `buildSylink`: a {@link Sylink} to the text of a `sylink.xml`, as SEPM writes it: UTF-8 with
 * the XML declaration, attributes in alphabetical order, two-space indentation of the known
 * elements; unknown elements, attributes, comments and text written back where they were.
 *
 * The document is assembled as a small tree and written by `writer.ts` (our own XML writer,
 * which escapes every value and refuses what cannot be well-formed XML: invalid names,
 * characters outside the XML `Char` production, `--` in comments, `]]>` in CDATA). It replaced
 * `xmlbuilder2` (issue 16), which needs Node's `events` and `url` and so kept
 * `sepm-crypto/sylink` out of browser bundles; the output is the same, byte for byte.
 *
 * @module
 */
import { Kcs } from '../kcs.js';
import { encodeCertificateText } from './certificate.js';
import { EXTRA, arrange } from './layout.js';
import {
  SYLINK_ELEMENTS as E,
  type ElementExtras,
  type ServerList,
  type ServerPriorityBlock,
  type Sylink,
  type SylinkServer,
  type SylinkCertificate,
  type XmlNode,
} from './model.js';
import {
  CERTIFICATE_NAME_ATTRIBUTE,
  COMMUNICATION_ATTRIBUTES,
  KCS_ATTRIBUTE,
  NAME_ATTRIBUTES,
  REGISTER_CLIENT_ATTRIBUTES,
  ROOT_ATTRIBUTES,
  SERVER_ATTRIBUTES,
  type AttributeSpec,
} from './values.js';
import {
  XML_NS,
  XMLNS_NS,
  XmlElement,
  writeDocument,
  type XmlChild,
  type XmlLeaf,
} from './writer.js';

const INDENT = '  ';

/** In-scope namespace bindings: prefix (`''` for the default) to URI. */
type Scope = ReadonlyMap<string, string>;

/** A child to write: gets the parent element, its scope and depth. */
type Child = (parent: XmlElement, scope: Scope, depth: number) => void;

/**
 * Writes a `sylink.xml`.
 *
 * Typed fields win over anything in the `xml` extras: a known attribute is written from its
 * typed value (with the raw text kept in `xml.raw` if that text still means the same value),
 * and known attribute names found in `xml.attributes` are ignored. The `Kcs` is always written
 * as 32 upper-case hex digits, `Certificate` content as one line of base64 DER.
 *
 * @param sylink - a model from {@link parseSylink} or {@link createSylink}, possibly edited.
 * @returns the document, UTF-8 ready (encode with `TextEncoder`), ending with a newline.
 * @throws TypeError or RangeError naming the field when the model is not writable: a missing
 *   or wrongly typed field, a value outside its form (for example a port of 70000), or text that
 *   cannot appear in well-formed XML (for example U+0000 or an invalid element name).
 *
 * @example Change the heartbeat and write the file back
 * ```ts
 * const sylink = parseSylink(bytes);
 * const xml = buildSylink({ ...sylink, communication: { ...sylink.communication, pushHeartbeatSeconds: 600 } });
 * ```
 */
export function buildSylink(sylink: Sylink): string {
  if (typeof sylink !== 'object' || sylink === null)
    throw new TypeError('"sylink" expected an object');
  if (typeof sylink.domainId !== 'string') throw new TypeError('"sylink.domainId" expected string');
  if (sylink.nameSpace !== undefined && typeof sylink.nameSpace !== 'string') {
    throw new TypeError('"sylink.nameSpace" expected string');
  }
  if (!(sylink.kcs instanceof Kcs)) throw new TypeError('"sylink.kcs" expected a Kcs');
  if (!Array.isArray(sylink.serverLists))
    throw new TypeError('"sylink.serverLists" expected an array');
  if (!Array.isArray(sylink.certificates))
    throw new TypeError('"sylink.certificates" expected an array');

  try {
    const xml = sylink.xml ?? {};
    const prolog = (xml.prolog ?? []).map((node) => rawNode(node, new Map()));
    const rootAttrs: Record<string, string> = {
      [ROOT_ATTRIBUTES.domainId]: sylink.domainId,
      ...(sylink.nameSpace !== undefined ? { [ROOT_ATTRIBUTES.nameSpace]: sylink.nameSpace } : {}),
    };
    const w = new TreeWriter();
    const commConf: Child = (parent, scope, depth) => w.commConf(sylink, parent, scope, depth);
    const root = w.known(
      null,
      E.root,
      rootAttrs,
      Object.values(ROOT_ATTRIBUTES),
      xml,
      'sylink',
      [E.commConf],
      { [E.commConf]: [commConf] },
      new Map(),
      0,
    );
    const epilog = (xml.epilog ?? []).map((node) => rawNode(node, new Map()));
    // A line break after the declaration (the writer's) and at the end, as text editors and
    // SEPM's sample have.
    return `${writeDocument(prolog, root, epilog)}\n`;
  } catch (cause) {
    if (cause instanceof TypeError || cause instanceof RangeError) throw cause;
    throw new RangeError(
      `sylink model cannot be written as well-formed XML: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

class TreeWriter {
  /**
   * Writes `CommConf`: its `AgentCommunicationSetting`, `ServerList`s, `CertificateList` and
   * `RegisterClient` children, each built by a method of its own.
   */
  commConf(sylink: Sylink, parent: XmlElement, scope: Scope, depth: number): void {
    const xml = sylink.xml ?? {};
    const lists = sylink.serverLists.map(
      (list, i): Child =>
        (p, s, d) =>
          this.serverList(list, `sylink.serverLists[${i}]`, p, s, d),
    );
    this.known(
      parent,
      E.commConf,
      {},
      [],
      xml.commConf,
      'sylink.xml.commConf',
      [E.communication, E.serverList, E.certificateList, E.registerClient],
      {
        [E.communication]: [this.communication(sylink)],
        [E.serverList]: lists,
        [E.certificateList]: this.certificateList(sylink),
        [E.registerClient]: this.registerClient(sylink),
      },
      scope,
      depth,
    );
  }

  /** `AgentCommunicationSetting`: the typed communication fields plus the site key. */
  communication(sylink: Sylink): Child {
    const comm = sylink.communication ?? {};
    const attrs = {
      ...typedAttributes(
        comm as Record<string, unknown>,
        COMMUNICATION_ATTRIBUTES,
        comm.xml,
        'sylink.communication',
      ),
      [KCS_ATTRIBUTE]: sylink.kcs.toHex(),
    };
    return (p, s, d) => {
      this.known(
        p,
        E.communication,
        attrs,
        [...names(COMMUNICATION_ATTRIBUTES), KCS_ATTRIBUTE],
        comm.xml,
        'sylink.communication',
        [],
        {},
        s,
        d,
      );
    };
  }

  /** `CertificateList`, written when there is a certificate or the parsed file had the element. */
  certificateList(sylink: Sylink): Child[] {
    const xml = sylink.xml ?? {};
    const certs = sylink.certificates.map(
      (c, i): Child =>
        (p, s) =>
          this.certificate(c, `sylink.certificates[${i}]`, p, s),
    );
    if (certs.length === 0 && xml.certificateList === undefined) return [];
    return [
      (p, s, d) => {
        this.known(
          p,
          E.certificateList,
          {},
          [],
          xml.certificateList,
          'sylink.xml.certificateList',
          [E.certificate],
          { [E.certificate]: certs },
          s,
          d,
        );
      },
    ];
  }

  /** `RegisterClient`, only when the model has one. */
  registerClient(sylink: Sylink): Child[] {
    const rc = sylink.registerClient;
    if (rc === undefined) return [];
    return [
      (p, s, d) => {
        const attrs = typedAttributes(
          rc as Record<string, unknown>,
          REGISTER_CLIENT_ATTRIBUTES,
          rc.xml,
          'sylink.registerClient',
        );
        this.known(
          p,
          E.registerClient,
          attrs,
          names(REGISTER_CLIENT_ATTRIBUTES),
          rc.xml,
          'sylink.registerClient',
          [],
          {},
          s,
          d,
        );
      },
    ];
  }

  serverList(
    list: ServerList,
    label: string,
    parent: XmlElement,
    scope: Scope,
    depth: number,
  ): void {
    const attrs = typedAttributes(list, NAME_ATTRIBUTES, list?.xml, label);
    const blocks = arrayOf(list.blocks, `${label}.blocks`).map(
      (block, j): Child =>
        (p, s, d) =>
          this.block(block, `${label}.blocks[${j}]`, p, s, d),
    );
    this.known(
      parent,
      E.serverList,
      attrs,
      names(NAME_ATTRIBUTES),
      list.xml,
      label,
      [E.block],
      { [E.block]: blocks },
      scope,
      depth,
    );
  }

  block(
    block: ServerPriorityBlock,
    label: string,
    parent: XmlElement,
    scope: Scope,
    depth: number,
  ): void {
    const attrs = typedAttributes(block, NAME_ATTRIBUTES, block?.xml, label);
    const servers = arrayOf(block.servers, `${label}.servers`).map(
      (server, k): Child =>
        (p, s, d) =>
          this.server(server, `${label}.servers[${k}]`, p, s, d),
    );
    this.known(
      parent,
      E.block,
      attrs,
      names(NAME_ATTRIBUTES),
      block.xml,
      label,
      [E.server],
      { [E.server]: servers },
      scope,
      depth,
    );
  }

  server(
    server: SylinkServer,
    label: string,
    parent: XmlElement,
    scope: Scope,
    depth: number,
  ): void {
    if (typeof server?.address !== 'string')
      throw new TypeError(`"${label}.address" expected string`);
    const attrs = typedAttributes(server, SERVER_ATTRIBUTES, server.xml, label);
    this.known(
      parent,
      E.server,
      attrs,
      names(SERVER_ATTRIBUTES),
      server.xml,
      label,
      [],
      {},
      scope,
      depth,
    );
  }

  certificate(c: SylinkCertificate, label: string, parent: XmlElement, scope: Scope): void {
    if (typeof c?.name !== 'string') throw new TypeError(`"${label}.name" expected string`);
    const raw = c.certificate as { rawData?: unknown } | undefined;
    if (!(raw?.rawData instanceof ArrayBuffer))
      throw new TypeError(`"${label}.certificate" expected an X509Certificate`);
    const attrs = {
      ...unknownAttributes(c.xml, [CERTIFICATE_NAME_ATTRIBUTE]),
      [CERTIFICATE_NAME_ATTRIBUTE]: c.name,
    };
    const [el, inner] = createElement(E.certificate, attrs, scope, label);
    parent.append(el);
    el.append({ type: 'text', text: encodeCertificateText(c.certificate) });
    for (const node of c.xml?.children ?? []) {
      // Text there would become part of the certificate's base64 when read back.
      if (node?.type === 'text' || node?.type === 'cdata') {
        throw new RangeError(
          `"${label}.xml.children" cannot hold text: the content is the certificate`,
        );
      }
      el.append(rawNode(node, inner));
    }
  }

  /**
   * Writes one known element: its attributes (sorted), then its known children and extras
   * interleaved per the recorded order, indented unless a text extra would absorb the
   * indentation.
   */
  known(
    parent: XmlElement | null,
    name: string,
    typed: Record<string, string>,
    owned: readonly string[],
    xml: ElementExtras | undefined,
    label: string,
    kinds: readonly string[],
    children: Readonly<Record<string, readonly Child[]>>,
    scope: Scope,
    depth: number,
  ): XmlElement {
    const attrs = { ...unknownAttributes(xml, owned), ...typed };
    const [el, inner] = createElement(name, attrs, scope, label);
    parent?.append(el);
    const extras = xml?.children ?? [];
    if (!Array.isArray(extras)) throw new TypeError(`"${label}.xml.children" expected an array`);
    const counts: Record<string, number> = { [EXTRA]: extras.length };
    for (const k of kinds) counts[k] = children[k]?.length ?? 0;
    const sequence = arrange(xml?.order, kinds, counts);
    const indent = !extras.some((n) => n.type === 'text');
    for (const [kind, index] of sequence) {
      if (indent) el.append({ type: 'text', text: `\n${INDENT.repeat(depth + 1)}` });
      if (kind === EXTRA) el.append(rawNode(extras[index]!, inner));
      else children[kind]![index]!(el, inner, depth + 1);
    }
    if (indent && sequence.length > 0)
      el.append({ type: 'text', text: `\n${INDENT.repeat(depth)}` });
    return el;
  }
}

/** The known attributes of one element from its typed fields, validated. */
function typedAttributes(
  obj: object,
  specs: readonly AttributeSpec[],
  xml: ElementExtras | undefined,
  label: string,
): Record<string, string> {
  if (typeof obj !== 'object' || obj === null) throw new TypeError(`"${label}" expected an object`);
  const out: Record<string, string> = {};
  for (const { attr, key, codec } of specs) {
    const value = (obj as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const format = codec.format as (v: unknown) => string;
    const parse = codec.parse as (s: string) => unknown;
    const canonical = safeFormat(format, value);
    if (canonical === undefined || parse(canonical) !== value) {
      throw new RangeError(`"${label}.${key}" expected ${codec.form}, got ${describe(value)}`);
    }
    const raw = xml?.raw?.[attr];
    out[attr] = typeof raw === 'string' && parse(raw) === value ? raw : canonical;
  }
  return out;
}

function safeFormat(format: (v: unknown) => string, value: unknown): string | undefined {
  try {
    const s = format(value);
    return typeof s === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? 'a string' : `${typeof value} ${String(value)}`;
}

function arrayOf<T>(value: readonly T[], label: string): readonly T[] {
  if (!Array.isArray(value)) throw new TypeError(`"${label}" expected an array`);
  return value;
}

function names(specs: readonly AttributeSpec[]): string[] {
  return specs.map((s) => s.attr);
}

/** `xml.attributes` without names the typed fields own. */
function unknownAttributes(
  xml: ElementExtras | undefined,
  owned: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const attrs = xml?.attributes;
  if (attrs === undefined) return out;
  for (const name of Object.keys(attrs)) {
    if (owned.includes(name)) continue;
    const value = attrs[name];
    if (typeof value !== 'string')
      throw new TypeError(`attribute "${name}" expected a string value`);
    // Own property even for "__proto__".
    Object.defineProperty(out, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Creates an element with its attributes in alphabetical order, resolving namespace prefixes
 * from the `xmlns` attributes in scope (XML Namespaces 1.0 §6).
 */
function createElement(
  name: string,
  attrs: Readonly<Record<string, string>>,
  scope: Scope,
  label: string,
): [XmlElement, Scope] {
  const names = Object.keys(attrs).sort();
  let inner: Map<string, string> | undefined;
  for (const a of names) {
    if (a === 'xmlns' || a.startsWith('xmlns:')) {
      inner ??= new Map(scope);
      inner.set(a === 'xmlns' ? '' : a.slice(6), attrs[a]!);
    }
  }
  const s: Scope = inner ?? scope;
  const el = new XmlElement(resolve(s, prefixOf(name), true, label, name), name);
  for (const a of names) {
    const value = attrs[a]!;
    if (a === 'xmlns') {
      // An empty default namespace ("undeclaring") is written by the writer when needed (an
      // element in no namespace inside a default one), never as an attribute of its own.
      if (value !== '') el.setAttribute(XMLNS_NS, a, value);
    } else if (a.startsWith('xmlns:')) el.setAttribute(XMLNS_NS, a, value);
    else if (a.startsWith('xml:')) el.setAttribute(XML_NS, a, value);
    else {
      const prefix = prefixOf(a);
      // XML Namespaces 1.0 §6.2: unprefixed attributes are in no namespace.
      el.setAttribute(prefix === '' ? null : resolve(s, prefix, false, label, a), a, value);
    }
  }
  return [el, s];
}

function prefixOf(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? '' : qname.slice(0, colon);
}

function resolve(
  scope: Scope,
  prefix: string,
  element: boolean,
  label: string,
  name: string,
): string | null {
  if (prefix === 'xml') return XML_NS;
  const uri = scope.get(prefix);
  if (prefix === '') return element && uri !== undefined && uri !== '' ? uri : null;
  if (uri === undefined || uri === '')
    throw new RangeError(`"${label}": prefix of "${name}" is not declared`);
  return uri;
}

/** A kept node, to write. */
function rawNode(node: XmlNode, scope: Scope): XmlChild {
  switch (node?.type) {
    case 'element': {
      const [el, inner] = createElement(
        node.name,
        node.attributes,
        scope,
        `element <${node.name}>`,
      );
      for (const child of node.children) el.append(rawNode(child, inner));
      return el;
    }
    case 'text':
      return leaf({ type: 'text', text: node.text });
    case 'cdata':
      return leaf({ type: 'cdata', text: noCarriageReturn(node.text, 'CDATA') });
    case 'comment':
      return leaf({ type: 'comment', text: noCarriageReturn(node.text, 'a comment') });
    case 'pi':
      return leaf({
        type: 'pi',
        target: node.target,
        body: noCarriageReturn(node.body, 'a PI'),
      });
    default:
      throw new TypeError(
        `unknown XML node type ${JSON.stringify((node as { type?: unknown })?.type)}`,
      );
  }
}

/**
 * XML 1.0 §2.11 turns every CR into LF on reading, and comments, CDATA and PIs cannot hold a
 * character reference, so a CR there could not survive; parsed models never contain one.
 */
function noCarriageReturn(text: string, where: string): string {
  if (typeof text === 'string' && text.includes('\r')) {
    throw new RangeError(`a carriage return cannot be written in ${where}`);
  }
  return text;
}

/** A text-like node, with its fields checked to be strings (the model may come from anywhere). */
function leaf(node: XmlLeaf): XmlLeaf {
  const fields = node.type === 'pi' ? [node.target, node.body] : [node.text];
  if (fields.some((f) => typeof f !== 'string')) {
    throw new TypeError(`XML ${node.type} node expected string fields`);
  }
  return node;
}
