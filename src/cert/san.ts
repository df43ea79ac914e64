/**
 * Subject alternative names for generated identities: how a caller writes them and how they are
 * checked before they reach the certificate (RFC 5280 section 4.2.1.6).
 *
 * @module
 */

/**
 * One subject alternative name. A plain string is an IP address when it parses as IPv4
 * (dotted quad) or IPv6 (it has a `:`), and a DNS name otherwise; `{ dns }` and `{ ip }` say so
 * explicitly.
 */
export type SubjectAltName = string | { readonly dns: string } | { readonly ip: string };

/** A checked name, in the form `@peculiar/x509`'s `SubjectAlternativeNameExtension` takes. */
export interface NormalizedAltName {
  readonly type: 'dns' | 'ip';
  readonly value: string;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// RFC 1123 host labels; a single leading `*.` wildcard label is allowed (RFC 6125 section 6.4.3).
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DNS = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/** The canonical text of an IPv6 address (WHATWG URL host serializer), or `undefined`. */
function ipv6(text: string): string | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return undefined;
  try {
    const host = new URL(`http://[${text}]/`).hostname;
    return host.slice(1, -1);
  } catch {
    return undefined;
  }
}

function ip(text: string): string | undefined {
  if (IPV4.test(text)) return text;
  return ipv6(text);
}

function dns(text: string): string | undefined {
  return text.length <= 253 && DNS.test(text) ? text.toLowerCase() : undefined;
}

/**
 * Checks and normalises one entry.
 *
 * @throws TypeError for a value of the wrong shape; RangeError for a malformed name or address.
 */
export function normalizeAltName(
  entry: SubjectAltName,
  label = 'subjectAltNames',
): NormalizedAltName {
  if (typeof entry === 'string') {
    const asIp = ip(entry);
    if (asIp !== undefined) return { type: 'ip', value: asIp };
    const asDns = dns(entry);
    if (asDns !== undefined) return { type: 'dns', value: asDns };
    throw new RangeError(
      `"${label}" entry is neither an IP address nor a DNS name: ${JSON.stringify(entry)}`,
    );
  }
  if (typeof entry === 'object' && entry !== null) {
    if ('dns' in entry && typeof entry.dns === 'string') {
      const v = dns(entry.dns);
      if (v === undefined)
        throw new RangeError(`"${label}" has an invalid DNS name: ${JSON.stringify(entry.dns)}`);
      return { type: 'dns', value: v };
    }
    if ('ip' in entry && typeof entry.ip === 'string') {
      const v = ip(entry.ip);
      if (v === undefined)
        throw new RangeError(`"${label}" has an invalid IP address: ${JSON.stringify(entry.ip)}`);
      return { type: 'ip', value: v };
    }
  }
  throw new TypeError(`"${label}" entries must be strings, { dns: string } or { ip: string }`);
}
