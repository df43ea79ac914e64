/**
 * Writes test/sepm-rest/sepm_api.generated.ts (see scripts/sepm-rest-types.ts).
 * Run: node --import tsx scripts/gen-sepm-rest-types.ts
 */
import { writeFileSync } from 'node:fs';
import { renderSepmRestTypes, TYPES_FILE } from './sepm-rest-types.js';

writeFileSync(TYPES_FILE, await renderSepmRestTypes());
console.log(`wrote ${TYPES_FILE}`);
