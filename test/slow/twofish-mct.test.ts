import { describe, expect, it } from 'vitest';
import { MCT_FILES, checkMctEntries, readVectorFile } from '../twofish/vectors.js';

describe('Twofish Monte-Carlo tests (all entries, 10,000 inner steps each)', () => {
  it.each(MCT_FILES)('%s: all 1,200 entries and the chain between them', (file) => {
    const all = readVectorFile(file);
    expect(all).toHaveLength(1200);
    for (const keySize of [128, 192, 256]) {
      expect(all.filter((e) => e.keySize === keySize)).toHaveLength(400);
    }
    const { ran, mismatches } = checkMctEntries(file, all, () => true);
    expect(ran).toBe(1200);
    expect(mismatches).toEqual([]);
  });
});
