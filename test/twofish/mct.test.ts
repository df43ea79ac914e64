import { describe, expect, it } from 'vitest';
import { MCT_FILES, checkMctEntries, readVectorFile } from './vectors.js';

// A sample of the Monte-Carlo entries (each 10,000 inner steps): I = 0, 1, 2 and the last one,
// for every key size of every file. test/slow/twofish-mct.test.ts runs all 4,800 entries.
const SAMPLE = new Set([0, 1, 2, 399]);

describe('Twofish Monte-Carlo tests (sample)', () => {
  it.each(MCT_FILES)('%s: sampled entries and the chain to the next entry', (file) => {
    const all = readVectorFile(file);
    expect(all).toHaveLength(1200);
    const { ran, mismatches } = checkMctEntries(file, all, (e) => SAMPLE.has(e.index));
    expect(ran).toBe(12);
    expect(mismatches).toEqual([]);
  });
});
