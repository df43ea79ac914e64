/**
 * Readers for the Twofish AES-submission vector files in test/vectors/twofish (see
 * test/vectors/README.md), and the Monte-Carlo procedure they were produced with.
 *
 * Monte-Carlo definition (AES candidate submission requirements, "Monte Carlo Tests"; each
 * file entry I is one outer iteration of 10,000 inner block operations):
 * - ECB encrypt: PT_{j+1} = CT_j = E(KEY_I, PT_j); the entry's CT is CT_9999.
 * - ECB decrypt: the same with D.
 * - CBC encrypt: CV_0 = IV_I; CT_j = E(KEY_I, PT_j ^ CV_j); CV_{j+1} = CT_j; PT_{j+1} = CV_0 for
 *   j = 0, else CT_{j-1}; the entry's CT is CT_9999.
 * - CBC decrypt: CV_0 = IV_I; PT_j = D(KEY_I, CT_j) ^ CV_j; CV_{j+1} = CT_j; CT_{j+1} = PT_j; the
 *   entry's PT is PT_9999.
 * Next entry: KEY_{I+1} = KEY_I ^ (the last |KEY| bits of OUT_9998 || OUT_9999), i.e. OUT_9999
 * for 128-bit keys, the last 8 bytes of OUT_9998 then OUT_9999 for 192-bit keys, and
 * OUT_9998 || OUT_9999 for 256-bit keys. The next input is OUT_9999 (ECB), CT_9998 with
 * IV = CT_9999 (CBC encrypt), and PT_9999 with IV = CT_9999 (CBC decrypt).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Twofish } from '../../src/twofish/index.js';

/** One entry of a vector file: its key size in bits, its index I and its hex fields. */
export interface VectorEntry {
  keySize: number;
  index: number;
  fields: Record<string, string>;
}

/** The Monte-Carlo files. */
export const MCT_FILES = ['ECB_E_M', 'ECB_D_M', 'CBC_E_M', 'CBC_D_M'] as const;
export type MctFile = (typeof MCT_FILES)[number];

/** Parses a vector file (LF or CRLF). */
export function parseVectorText(text: string): VectorEntry[] {
  const entries: VectorEntry[] = [];
  let keySize = 0;
  let current: VectorEntry | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^([A-Z]+)=([0-9A-Fa-f]*)$/.exec(line);
    if (!m) continue;
    const [, name, value] = m as unknown as [string, string, string];
    if (name === 'KEYSIZE') {
      keySize = Number(value);
    } else if (name === 'I') {
      current = { keySize, index: Number(value), fields: {} };
      entries.push(current);
    } else if (current) {
      current.fields[name] = value.toUpperCase();
    }
  }
  return entries;
}

/** Reads test/vectors/twofish/NAME.TXT. */
export function readVectorFile(name: string): VectorEntry[] {
  const url = new URL(`../vectors/twofish/${name}.TXT`, import.meta.url);
  return parseVectorText(readFileSync(fileURLToPath(url), 'utf8'));
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
export const toHexUpper = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

function xorInto(a: Uint8Array, b: Uint8Array): void {
  for (let i = 0; i < 16; i++) a[i]! ^= b[i]!;
}

/** What one outer Monte-Carlo iteration produced, and the inputs it defines for the next. */
export interface MctResult {
  output: string;
  nextKey: string;
  nextInput: string;
  nextIv?: string;
}

/** Runs one outer Monte-Carlo iteration (10,000 inner steps) for an entry of `file`. */
export function runMctEntry(file: MctFile, entry: VectorEntry): MctResult {
  const f = entry.fields;
  const key = hex(f.KEY!);
  const tf = new Twofish(key);
  const encrypt = file === 'ECB_E_M' || file === 'CBC_E_M';
  const cbc = file.startsWith('CBC');
  let cur: Uint8Array = hex(encrypt ? f.PT! : f.CT!);
  let prev: Uint8Array = new Uint8Array(16);
  let out: Uint8Array = new Uint8Array(16);
  if (!cbc) {
    for (let j = 0; j < 10000; j++) {
      prev = out;
      out = encrypt ? tf.encryptBlock(cur) : tf.decryptBlock(cur);
      cur = out;
    }
  } else if (encrypt) {
    const iv = hex(f.IV!);
    let cv: Uint8Array = iv;
    let ctPrev: Uint8Array = new Uint8Array(16);
    for (let j = 0; j < 10000; j++) {
      const ib = cur.slice();
      xorInto(ib, cv);
      prev = out;
      out = tf.encryptBlock(ib);
      cur = j === 0 ? iv : ctPrev;
      ctPrev = out;
      cv = out;
    }
  } else {
    let cv: Uint8Array = hex(f.IV!);
    for (let j = 0; j < 10000; j++) {
      const pt = tf.decryptBlock(cur);
      xorInto(pt, cv);
      cv = cur;
      prev = out;
      out = pt;
      cur = pt;
    }
  }
  tf.destroy();
  // Next key: KEY ^ the last |KEY| bits of (OUT_9998 || OUT_9999).
  const tail = new Uint8Array(32);
  tail.set(prev, 0);
  tail.set(out, 16);
  const nextKey = key.slice();
  const from = 32 - key.length;
  for (let i = 0; i < key.length; i++) nextKey[i]! ^= tail[from + i]!;
  if (!cbc)
    return { output: toHexUpper(out), nextKey: toHexUpper(nextKey), nextInput: toHexUpper(out) };
  if (encrypt) {
    return {
      output: toHexUpper(out),
      nextKey: toHexUpper(nextKey),
      nextInput: toHexUpper(prev),
      nextIv: toHexUpper(out),
    };
  }
  // CBC decrypt: the last ciphertext fed in (CT_9999 = PT_9998) becomes the next IV.
  return {
    output: toHexUpper(out),
    nextKey: toHexUpper(nextKey),
    nextInput: toHexUpper(out),
    nextIv: toHexUpper(prev),
  };
}

/** The field an entry of `file` lists as its output. */
export function mctOutputField(file: MctFile): 'CT' | 'PT' {
  return file === 'ECB_E_M' || file === 'CBC_E_M' ? 'CT' : 'PT';
}

/** The field an entry of `file` lists as its input. */
export function mctInputField(file: MctFile): 'CT' | 'PT' {
  return mctOutputField(file) === 'CT' ? 'PT' : 'CT';
}

/**
 * Checks `entries` of `file` one by one: each entry's output from its own inputs, and that
 * the next entry's key, input and IV are the ones the definition derives from this run.
 * Returns a list of mismatches (empty when all agree) and the number of entries run.
 */
export function checkMctEntries(
  file: MctFile,
  all: VectorEntry[],
  select: (e: VectorEntry) => boolean,
): { ran: number; mismatches: string[] } {
  const mismatches: string[] = [];
  let ran = 0;
  for (let n = 0; n < all.length; n++) {
    const e = all[n]!;
    if (!select(e)) continue;
    ran++;
    const r = runMctEntry(file, e);
    const label = `${file} KEYSIZE=${e.keySize} I=${e.index}`;
    if (r.output !== e.fields[mctOutputField(file)]) mismatches.push(`${label}: output`);
    const next = all[n + 1];
    if (next && next.keySize === e.keySize) {
      if (r.nextKey !== next.fields.KEY) mismatches.push(`${label}: next KEY`);
      if (r.nextInput !== next.fields[mctInputField(file)]) mismatches.push(`${label}: next input`);
      if (r.nextIv !== undefined && r.nextIv !== next.fields.IV)
        mismatches.push(`${label}: next IV`);
    }
  }
  return { ran, mismatches };
}

/**
 * 'equal' when `a` and `b` hold the same bytes, else where they first differ (fast on MiB
 * inputs, unlike a deep `toEqual`).
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): string {
  if (Buffer.from(a.buffer, a.byteOffset, a.length).equals(b)) return 'equal';
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `differ at byte ${i} (lengths ${a.length} and ${b.length})`;
}
