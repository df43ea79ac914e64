/**
 * Writes docs/errors.md from ERROR_CODES in src/errors.ts, so the table never drifts from the
 * code (test/errors.test.ts checks the committed file equals this output).
 * Run: node --import tsx scripts/gen-errors-doc.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderErrorsDoc } from './errors-doc.js';

const target = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
writeFileSync(target, renderErrorsDoc());
console.log(`wrote ${target}`);
