/**
 * Java's "modified UTF-8" (the encoding of `DataOutput.writeUTF` / `DataInput.readUTF`), used for
 * JKS and JCEKS aliases and certificate types.
 *
 * It differs from UTF-8 in two ways (Java SE API, `java.io.DataInput` "Modified UTF-8"):
 * U+0000 is written as the two bytes `C0 80`, and a supplementary character is written as its
 * two UTF-16 surrogates, three bytes each; four-byte forms never occur. Writing a JKS alias in
 * standard UTF-8 makes keytool fail with `UTFDataFormatException`
 * (docs/keystores.md, Format notes: "Java streams").
 *
 * @module
 */

const asciiDecoder = new TextDecoder('latin1');

/** Modified UTF-8 bytes of the UTF-16 code units of `text` (no length prefix). */
export function encodeModifiedUtf8(text: string): Uint8Array {
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    size += c !== 0 && c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0 && c < 0x80) {
      out[at++] = c;
    } else if (c < 0x800) {
      // NUL lands here too: Java writes it as C0 80 so that the bytes never contain 00.
      out[at++] = 0xc0 | (c >> 6);
      out[at++] = 0x80 | (c & 0x3f);
    } else {
      out[at++] = 0xe0 | (c >> 12);
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
      out[at++] = 0x80 | (c & 0x3f);
    }
  }
  return out;
}

/**
 * Decodes modified UTF-8. Returns `undefined` on malformed input: a continuation byte where a
 * lead byte is expected, a truncated sequence, a four-byte lead (`F0`..`FF`), or an overlong
 * form other than Java's `C0 80` for NUL. A bare `00` byte is accepted, as Java's `readUTF`
 * accepts it.
 */
export function decodeModifiedUtf8(
  data: Uint8Array,
  start = 0,
  end = data.length,
): string | undefined {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (data[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  // Bytes below 0x80 mean the same in every ASCII-compatible decoder.
  if (ascii) return asciiDecoder.decode(data.subarray(start, end));
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const a = data[i]!;
    if (a < 0x80) {
      units.push(a);
      i += 1;
    } else if ((a & 0xe0) === 0xc0) {
      if (i + 1 >= end) return undefined;
      const b = data[i + 1]!;
      if ((b & 0xc0) !== 0x80) return undefined;
      const c = ((a & 0x1f) << 6) | (b & 0x3f);
      if (c < 0x80 && c !== 0) return undefined;
      units.push(c);
      i += 2;
    } else if ((a & 0xf0) === 0xe0) {
      if (i + 2 >= end) return undefined;
      const b = data[i + 1]!;
      const d = data[i + 2]!;
      if ((b & 0xc0) !== 0x80 || (d & 0xc0) !== 0x80) return undefined;
      const c = ((a & 0x0f) << 12) | ((b & 0x3f) << 6) | (d & 0x3f);
      if (c < 0x800) return undefined;
      units.push(c);
      i += 3;
    } else {
      return undefined;
    }
  }
  let s = '';
  for (let k = 0; k < units.length; k += 8192) {
    s += String.fromCharCode.apply(null, units.slice(k, k + 8192));
  }
  return s;
}
