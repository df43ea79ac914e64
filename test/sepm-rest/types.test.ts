// The typed client's types are the spec's: the committed file is what the generator writes
// from the Swagger file today (regenerate with `node --import tsx scripts/gen-sepm-rest-types.ts`).
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { renderSepmRestTypes, TYPES_FILE } from '../../scripts/sepm-rest-types.js';

describe('sepm_api.generated.ts', () => {
  it('equals the types generated from the Swagger definitions', async () => {
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await renderSepmRestTypes());
  });
});
