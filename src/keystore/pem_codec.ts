/**
 * PEM framing (RFC 7468 "Textual Encodings of PKIX, PKCS, and CMS Structures"), with the RFC 1421
 * §4.6 headers that OpenSSL's legacy encrypted keys carry (`Proc-Type`, `DEK-Info`).
 *
 * Reading follows RFC 7468 §2's advice to parsers, strictly where it matters: text outside the
 * blocks is ignored (OpenSSL puts "Bag Attributes" there), CRLF, CR and LF line ends and
 * whitespace inside the base64 are accepted, but the base64 itself must be valid (alphabet and
 * padding: Node's lenient decoder would skip junk silently), the END label must match the BEGIN
 * label, and a block must be closed.
 *
 * @module
 */
import { PemError } from '../errors.js';
import { abytes, astring, fromBase64, fromUtf8, toBase64 } from '../bytes.js';

/** One PEM block. */
export interface PemBlock {
  /** The label, e.g. `'CERTIFICATE'`. */
  readonly label: string;
  /** RFC 1421 headers in order (only legacy encrypted keys have any). */
  readonly headers: readonly (readonly [name: string, value: string])[];
  /** The decoded contents. */
  readonly der: Uint8Array;
  /** The `friendlyName:` given in the text just before the block, as OpenSSL prints it. */
  readonly friendlyName?: string | undefined;
}

// RFC 7468 §3: label = [ labelchar *( ["-" / SP] labelchar ) ], labelchar = %x21-2C / %x2E-7E.
const LABEL = '[\\x21-\\x2C\\x2E-\\x7E](?:[- ]?[\\x21-\\x2C\\x2E-\\x7E])*';
const BEGIN = new RegExp(`^-----BEGIN (${LABEL})-----[ \\t]*$`);
const END = new RegExp(`^-----END (${LABEL})-----[ \\t]*$`);
// No lazy group before trailing whitespace here: with a long run of blanks that backtracks
// quadratically (ReDoS); values are trimmed in code instead.
const HEADER = /^([A-Za-z0-9-]+):(.*)$/;
const FRIENDLY_NAME = /^[ \t]*friendlyName:(.*)$/;

/** Decodes text input: a string as is, bytes as strict UTF-8; a leading BOM is dropped. */
export function pemText(input: string | Uint8Array, label = 'text'): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    abytes(input, label);
    const decoded = fromUtf8(input);
    if (decoded === undefined)
      throw new PemError('ERR_PEM_MALFORMED', 'PEM input is not valid UTF-8');
    text = decoded;
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Splits PEM text into its blocks, in order.
 *
 * @param text - PEM text (a string, or UTF-8 bytes).
 * @returns every block; text outside blocks is skipped.
 * @throws {@link PemError} `ERR_PEM_MALFORMED` for an unclosed block, mismatched END label,
 * bad header syntax, invalid base64 or an empty block.
 *
 * @example List the labels of a bundle
 * ```ts
 * pemBlocks(readFileSync('bundle.pem', 'utf8')).map((b) => b.label); // ['PRIVATE KEY', 'CERTIFICATE']
 * ```
 */
export function pemBlocks(text: string | Uint8Array): PemBlock[] {
  const lines = pemText(text).split(/\r\n|\r|\n/);
  const blocks: PemBlock[] = [];
  let friendlyName: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const begin = BEGIN.exec(line);
    if (!begin) {
      if (line.startsWith('-----BEGIN') || line.startsWith('-----END')) {
        throw new PemError('ERR_PEM_MALFORMED', `PEM line ${i + 1} is not a valid BEGIN line`);
      }
      const fn = FRIENDLY_NAME.exec(line);
      if (fn) friendlyName = fn[1]!.trim();
      continue;
    }
    const label = begin[1]!;
    const startLine = i + 1;
    const headers: [string, string][] = [];
    const body: string[] = [];
    // RFC 1421 §4.6: headers, if any, come first and end with an empty line.
    let j = i + 1;
    if (j < lines.length && HEADER.test(lines[j]!)) {
      for (; j < lines.length && lines[j]!.trim() !== ''; j++) {
        const h = HEADER.exec(lines[j]!);
        if (h) headers.push([h[1]!, h[2]!.trim()]);
        else if (/^[ \t]/.test(lines[j]!) && headers.length > 0) {
          const last = headers[headers.length - 1]!;
          last[1] += lines[j]!.trim();
        } else {
          throw new PemError(
            'ERR_PEM_MALFORMED',
            `PEM block at line ${startLine} has a malformed header on line ${j + 1}`,
          );
        }
      }
    }
    let closed = false;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      const end = END.exec(l);
      if (end) {
        if (end[1] !== label) {
          throw new PemError(
            'ERR_PEM_MALFORMED',
            `PEM block "${label}" at line ${startLine} ends with "${end[1]}"`,
          );
        }
        closed = true;
        break;
      }
      if (l.startsWith('-----')) {
        throw new PemError(
          'ERR_PEM_MALFORMED',
          `PEM block "${label}" at line ${startLine} is not closed`,
        );
      }
      body.push(l);
    }
    if (!closed)
      throw new PemError(
        'ERR_PEM_MALFORMED',
        `PEM block "${label}" at line ${startLine} is not closed`,
      );
    const der = fromBase64(body.join(''));
    if (der === undefined) {
      throw new PemError(
        'ERR_PEM_MALFORMED',
        `PEM block "${label}" at line ${startLine} has invalid base64`,
      );
    }
    if (der.length === 0)
      throw new PemError('ERR_PEM_MALFORMED', `PEM block "${label}" at line ${startLine} is empty`);
    blocks.push({ label, headers, der, friendlyName });
    friendlyName = undefined;
    i = j;
  }
  return blocks;
}

/**
 * Encodes one PEM block as RFC 7468 §2 writers should: 64-character lines, LF line ends and a
 * final newline.
 *
 * @param label - the label, e.g. `'CERTIFICATE'` (RFC 7468 §3 syntax).
 * @param der - the contents.
 * @returns the block text.
 * @throws TypeError for a label that is not valid RFC 7468 syntax.
 *
 * @example
 * ```ts
 * toPem('CERTIFICATE', certDer); // '-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----\n'
 * ```
 */
export function toPem(label: string, der: Uint8Array): string {
  astring(label, 'label');
  abytes(der, 'der');
  if (!new RegExp(`^${LABEL}$`).test(label))
    throw new TypeError(`"label" is not a valid PEM label: ${JSON.stringify(label)}`);
  const b64 = toBase64(der);
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + '\n';
  return out + `-----END ${label}-----\n`;
}
