/**
 * A strict, template-driven reader for the few Java Object Serialization streams a JCEKS secret-key
 * entry contains (docs/keystores.md, Format notes: "JCEKS"; Java Object Serialization Specification §6.4
 * "Grammar for the Stream Format").
 *
 * This is deliberately NOT a Java deserializer: it accepts exactly three object shapes, each
 * class matched by name, `serialVersionUID`, flags and its exact field list, and it follows a
 * back-reference only when it points to a descriptor or string of the kind the template expects
 * at that spot:
 *
 * - `com.sun.crypto.provider.SealedObjectForKeyProtector` extends `javax.crypto.SealedObject`
 *   (the stored entry: PBE parameters, ciphertext, algorithm names);
 * - `javax.crypto.spec.SecretKeySpec` (the sealed plaintext for `keytool -genseckey`);
 * - `java.security.KeyRep` of type `SECRET` and format `RAW` (the sealed plaintext for
 *   `keytool -importpass`).
 *
 * Any other tag, class, UID or field is refused with `ERR_KEYSTORE_UNSUPPORTED`; running out of
 * bytes is `ERR_KEYSTORE_MALFORMED`. Array lengths are bounded by the bytes that remain.
 *
 * @module
 */
import { KeystoreError } from '../errors.js';
import { concatBytes, copyBytes } from '../bytes.js';
import { DataReader } from './java_io.js';
import { encodeModifiedUtf8 } from './mutf8.js';

// Java Object Serialization Specification §6.4.2 "Terminal Symbols and Constants".
const STREAM_MAGIC = 0xaced;
const STREAM_VERSION = 5;
const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_ENDBLOCKDATA = 0x78;
const TC_ENUM = 0x7e;
const BASE_WIRE_HANDLE = 0x7e0000;
const SC_SERIALIZABLE = 0x02;
const SC_ENUM = 0x10;

/** One field of a class template: type code, name, and the class name string of object fields. */
interface FieldTemplate {
  readonly type: 'L' | '[';
  readonly name: string;
  readonly className: string;
}

/** A class descriptor the reader accepts. */
interface ClassTemplate {
  readonly name: string;
  /** `serialVersionUID` as 16 hex digits. */
  readonly suid: string;
  readonly flags: number;
  readonly fields: readonly FieldTemplate[];
  readonly super?: ClassTemplate;
}

const STRING = 'Ljava/lang/String;';
const BYTES = '[B';

const BYTE_ARRAY: ClassTemplate = {
  name: '[B',
  suid: 'acf317f8060854e0',
  flags: SC_SERIALIZABLE,
  fields: [],
};

const SEALED_OBJECT: ClassTemplate = {
  name: 'javax.crypto.SealedObject',
  suid: '3e363da6c3b75470',
  flags: SC_SERIALIZABLE,
  fields: [
    { type: '[', name: 'encodedParams', className: BYTES },
    { type: '[', name: 'encryptedContent', className: BYTES },
    { type: 'L', name: 'paramsAlg', className: STRING },
    { type: 'L', name: 'sealAlg', className: STRING },
  ],
};

const SEALED_FOR_KEY_PROTECTOR: ClassTemplate = {
  name: 'com.sun.crypto.provider.SealedObjectForKeyProtector',
  suid: 'cd57ca59e730bb53',
  flags: SC_SERIALIZABLE,
  fields: [],
  super: SEALED_OBJECT,
};

const SECRET_KEY_SPEC: ClassTemplate = {
  name: 'javax.crypto.spec.SecretKeySpec',
  suid: '5b470b66e230614d',
  flags: SC_SERIALIZABLE,
  fields: [
    { type: 'L', name: 'algorithm', className: STRING },
    { type: '[', name: 'key', className: BYTES },
  ],
};

const KEY_REP: ClassTemplate = {
  name: 'java.security.KeyRep',
  suid: 'bdf94fb3889aa543',
  flags: SC_SERIALIZABLE,
  fields: [
    { type: 'L', name: 'algorithm', className: STRING },
    { type: '[', name: 'encoded', className: BYTES },
    { type: 'L', name: 'format', className: STRING },
    { type: 'L', name: 'type', className: 'Ljava/security/KeyRep$Type;' },
  ],
};

const ENUM: ClassTemplate = {
  name: 'java.lang.Enum',
  suid: '0000000000000000',
  flags: SC_SERIALIZABLE | SC_ENUM,
  fields: [],
};
const KEY_REP_TYPE: ClassTemplate = {
  name: 'java.security.KeyRep$Type',
  suid: '0000000000000000',
  flags: SC_SERIALIZABLE | SC_ENUM,
  fields: [],
  super: ENUM,
};

type Handle =
  { kind: 'class'; name: string } | { kind: 'string'; value: string } | { kind: 'object' };

function unsupported(what: string, at: number): KeystoreError {
  return new KeystoreError(
    'ERR_KEYSTORE_UNSUPPORTED',
    `unsupported JCEKS secret entry: ${what} at offset ${at}`,
  );
}

/** The strict reader; one instance per serialization stream (handles restart per stream). */
class TemplateReader {
  readonly #handles: Handle[] = [];

  constructor(readonly r: DataReader) {}

  header(): void {
    const at = this.r.pos;
    if (
      this.r.u16('stream magic') !== STREAM_MAGIC ||
      this.r.u16('stream version') !== STREAM_VERSION
    ) {
      throw unsupported('not a Java serialization stream', at);
    }
  }

  #tc(expected: readonly number[], what: string): number {
    const at = this.r.pos;
    const tc = this.r.u8(what);
    if (!expected.includes(tc))
      throw unsupported(`unexpected ${what} tag 0x${tc.toString(16)}`, at);
    return tc;
  }

  #reference<K extends Handle['kind']>(kind: K, what: string): Extract<Handle, { kind: K }> {
    const at = this.r.pos;
    const index = this.r.u32('handle') - BASE_WIRE_HANDLE;
    const h = this.#handles[index];
    if (index < 0 || h === undefined || h.kind !== kind)
      throw unsupported(`bad back-reference for ${what}`, at);
    return h as Extract<Handle, { kind: K }>;
  }

  /** `newString` or a reference to one; no `TC_LONGSTRING` (nothing here is that long). */
  string(what: string): string {
    const tc = this.#tc([TC_STRING, TC_REFERENCE], what);
    if (tc === TC_REFERENCE) return this.#reference('string', what).value;
    const value = this.r.utf(what);
    this.#handles.push({ kind: 'string', value });
    return value;
  }

  /** `classDesc`: a new descriptor matching `t` exactly, or a reference to one named `t.name`. */
  classDesc(t: ClassTemplate): void {
    const tc = this.#tc([TC_CLASSDESC, TC_REFERENCE], `class descriptor of ${t.name}`);
    if (tc === TC_REFERENCE) {
      const h = this.#reference('class', t.name);
      if (h.name !== t.name)
        throw unsupported(`reference to class ${h.name} where ${t.name} was expected`, this.r.pos);
      return;
    }
    const at = this.r.pos;
    const name = this.r.utf('class name');
    if (name !== t.name) throw unsupported(`class ${JSON.stringify(name)}`, at);
    const suid = Array.from(this.r.bytes(8, 'serialVersionUID'), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    if (suid !== t.suid) throw unsupported(`serialVersionUID ${suid} of ${name}`, at);
    this.#handles.push({ kind: 'class', name });
    if (this.r.u8('class flags') !== t.flags) throw unsupported(`class flags of ${name}`, at);
    if (this.r.u16('field count') !== t.fields.length)
      throw unsupported(`field count of ${name}`, at);
    for (const f of t.fields) {
      const fat = this.r.pos;
      const type = String.fromCharCode(this.r.u8('field type'));
      const fname = this.r.utf('field name');
      if (type !== f.type || fname !== f.name)
        throw unsupported(`field ${type}${fname} of ${name}`, fat);
      if (this.string('field class name') !== f.className)
        throw unsupported(`type of field ${fname}`, fat);
    }
    // classAnnotation: empty. superClassDesc: the template's super, or TC_NULL.
    this.#tc([TC_ENDBLOCKDATA], 'class annotation end');
    if (t.super) this.classDesc(t.super);
    else this.#tc([TC_NULL], 'end of class hierarchy');
  }

  /** `newObject` header: `TC_OBJECT classDesc`; the caller reads the field values. */
  object(t: ClassTemplate): void {
    this.#tc([TC_OBJECT], `object of ${t.name}`);
    this.classDesc(t);
    this.#handles.push({ kind: 'object' });
  }

  /** `newArray` of `byte[]`, bounded by the input that remains. */
  byteArray(what: string): Uint8Array {
    this.#tc([TC_ARRAY], what);
    this.classDesc(BYTE_ARRAY);
    this.#handles.push({ kind: 'object' });
    return this.r.bytes(this.r.length(`${what} length`), what);
  }

  /** `newEnum` of `t`, returning the constant's name. */
  enumConstant(t: ClassTemplate, what: string): string {
    this.#tc([TC_ENUM], what);
    this.classDesc(t);
    this.#handles.push({ kind: 'object' });
    return this.string(what);
  }
}

/** The fields of a sealed JCEKS secret entry (views into the file). */
export interface SealedKey {
  readonly encodedParams: Uint8Array;
  readonly encryptedContent: Uint8Array;
  readonly paramsAlg: string;
  readonly sealAlg: string;
  /** Offset of the stream in the file, for error messages. */
  readonly at: number;
}

/**
 * Reads one `SealedObjectForKeyProtector` stream from `r` (a JCEKS tag-3 entry body), leaving
 * `r` just after it: the stream has no length prefix, so parsing it is the only way to find the
 * next entry.
 */
export function readSealedKey(r: DataReader): SealedKey {
  const at = r.pos;
  const t = new TemplateReader(r);
  t.header();
  t.object(SEALED_FOR_KEY_PROTECTOR);
  // classdata runs from the top superclass down: SealedObject's four fields, then none.
  const encodedParams = t.byteArray('encodedParams');
  const encryptedContent = t.byteArray('encryptedContent');
  const paramsAlg = t.string('paramsAlg');
  const sealAlg = t.string('sealAlg');
  return { encodedParams, encryptedContent, paramsAlg, sealAlg, at };
}

/** A secret key recovered from a sealed JCEKS entry. */
export interface UnsealedKey {
  readonly algorithm: string;
  readonly key: Uint8Array;
}

/** The bytes every accepted plaintext starts with: stream header, `TC_OBJECT`, `TC_CLASSDESC`. */
const PLAINTEXT_PREFIX = [0xac, 0xed, 0x00, 0x05, TC_OBJECT, TC_CLASSDESC];

/**
 * True when a decrypted plaintext starts like a serialized object; anything else is how a wrong
 * password shows when the padding happens to be valid.
 */
export function looksSerialized(plain: Uint8Array): boolean {
  return plain.length > PLAINTEXT_PREFIX.length && PLAINTEXT_PREFIX.every((b, i) => plain[i] === b);
}

/**
 * Reads the sealed plaintext: a `SecretKeySpec`, or a `KeyRep` of type `SECRET` in `RAW` format.
 * The stream must take the whole plaintext.
 */
export function readSecretKeyObject(plain: Uint8Array): UnsealedKey {
  const r = new DataReader(plain);
  const t = new TemplateReader(r);
  t.header();
  // Peek at the class name to choose the template; the template then checks everything.
  const nameLen = plain.length >= 8 ? (plain[6]! << 8) | plain[7]! : 0;
  const name = new TextDecoder().decode(plain.subarray(8, 8 + nameLen));
  let out: UnsealedKey;
  if (name === SECRET_KEY_SPEC.name) {
    t.object(SECRET_KEY_SPEC);
    const algorithm = t.string('algorithm');
    out = { algorithm, key: copyBytes(t.byteArray('key')) };
  } else if (name === KEY_REP.name) {
    t.object(KEY_REP);
    const algorithm = t.string('algorithm');
    const key = copyBytes(t.byteArray('encoded'));
    const format = t.string('format');
    const type = t.enumConstant(KEY_REP_TYPE, 'KeyRep type');
    if (type !== 'SECRET' || format !== 'RAW') {
      throw unsupported(`KeyRep of type ${type} in format ${format}`, 0);
    }
    out = { algorithm, key };
  } else {
    throw unsupported(`sealed class ${JSON.stringify(name)}`, 6);
  }
  if (r.remaining !== 0) throw unsupported(`${r.remaining} bytes after the sealed object`, r.pos);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing: the exact byte templates Java itself produces (and its JCEKS load filter accepts).

/** Big-endian u16 length + modified UTF-8 (`writeUTF`); names here are all short. */
function utf(s: string): Uint8Array {
  const b = encodeModifiedUtf8(s);
  if (b.length > 0xffff) throw new RangeError('string too long for writeUTF');
  return concatBytes(Uint8Array.of(b.length >> 8, b.length & 0xff), b);
}

function u32(v: number): Uint8Array {
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

const HEADER = Uint8Array.of(0xac, 0xed, 0x00, 0x05);
const END_NULL = Uint8Array.of(TC_ENDBLOCKDATA, TC_NULL);
const NO_FIELDS = Uint8Array.of(SC_SERIALIZABLE, 0x00, 0x00);

/** `TC_ARRAY` of `byte[]` with a new class descriptor (the first array of a stream). */
function newByteArrayWithDesc(data: Uint8Array): Uint8Array {
  return concatBytes(
    Uint8Array.of(TC_ARRAY, TC_CLASSDESC),
    utf(BYTE_ARRAY.name),
    hexBytes(BYTE_ARRAY.suid),
    NO_FIELDS,
    END_NULL,
    u32(data.length),
    data,
  );
}

/** `TC_STRING`. */
function newString(s: string): Uint8Array {
  return concatBytes(Uint8Array.of(TC_STRING), utf(s));
}

function handleRef(n: number): Uint8Array {
  return concatBytes(Uint8Array.of(TC_REFERENCE), u32(BASE_WIRE_HANDLE + n));
}

/**
 * Serializes `new SecretKeySpec(key, algorithm)` exactly as Java does (the plaintext keytool
 * `-genseckey` seals).
 */
export function writeSecretKeySpec(algorithm: string, key: Uint8Array): Uint8Array {
  // Handles: 0 SecretKeySpec desc, 1 "Ljava/lang/String;", 2 "[B", 3 the object, 4 algorithm,
  // 5 byte[] desc, 6 the array.
  return concatBytes(
    HEADER,
    Uint8Array.of(TC_OBJECT, TC_CLASSDESC),
    utf(SECRET_KEY_SPEC.name),
    hexBytes(SECRET_KEY_SPEC.suid),
    Uint8Array.of(SC_SERIALIZABLE, 0x00, 0x02),
    Uint8Array.of(0x4c),
    utf('algorithm'),
    newString(STRING),
    Uint8Array.of(0x5b),
    utf('key'),
    newString(BYTES),
    END_NULL,
    newString(algorithm),
    newByteArrayWithDesc(key),
  );
}

/**
 * Serializes a `SealedObjectForKeyProtector` holding PBE parameters and ciphertext, sealed with
 * PBEWithMD5AndTripleDES, byte for byte as Java writes it (docs/keystores.md, Format notes: "JCEKS").
 */
export function writeSealedKey(
  encodedParams: Uint8Array,
  encryptedContent: Uint8Array,
): Uint8Array {
  // Handles: 0 SOFKP desc, 1 SealedObject desc, 2 "[B", 3 "Ljava/lang/String;", 4 the object,
  // 5 byte[] desc, 6 encodedParams, 7 encryptedContent, 8 and 9 the algorithm strings.
  return concatBytes(
    HEADER,
    Uint8Array.of(TC_OBJECT, TC_CLASSDESC),
    utf(SEALED_FOR_KEY_PROTECTOR.name),
    hexBytes(SEALED_FOR_KEY_PROTECTOR.suid),
    NO_FIELDS,
    Uint8Array.of(TC_ENDBLOCKDATA, TC_CLASSDESC),
    utf(SEALED_OBJECT.name),
    hexBytes(SEALED_OBJECT.suid),
    Uint8Array.of(SC_SERIALIZABLE, 0x00, 0x04),
    Uint8Array.of(0x5b),
    utf('encodedParams'),
    newString(BYTES),
    Uint8Array.of(0x5b),
    utf('encryptedContent'),
    handleRef(2),
    Uint8Array.of(0x4c),
    utf('paramsAlg'),
    newString(STRING),
    Uint8Array.of(0x4c),
    utf('sealAlg'),
    handleRef(3),
    END_NULL,
    newByteArrayWithDesc(encodedParams),
    Uint8Array.of(TC_ARRAY),
    handleRef(5),
    u32(encryptedContent.length),
    encryptedContent,
    newString('PBEWithMD5AndTripleDES'),
    newString('PBEWithMD5AndTripleDES'),
  );
}
