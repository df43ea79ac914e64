// The committed API reports (api/*.api.md) equal the public surface of both entries: a change
// of what `sepm-crypto` or `sepm-crypto/node` exports shows in the diff of the report.
// Regenerate with `node --import tsx scripts/api-report.ts --write`.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiReports } from '../../scripts/api-report.js';

describe('API report', () => {
  const reports = apiReports();

  it.each(reports.map((r) => [r.report, r.text] as const))(
    '%s matches the code (regenerate: node --import tsx scripts/api-report.ts --write)',
    (report, text) => {
      expect(readFileSync(resolve(import.meta.dirname, '../..', report), 'utf8')).toBe(text);
    },
  );

  it('lists the entries, and no internals', () => {
    const node = reports.find((r) => r.report.endsWith('node.api.md'))!.text;
    expect(node).toMatch(/^function createManager\(/m);
    expect(node).toMatch(/^interface ManagerStore \{/m);
    for (const internal of ['PolicyStore', 'sendBody', 'PinnedHttpsAgent', 'requestChain']) {
      expect(node).not.toMatch(new RegExp(`^(class|function|const|interface) ${internal}\\b`, 'm'));
    }
  });
});
