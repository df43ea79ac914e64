/**
 * The PKCS#12 bag attributes we read and write: friendlyName (a BMPString, the alias),
 * localKeyId (an OCTET STRING tying a key bag to its certificate bag) and Oracle's
 * trusted-certificate marker (RFC 2985 §5.5.1, §5.5.2; docs/keystores.md, Format notes: "PKCS#12 bags and attributes").
 *
 * @module
 */
import { PKCS12Attribute } from '@peculiar/asn1-pfx';
import { OctetString } from '@peculiar/asn1-schema';
import { KeystoreError } from '../../errors.js';
import { fromUtf8, type Bytes } from '../../bytes.js';
import { berToDer, serializeAsn } from '../pbe/asn1.js';
import { OID_FRIENDLY_NAME, OID_LOCAL_KEY_ID, OID_ORACLE_TRUSTED_KEY_USAGE } from './oids.js';

/** What we understand of one bag's attributes. */
export interface BagAttributes {
  friendlyName?: string;
  localKeyId?: Uint8Array;
  trusted: boolean;
}

/** Longest friendlyName accepted, in UTF-16 code units (Java's alias limit is far larger; no tool writes long ones). */
const MAX_NAME_UNITS = 4096;

/** Decodes one DER TLV of the expected universal `tag`; returns its content. */
function primitive(value: ArrayBuffer, tag: number): Uint8Array {
  const der = berToDer(new Uint8Array(value));
  if (der[0] !== tag)
    throw new KeystoreError(
      'ERR_KEYSTORE_MALFORMED',
      'keystore is malformed: bag attribute of the wrong type',
    );
  const l0 = der[1]!;
  const skip = l0 < 0x80 ? 2 : 2 + (l0 & 0x7f);
  return der.subarray(skip);
}

/**
 * Reads the attributes we know from a bag; unknown ones (e.g. Microsoft's CSP name) are ignored.
 * A duplicate known attribute, or a SET with other than one value, is malformed.
 */
export function readBagAttributes(attrs: readonly PKCS12Attribute[] | undefined): BagAttributes {
  const out: BagAttributes = { trusted: false };
  const seen = new Set<string>();
  for (const a of attrs ?? []) {
    if (a.attrId === OID_FRIENDLY_NAME || a.attrId === OID_LOCAL_KEY_ID) {
      if (seen.has(a.attrId) || a.attrValues.length !== 1) {
        throw new KeystoreError(
          'ERR_KEYSTORE_MALFORMED',
          'keystore is malformed: bad bag attribute',
        );
      }
      seen.add(a.attrId);
    }
    if (a.attrId === OID_FRIENDLY_NAME) {
      // PKCS#9 says BMPString; a few producers write UTF8String, which costs nothing to accept.
      const value = a.attrValues[0]!;
      if (new Uint8Array(value)[0] === 0x0c) {
        const name = fromUtf8(primitive(value, 0x0c));
        if (name === undefined || name.length > MAX_NAME_UNITS) {
          throw new KeystoreError(
            'ERR_KEYSTORE_MALFORMED',
            'keystore is malformed: bad friendlyName',
          );
        }
        out.friendlyName = name;
        continue;
      }
      const b = primitive(value, 0x1e);
      if (b.length % 2 !== 0 || b.length / 2 > MAX_NAME_UNITS) {
        throw new KeystoreError(
          'ERR_KEYSTORE_MALFORMED',
          'keystore is malformed: bad friendlyName',
        );
      }
      let s = '';
      for (let i = 0; i < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      out.friendlyName = s;
    } else if (a.attrId === OID_LOCAL_KEY_ID) {
      out.localKeyId = primitive(a.attrValues[0]!, 0x04).slice();
    } else if (a.attrId === OID_ORACLE_TRUSTED_KEY_USAGE) {
      out.trusted = true;
    }
  }
  return out;
}

function attribute(attrId: string, value: Uint8Array): PKCS12Attribute {
  // PKCS12Attribute's constructor ignores its argument (asn1-pfx 2.x): set the fields directly.
  const a = new PKCS12Attribute();
  a.attrId = attrId;
  a.attrValues = [value.slice().buffer];
  return a;
}

/** friendlyName: the alias as a BMPString (UTF-16BE code units, as Java writes it). */
export function friendlyNameAttribute(name: string): PKCS12Attribute {
  const content = new Uint8Array(name.length * 2);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    content[2 * i] = c >> 8;
    content[2 * i + 1] = c & 0xff;
  }
  return attribute(OID_FRIENDLY_NAME, tlv(0x1e, content));
}

/** localKeyId: an OCTET STRING. */
export function localKeyIdAttribute(id: Uint8Array): PKCS12Attribute {
  return attribute(OID_LOCAL_KEY_ID, serializeAsn(new OctetString(id)));
}

/** DER of the OID anyExtendedKeyUsage (2.5.29.37.0). */
const ANY_EKU_DER = Uint8Array.of(0x06, 0x04, 0x55, 0x1d, 0x25, 0x00);

/** Oracle's trustedKeyUsage with `{ anyExtendedKeyUsage }`, so keytool lists a trustedCertEntry. */
export function trustedAttribute(): PKCS12Attribute {
  return attribute(OID_ORACLE_TRUSTED_KEY_USAGE, ANY_EKU_DER);
}

function tlv(tag: number, content: Uint8Array): Bytes {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}

/** The longest `"Time <ms>"` localKeyId read or written (the writer pads with zeros up to it). */
export const MAX_TIME_ID = 40;

/**
 * The creation date Java encodes in its localKeyId, `"Time <millis>"` in ASCII
 * (docs/keystores.md, Format notes: "PKCS#12 bags and attributes"), or `undefined` for any other localKeyId.
 * Leading zeros and a minus sign are read as Java's `Long.parseLong` reads them; a value outside
 * the range of `Date` gives `undefined`.
 */
export function dateFromLocalKeyId(id: Uint8Array | undefined): Date | undefined {
  if (id === undefined || id.length > MAX_TIME_ID) return undefined;
  const m = /^Time (-?)0*(\d{1,16})$/.exec(fromUtf8(id) ?? '');
  if (!m) return undefined;
  const date = new Date(Number(`${m[1]}${m[2]}`));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
