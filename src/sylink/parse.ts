/**
 * `parseSylink`: bytes or text of a `sylink.xml` to a {@link Sylink}, refusing anything hostile
 * or ambiguous with a {@link SylinkError} that says where.
 *
 * Three stages, each with its own module: decoding ({@link decodeSylinkInput}: size cap first,
 * BOM, strict decoders), well-formedness and limits ({@link readXmlTree}: saxes, DOCTYPE refused,
 * depth and count caps), and the model (here: required elements, value forms, the Kcs, the
 * certificates). Whatever the model does not type is kept in the `xml` fields, so that
 * `buildSylink` can write it back in place.
 *
 * @module
 */
import { aint } from '../bytes.js';
import { SylinkError, type SylinkErrorCode } from '../errors.js';
import { Kcs } from '../kcs.js';
import { decodeCertificateText } from './certificate.js';
import { decodeSylinkInput } from './decode.js';
import {
  SYLINK_ELEMENTS as E,
  type CommunicationSettings,
  type ElementExtras,
  type RegisterClient,
  type ServerList,
  type ServerPriorityBlock,
  type Sylink,
  type SylinkCertificate,
  type SylinkExtras,
  type SylinkServer,
  type XmlElement,
  type XmlNode,
} from './model.js';
import { canonicalOrder } from './layout.js';
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
import { readXmlTree, type Position, type XmlTree } from './xml.js';

/** Limits and options of {@link parseSylink}. Every limit is a positive integer. */
export interface ParseSylinkOptions {
  /** Largest accepted input in bytes (UTF-8 bytes for a string). Default 1 MiB. */
  readonly maxBytes?: number;
  /** Deepest element nesting (the root is depth 1). Default 32. */
  readonly maxDepth?: number;
  /** Most elements in the document. Default 10,000. */
  readonly maxElements?: number;
  /** Most attributes on one element. Default 64. */
  readonly maxAttributes?: number;
  /** Longest attribute value, in UTF-16 code units. Default 8,192. */
  readonly maxAttributeLength?: number;
  /** Longest run of text, CDATA, comment or PI body, in UTF-16 code units. Default 262,144. */
  readonly maxTextLength?: number;
}

/** The default limits of {@link parseSylink}; real files are about 20 KB and 6 levels deep. */
export const SYLINK_DEFAULT_LIMITS = {
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  maxElements: 10_000,
  maxAttributes: 64,
  maxAttributeLength: 8192,
  maxTextLength: 256 * 1024,
} as const satisfies Required<ParseSylinkOptions>;

/**
 * Parses a `sylink.xml`.
 *
 * Accepts UTF-8 with or without BOM and UTF-16LE/BE with BOM (bytes), or already decoded text;
 * refuses invalid byte sequences, a declaration that contradicts the detected encoding, any
 * DOCTYPE (so no entity can be declared, expanded or fetched), input that is not well-formed
 * XML 1.0 with namespaces, and input beyond the limits in {@link ParseSylinkOptions}.
 *
 * @param input - the file's bytes (preferred: the encoding is then checked) or its text.
 * @param options - limits; see {@link SYLINK_DEFAULT_LIMITS}.
 * @returns the model; unknown elements, attributes, comments and non-indentation text are kept
 *   in the `xml` fields.
 * @throws {@link SylinkError} with `line`/`column` where known:
 *   `ERR_SYLINK_LIMIT_EXCEEDED` (size checked before decoding), `ERR_SYLINK_ENCODING`,
 *   `ERR_SYLINK_DTD_FORBIDDEN`, `ERR_SYLINK_MALFORMED`, `ERR_SYLINK_MISSING_ELEMENT`,
 *   `ERR_SYLINK_DUPLICATE_ELEMENT`, `ERR_SYLINK_INVALID_VALUE`, `ERR_SYLINK_BAD_KCS`
 *   (cause: the {@link KcsError}), `ERR_SYLINK_BAD_CERTIFICATE`.
 * @throws TypeError when `input` is neither a `Uint8Array` nor a string; RangeError for a limit
 *   that is not a positive integer.
 *
 * @example Read a client's sylink.xml and list its managers
 * ```ts
 * const sylink = parseSylink(await readFile('SyLink.xml'));
 * for (const { server } of serversInPriorityOrder(sylink)) console.log(server.address);
 * ```
 */
export function parseSylink(input: Uint8Array | string, options: ParseSylinkOptions = {}): Sylink {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TypeError(
      `"input" expected Uint8Array or string, got ${input === null ? 'null' : typeof input}`,
    );
  }
  const limits = { ...SYLINK_DEFAULT_LIMITS };
  for (const key of Object.keys(SYLINK_DEFAULT_LIMITS) as (keyof typeof limits)[]) {
    const value = options[key];
    if (value !== undefined) limits[key] = aint(value, key, 1, Number.MAX_SAFE_INTEGER) as never;
  }
  const { text, encoding } = decodeSylinkInput(input, limits.maxBytes);
  const tree = readXmlTree(text, encoding, limits);
  return new ModelReader(tree).read();
}

/** Children of a known element, split into known elements (by name) and everything else. */
interface Split {
  readonly known: Map<string, XmlElement[]>;
  readonly extras: XmlNode[];
  readonly order: string[];
}

class ModelReader {
  readonly #tree: XmlTree;

  constructor(tree: XmlTree) {
    this.#tree = tree;
  }

  read(): Sylink {
    const root = this.#tree.root;
    if (root.name !== E.root) {
      this.#fail(root, 'ERR_SYLINK_MISSING_ELEMENT', `the root element is not <${E.root}>`);
    }
    const rootAttrs = { ...root.attributes };
    const domainId = this.#take(rootAttrs, ROOT_ATTRIBUTES.domainId);
    if (domainId === undefined) {
      this.#fail(
        root,
        'ERR_SYLINK_MISSING_ELEMENT',
        `<${E.root}> lacks the ${ROOT_ATTRIBUTES.domainId} attribute`,
      );
    }
    const nameSpace = this.#take(rootAttrs, ROOT_ATTRIBUTES.nameSpace);

    const rootSplit = this.#split(root, [E.commConf]);
    const commConf = this.#one(root, rootSplit, E.commConf, true)!;
    const ccSplit = this.#split(commConf, [
      E.communication,
      E.serverList,
      E.certificateList,
      E.registerClient,
    ]);
    const acs = this.#one(commConf, ccSplit, E.communication, true)!;
    const { kcs, communication } = this.#communication(acs);
    const serverLists = (ccSplit.known.get(E.serverList) ?? []).map((el) => this.#serverList(el));
    const certList = this.#one(commConf, ccSplit, E.certificateList, false);
    const registerEl = this.#one(commConf, ccSplit, E.registerClient, false);

    let certificates: SylinkCertificate[] = [];
    let certificateList: ElementExtras | undefined;
    if (certList !== undefined) {
      const split = this.#split(certList, [E.certificate]);
      certificates = (split.known.get(E.certificate) ?? []).map((el) => this.#certificate(el));
      certificateList = extras({ ...certList.attributes }, {}, split, [E.certificate]) ?? {};
    }

    const xml: SylinkExtras = {
      ...extras(rootAttrs, {}, rootSplit, [E.commConf]),
      ...(this.#tree.prolog.length > 0 ? { prolog: this.#tree.prolog } : {}),
      ...(this.#tree.epilog.length > 0 ? { epilog: this.#tree.epilog } : {}),
      ...optional(
        'commConf',
        extras({ ...commConf.attributes }, {}, ccSplit, [
          E.communication,
          E.serverList,
          E.certificateList,
          E.registerClient,
        ]),
      ),
      ...optional('certificateList', certificateList),
    };
    return {
      domainId: domainId!,
      ...optional('nameSpace', nameSpace),
      kcs,
      communication,
      serverLists,
      certificates,
      ...optional(
        'registerClient',
        registerEl === undefined ? undefined : this.#registerClient(registerEl),
      ),
      ...(Object.keys(xml).length > 0 ? { xml } : {}),
    };
  }

  #communication(el: XmlElement): { kcs: Kcs; communication: CommunicationSettings } {
    const attrs = { ...el.attributes };
    const hex = this.#take(attrs, KCS_ATTRIBUTE);
    if (hex === undefined) {
      this.#fail(
        el,
        'ERR_SYLINK_MISSING_ELEMENT',
        `<${E.communication}> lacks the ${KCS_ATTRIBUTE} attribute`,
      );
    }
    let kcs: Kcs;
    try {
      kcs = Kcs.parse(hex!);
    } catch (cause) {
      // The KcsError message gives only the length or character class, never the value.
      this.#fail(el, 'ERR_SYLINK_BAD_KCS', undefined, cause);
    }
    const { values, raw } = this.#typed(el, attrs, COMMUNICATION_ATTRIBUTES);
    const split = this.#split(el, []);
    return {
      kcs: kcs!,
      communication: { ...values, ...optional('xml', extras(attrs, raw, split, [])) },
    };
  }

  #serverList(el: XmlElement): ServerList {
    const attrs = { ...el.attributes };
    const { values, raw } = this.#typed(el, attrs, NAME_ATTRIBUTES);
    const split = this.#split(el, [E.block]);
    const blocks = (split.known.get(E.block) ?? []).map((b) => this.#block(b));
    return { ...values, blocks, ...optional('xml', extras(attrs, raw, split, [E.block])) };
  }

  #block(el: XmlElement): ServerPriorityBlock {
    const attrs = { ...el.attributes };
    const { values, raw } = this.#typed(el, attrs, NAME_ATTRIBUTES);
    const split = this.#split(el, [E.server]);
    const servers = (split.known.get(E.server) ?? []).map((s) => this.#server(s));
    return { ...values, servers, ...optional('xml', extras(attrs, raw, split, [E.server])) };
  }

  #server(el: XmlElement): SylinkServer {
    const attrs = { ...el.attributes };
    if (attrs.Address === undefined) {
      this.#fail(el, 'ERR_SYLINK_MISSING_ELEMENT', `<${E.server}> lacks the Address attribute`);
    }
    const { values, raw } = this.#typed(el, attrs, SERVER_ATTRIBUTES);
    const split = this.#split(el, []);
    return {
      ...(values as { address: string }),
      ...optional('xml', extras(attrs, raw, split, [])),
    };
  }

  #certificate(el: XmlElement): SylinkCertificate {
    const attrs = { ...el.attributes };
    const name = this.#take(attrs, CERTIFICATE_NAME_ATTRIBUTE);
    if (name === undefined) {
      this.#fail(
        el,
        'ERR_SYLINK_MISSING_ELEMENT',
        `<${E.certificate}> lacks the ${CERTIFICATE_NAME_ATTRIBUTE} attribute`,
      );
    }
    let text = '';
    const others: XmlNode[] = [];
    for (const node of el.children) {
      if (node.type === 'text' || node.type === 'cdata') text += node.text;
      else others.push(node);
    }
    const decoded = decodeCertificateText(text);
    if (decoded instanceof Error) {
      this.#fail(
        el,
        'ERR_SYLINK_BAD_CERTIFICATE',
        `sylink.xml certificate "${clip(name!)}" is invalid: ${decoded.message}`,
        decoded,
      );
    }
    const split: Split = { known: new Map(), extras: others, order: others.map(() => '#') };
    return {
      name: name!,
      certificate: decoded as Exclude<typeof decoded, Error>,
      ...optional('xml', extras(attrs, {}, split, [])),
    };
  }

  #registerClient(el: XmlElement): RegisterClient {
    const attrs = { ...el.attributes };
    const { values, raw } = this.#typed(el, attrs, REGISTER_CLIENT_ATTRIBUTES);
    const split = this.#split(el, []);
    return { ...values, ...optional('xml', extras(attrs, raw, split, [])) };
  }

  /** Reads the known attributes (removing them from `attrs`), typed, with non-canonical raw text. */
  #typed(
    el: XmlElement,
    attrs: Record<string, string>,
    specs: readonly AttributeSpec[],
  ): { values: Record<string, unknown>; raw: Record<string, string> } {
    const values: Record<string, unknown> = {};
    const raw: Record<string, string> = {};
    for (const { attr, key, codec } of specs) {
      const text = this.#take(attrs, attr);
      if (text === undefined) continue;
      const value = codec.parse(text);
      if (value === undefined) {
        this.#fail(
          el,
          'ERR_SYLINK_INVALID_VALUE',
          `sylink.xml <${el.name}> attribute ${attr} must be ${codec.form}`,
        );
      }
      values[key] = value;
      if ((codec.format as (v: unknown) => string)(value) !== text) raw[attr] = text;
    }
    return { values, raw };
  }

  #take(attrs: Record<string, string>, name: string): string | undefined {
    const value = attrs[name];
    delete attrs[name];
    return value;
  }

  /**
   * Splits children: known elements by name, indentation (white-space-only text) dropped, all
   * else kept in order.
   */
  #split(el: XmlElement, knownNames: readonly string[]): Split {
    const known = new Map<string, XmlElement[]>();
    const extrasList: XmlNode[] = [];
    const order: string[] = [];
    for (const node of el.children) {
      if (node.type === 'element' && knownNames.includes(node.name)) {
        let list = known.get(node.name);
        if (list === undefined) known.set(node.name, (list = []));
        list.push(node);
        order.push(node.name);
      } else if (node.type === 'text' && isWhiteSpace(node.text)) {
        continue;
      } else {
        extrasList.push(node);
        order.push('#');
      }
    }
    return { known, extras: extrasList, order };
  }

  #one(parent: XmlElement, split: Split, name: string, required: boolean): XmlElement | undefined {
    const list = split.known.get(name) ?? [];
    if (list.length === 0 && required) {
      this.#fail(
        parent,
        'ERR_SYLINK_MISSING_ELEMENT',
        `<${parent.name}> lacks a <${name}> element`,
      );
    }
    if (list.length > 1) {
      this.#fail(
        list[1]!,
        'ERR_SYLINK_DUPLICATE_ELEMENT',
        `<${parent.name}> has more than one <${name}> element`,
      );
    }
    return list[0];
  }

  #fail(el: XmlElement, code: SylinkErrorCode, message?: string, cause?: unknown): never {
    const at: Position | undefined = this.#tree.positionOf(el);
    throw new SylinkError(code, message, { ...at, ...(cause !== undefined ? { cause } : {}) });
  }
}

/** The extras of one element, or `undefined` when there are none. */
function extras(
  attributes: Record<string, string>,
  raw: Record<string, string>,
  split: Split,
  canonical: readonly string[],
): ElementExtras | undefined {
  const out: { -readonly [K in keyof ElementExtras]: ElementExtras[K] } = {};
  if (Object.keys(attributes).length > 0) out.attributes = attributes;
  if (Object.keys(raw).length > 0) out.raw = raw;
  if (split.extras.length > 0) out.children = split.extras;
  const counts: Record<string, number> = {};
  for (const token of split.order) counts[token] = (counts[token] ?? 0) + 1;
  const expected = canonicalOrder(canonical, counts);
  if (expected.length !== split.order.length || expected.some((t, i) => t !== split.order[i])) {
    out.order = split.order;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function isWhiteSpace(s: string): boolean {
  return /^[ \t\n\r]*$/.test(s);
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
