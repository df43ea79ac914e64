import { describe, expect, it } from 'vitest';
import { Twofish } from '../../src/twofish/index.js';
import { SlowTwofish } from '../misc/slow-twofish.js';
import { hex, parseVectorText, readVectorFile, toHexUpper } from './vectors.js';

const table = readVectorFile('ECB_TBL');

describe('Twofish ECB_TBL.TXT (tables known-answer test)', () => {
  it('has all 49 entries for each key size', () => {
    expect(table.filter((e) => e.keySize === 128)).toHaveLength(49);
    expect(table.filter((e) => e.keySize === 192)).toHaveLength(49);
    expect(table.filter((e) => e.keySize === 256)).toHaveLength(49);
  });

  it.each(table.map((e) => [e.keySize, e.index, e] as const))(
    'KEYSIZE=%i I=%i encrypts to CT and decrypts back',
    (keySize, _i, e) => {
      const key = hex(e.fields.KEY!);
      expect(key.length * 8).toBe(keySize);
      const tf = new Twofish(key);
      expect(toHexUpper(tf.encryptBlock(hex(e.fields.PT!)))).toBe(e.fields.CT);
      expect(toHexUpper(tf.decryptBlock(hex(e.fields.CT!)))).toBe(e.fields.PT);
    },
  );

  it('follows the file chain: KEY_I = (PT_{I-1} || KEY_{I-1}) cut to size, PT_I = CT_{I-1}', () => {
    for (let n = 1; n < table.length; n++) {
      const [prev, e] = [table[n - 1]!, table[n]!];
      if (prev.keySize !== e.keySize) continue;
      const size = e.keySize / 4;
      expect(e.fields.KEY).toBe((prev.fields.PT! + prev.fields.KEY!).slice(0, size));
      expect(e.fields.PT).toBe(prev.fields.CT);
    }
  });

  it('parses CRLF files the same as LF files', () => {
    const lf = readVectorFile('ECB_TBL');
    const text = lf
      .map(
        (e) =>
          `KEYSIZE=${e.keySize}\r\n\r\nI=${e.index}\r\nKEY=${e.fields.KEY}\r\nPT=${e.fields.PT}\r\nCT=${e.fields.CT}\r\n`,
      )
      .join('\r\n');
    expect(parseVectorText(text)).toEqual(lf);
  });

  it('agrees with the table-free reference on the first entries of each key size', () => {
    for (const e of table.filter((x) => x.index <= 3)) {
      const slow = new SlowTwofish(hex(e.fields.KEY!));
      expect(toHexUpper(slow.encrypt(hex(e.fields.PT!)))).toBe(e.fields.CT);
    }
  });
});
