/**
 * Java stores a secret key in PKCS#12 as a `secretBag` of type pkcs8ShroudedKeyBag whose plaintext
 * is a PKCS#8-shaped `SEQUENCE { 0, AlgorithmIdentifier { <algorithm OID>, NULL }, OCTET STRING key }`
 * (docs/keystores.md, Format notes: "PKCS#12 bags and attributes"). This maps JCA algorithm names to and from those OIDs.
 *
 * @module
 */

/** JCA secret-key algorithm names and the OIDs Java's `AlgorithmId.get(name)` gives them. */
const NAME_TO_OID: Readonly<Record<string, string>> = {
  AES: '2.16.840.1.101.3.4.1',
  DESede: '1.2.840.113549.3.7',
  HmacSHA1: '1.2.840.113549.2.7',
  HmacSHA224: '1.2.840.113549.2.8',
  HmacSHA256: '1.2.840.113549.2.9',
  HmacSHA384: '1.2.840.113549.2.10',
  HmacSHA512: '1.2.840.113549.2.11',
};

const OID_TO_NAME: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(NAME_TO_OID).map(([name, oid]) => [oid, name]),
);

/** The JCA name for an algorithm OID; an unknown OID is returned in dotted form. */
export function secretKeyAlgorithmName(oid: string): string {
  return OID_TO_NAME[oid] ?? oid;
}

/**
 * The OID for a JCA algorithm name (case-insensitive, as JCA lookups are), or the name itself when
 * it is already a dotted OID; `undefined` when unknown.
 */
export function secretKeyAlgorithmOid(name: string): string | undefined {
  if (/^\d+(\.\d+)+$/.test(name)) return name;
  const hit = Object.keys(NAME_TO_OID).find((k) => k.toLowerCase() === name.toLowerCase());
  return hit === undefined ? undefined : NAME_TO_OID[hit];
}
