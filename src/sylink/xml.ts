/**
 * A strict, bounded XML reader: `saxes` events into a small tree of {@link XmlNode}s.
 *
 * Why saxes (docs/sylink.md, "Parser and builder safety"): it is a conforming
 * non-validating XML 1.0 + Namespaces parser that never expands or fetches anything, is
 * iterative (no recursion on depth) and linear in time. It refuses `&#0;`, bare `&`, duplicate
 * attributes (also after namespace resolution), two roots, mismatched tags and undefined
 * entities by itself; this module adds what saxes leaves to its caller:
 * - any DOCTYPE is refused before saxes reads its internal subset (so no entity declaration,
 *   external identifier or parameter entity is ever looked at), with `ondoctype` as a backstop;
 * - caps on depth, element count, attributes per element, attribute and text length, each
 *   checked as soon as saxes reports the item, so a hostile file stops early;
 * - the XML declaration's `encoding` is checked against the detected encoding.
 * No error listener is registered, so saxes throws at the first well-formedness error.
 *
 * At most seven handlers are registered: saxes stores each with a keyed property write on the
 * parser, and with an eighth V8 turns the parser into a dictionary-mode object, which made
 * parsing about six times slower (0.10 ms -> 0.64 ms for a 19 KB file on Node 20). Hence no
 * `opentagstart`, `attribute` or `xmldecl` handler: their checks run in `opentag`.
 *
 * @module
 */
import { SaxesParser, type SaxesTag } from 'saxes';
import { SylinkError } from '../errors.js';
import { checkDeclaredEncoding, type DetectedEncoding } from './decode.js';
import type { XmlElement, XmlNode } from './model.js';

/** Limits of {@link readXmlTree}. */
export interface XmlLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
  readonly maxAttributes: number;
  readonly maxAttributeLength: number;
  readonly maxTextLength: number;
}

/** A 1-based position in the decoded text. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** The tree of one document. */
export interface XmlTree {
  readonly root: XmlElement;
  readonly prolog: XmlNode[];
  readonly epilog: XmlNode[];
  /** Where an element's start tag begins, for the model layer's error messages. */
  positionOf(el: XmlElement): Position | undefined;
}

interface MutableElement {
  type: 'element';
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

/**
 * Parses `text` into a tree.
 *
 * @throws {@link SylinkError} `ERR_SYLINK_MALFORMED`, `ERR_SYLINK_DTD_FORBIDDEN`,
 *   `ERR_SYLINK_LIMIT_EXCEEDED` or `ERR_SYLINK_ENCODING`, with line and column.
 */
export function readXmlTree(text: string, encoding: DetectedEncoding, limits: XmlLimits): XmlTree {
  const doctypeAt = findPrologDoctype(text);
  if (doctypeAt >= 0) {
    throw new SylinkError('ERR_SYLINK_DTD_FORBIDDEN', undefined, lineColumn(text, doctypeAt));
  }
  // Namespace processing costs about a third of saxes' time and SEPM's files use no namespace:
  // read without it, and read again with it (all Namespaces 1.0 checks) at the first name that
  // has a prefix or an `xmlns` declaration. Without either, a document is namespace-well-formed.
  try {
    return readOnce(text, encoding, limits, false);
  } catch (e) {
    if (e !== NEEDS_NAMESPACES) throw e;
    return readOnce(text, encoding, limits, true);
  }
}

const NEEDS_NAMESPACES = Symbol('needs namespace processing');

/** The parser of one pass; `xmlns` is decided per pass (see {@link readXmlTree}). */
type Parser = SaxesParser<{ xmlns: boolean; position: true }>;

/** One pass of saxes over `text`; throws {@link NEEDS_NAMESPACES} to ask for the second one. */
function readOnce(
  text: string,
  encoding: DetectedEncoding,
  limits: XmlLimits,
  namespaces: boolean,
): XmlTree {
  const parser: Parser = new SaxesParser({ xmlns: namespaces, position: true });
  const tree = new TreeBuilder(parser, text, encoding, limits, namespaces);
  listen(parser, tree);
  try {
    parser.write(text).close();
  } catch (cause) {
    if (cause instanceof SylinkError || cause === NEEDS_NAMESPACES) throw cause;
    throw malformed(text, parser.position, tree.here(), cause);
  }
  return tree.result();
}

/**
 * Registers the seven handlers (no more: see the module note on V8's dictionary mode). Each
 * checks its limit as soon as saxes reports the item, so a hostile file stops early.
 */
function listen(parser: Parser, tree: TreeBuilder): void {
  const { maxTextLength } = tree.limits;
  parser.on('doctype', () => {
    // Backstop only: findPrologDoctype has refused every DOCTYPE a well-formed prolog can hold.
    throw new SylinkError('ERR_SYLINK_DTD_FORBIDDEN', undefined, tree.here());
  });
  parser.on('opentag', (tag) => tree.open(tag));
  parser.on('closetag', () => tree.close());
  parser.on('text', (t) => {
    if (t.length > maxTextLength) tree.limit(`maxTextLength (${maxTextLength})`);
    tree.append({ type: 'text', text: t });
  });
  parser.on('cdata', (t) => {
    if (t.length > maxTextLength) tree.limit(`maxTextLength (${maxTextLength})`);
    tree.append({ type: 'cdata', text: t });
  });
  parser.on('comment', (t) => {
    if (t.length > maxTextLength) tree.limit(`maxTextLength (${maxTextLength})`);
    tree.append({ type: 'comment', text: t });
  });
  parser.on('processinginstruction', (pi) => {
    // Namespaces 1.0 §7: no colon in PI targets; saxes checks that in namespace mode.
    if (!tree.namespaces && pi.target.includes(':')) throw NEEDS_NAMESPACES;
    if (pi.body.length > maxTextLength) tree.limit(`maxTextLength (${maxTextLength})`);
    tree.append({ type: 'pi', target: pi.target, body: pi.body });
  });
}

/** The tree under construction during one pass, and the element-level checks. */
class TreeBuilder {
  private readonly starts = new Map<XmlElement, number>();
  private readonly stack: MutableElement[] = [];
  private readonly prolog: XmlNode[] = [];
  private readonly epilog: XmlNode[] = [];
  private root: MutableElement | undefined;
  private elements = 0;

  constructor(
    private readonly parser: Parser,
    private readonly text: string,
    private readonly encoding: DetectedEncoding,
    readonly limits: XmlLimits,
    readonly namespaces: boolean,
  ) {}

  here(): Position {
    return { line: this.parser.line, column: this.parser.column + 1 };
  }

  limit(what: string): never {
    throw new SylinkError('ERR_SYLINK_LIMIT_EXCEEDED', `sylink.xml exceeds ${what}`, this.here());
  }

  /** A start tag: encoding, depth, count and attribute checks, then the element joins the tree. */
  open(tag: SaxesTag): void {
    const { limits, stack } = this;
    if (this.elements === 0) {
      // The declaration, if any, precedes the root (XML 1.0 §2.8).
      const problem = checkDeclaredEncoding(this.parser.xmlDecl.encoding, this.encoding);
      if (problem !== undefined) {
        throw new SylinkError('ERR_SYLINK_ENCODING', problem, { line: 1, column: 1 });
      }
    }
    if (stack.length + 1 > limits.maxDepth) this.limit(`maxDepth (${limits.maxDepth})`);
    if (++this.elements > limits.maxElements) this.limit(`maxElements (${limits.maxElements})`);
    if (!this.namespaces && tag.name.includes(':')) throw NEEDS_NAMESPACES;
    const el: MutableElement = {
      type: 'element',
      name: tag.name,
      attributes: this.attributes(tag),
      children: [],
    };
    // Where the start tag begins: `<` cannot occur inside it (attribute values refuse it), so
    // the last `<` before the parser's position is its first character.
    this.starts.set(el, this.text.lastIndexOf('<', this.parser.position - 1));
    if (stack.length === 0) this.root = el;
    else stack[stack.length - 1]!.children.push(el);
    stack.push(el);
  }

  /** The attributes of a start tag as name to value, checked against the limits. */
  private attributes(tag: SaxesTag): Record<string, string> {
    const { limits, namespaces } = this;
    // Both maps have a null prototype; without namespaces the values are the strings.
    const raw = tag.attributes as Record<string, string | { value: string }>;
    const names = Object.keys(raw);
    if (names.length > limits.maxAttributes) this.limit(`maxAttributes (${limits.maxAttributes})`);
    let attrs = raw as Record<string, string>;
    if (namespaces) attrs = Object.create(null) as Record<string, string>;
    for (const name of names) {
      if (!namespaces && (name === 'xmlns' || name.includes(':'))) throw NEEDS_NAMESPACES;
      const value = namespaces ? (raw[name] as { value: string }).value : (raw[name] as string);
      if (value.length > limits.maxAttributeLength) {
        this.limit(`maxAttributeLength (${limits.maxAttributeLength})`);
      }
      if (namespaces) attrs[name] = value;
    }
    return attrs;
  }

  close(): void {
    this.stack.pop();
  }

  append(node: XmlNode): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent !== undefined) {
      const last = parent.children[parent.children.length - 1];
      // Keep one text node per run of character data whatever chunks the parser reports.
      if (node.type === 'text' && last?.type === 'text') {
        parent.children[parent.children.length - 1] = { type: 'text', text: last.text + node.text };
      } else parent.children.push(node);
    } else if (node.type === 'comment' || node.type === 'pi') {
      (this.root === undefined ? this.prolog : this.epilog).push(node);
    }
    // Text outside the root can only be whitespace here (saxes refuses anything else).
  }

  /** The finished tree; a document without a root element is malformed. */
  result(): XmlTree {
    const { root, starts, text } = this;
    if (root === undefined) {
      throw new SylinkError('ERR_SYLINK_MALFORMED', 'sylink.xml has no root element', this.here());
    }
    return {
      root,
      prolog: this.prolog,
      epilog: this.epilog,
      positionOf: (el) => {
        const at = starts.get(el);
        return at === undefined || at < 0 ? undefined : lineColumn(text, at);
      },
    };
  }
}

// saxes reports a DOCTYPE or ENTITY in the wrong place as a syntax error; name it for what it is.
function malformed(text: string, position: number, at: Position, cause: unknown): SylinkError {
  const lt = text.lastIndexOf('<', Math.min(position, text.length - 1));
  if (lt >= 0 && /^<!(?:DOCTYPE|ENTITY)/.test(text.slice(lt, lt + 9))) {
    return new SylinkError('ERR_SYLINK_DTD_FORBIDDEN', undefined, { ...at, cause });
  }
  const detail = (cause instanceof Error ? cause.message : String(cause)).replace(/^\d+:\d+: /, '');
  const clipped = detail.length > 120 ? `${detail.slice(0, 120)}…` : detail;
  return new SylinkError('ERR_SYLINK_MALFORMED', `sylink.xml is not well-formed XML: ${clipped}`, {
    ...at,
    cause,
  });
}

/**
 * Index of a `<!DOCTYPE` in the prolog, or -1. XML 1.0 §2.8: the document type declaration can
 * only follow the XML declaration, comments, PIs and white space, so skipping exactly those
 * finds every well-placed one without false positives inside comments or CDATA (a misplaced one
 * is a well-formedness error that saxes reports).
 */
function findPrologDoctype(text: string): number {
  let i = 0;
  for (;;) {
    while (
      i < text.length &&
      (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')
    )
      i++;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return -1;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return -1;
      i = end + 3;
    } else {
      return text.startsWith('<!DOCTYPE', i) ? i : -1;
    }
  }
}

/** 1-based line and column of `index` in `text` (columns count UTF-16 code units). */
export function lineColumn(text: string, index: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}
