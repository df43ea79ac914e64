/**
 * The `Bag Attributes` text OpenSSL prints before a PEM block (`openssl pkcs12 -nodes`), reduced
 * to the one attribute the keystore model keeps: the PKCS#9 `friendlyName` (RFC 2985 §5.5.1),
 * which is the alias of a PKCS#12 bag and of a JKS entry. RFC 7468 §2 lets text stand outside
 * the blocks ("explanatory text"), so every PEM reader, OpenSSL's included, skips it; ours reads
 * the name back (see `pemBlocks`).
 *
 * @module
 */

/**
 * The explanatory text naming the next PEM block, as OpenSSL writes it:
 * `Bag Attributes\n    friendlyName: <alias>\n`. Empty for an alias that would not read back
 * unchanged: empty, with a control character (it must fit on one line), or with leading or
 * trailing blanks (the reader trims them).
 *
 * @param alias - the entry's alias.
 * @returns the text to put just before the block, or `''`.
 */
export function bagAttributesText(alias: string): string {
  if (alias === '' || alias !== alias.trim()) return '';
  for (let i = 0; i < alias.length; i++) {
    const c = alias.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return '';
  }
  return `Bag Attributes\n    friendlyName: ${alias}\n`;
}
