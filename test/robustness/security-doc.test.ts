// SECURITY.md states every limit the library enforces; this test keeps those numbers true. Each
// row of the "Limits" tables names where its default lives: an exported constant (compared with
// its value) or a source file and a name (the first numeric expression after that name in the
// file, e.g. `headersTimeoutMs: 10_000`). Units in the document (KiB, MiB, s, min, 2^n, octal
// modes) are converted before comparing; names ending in `Seconds` hold seconds in the code.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as root from '../../src/index.js';
import * as node from '../../src/node/index.js';

const repo = join(import.meta.dirname, '../..');
const doc = readFileSync(join(repo, 'SECURITY.md'), 'utf8');

interface Row {
  readonly limit: string;
  readonly value: string;
  readonly source: string;
}

function limitRows(): Row[] {
  const section = doc.slice(doc.indexOf('## Limits the library enforces'));
  const end = section.indexOf('### Worst cases');
  const rows: Row[] = [];
  for (const line of section.slice(0, end).split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| Limit') || line.startsWith('| ---')) continue;
    const cells = line.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
    expect(cells.length, line).toBe(3);
    rows.push({ limit: cells[0]!, value: cells[1]!, source: cells[2]! });
  }
  return rows;
}

/** The first number of a document cell, in bytes, ms, or a plain count. */
function docNumber(cell: string): { value: number; time: boolean } | undefined {
  const m = /(\d[\d,]*)(?:\^(\d+))?\s*(KiB|MiB|GiB|ms|s|min|bits)?\b/.exec(cell);
  if (m === null) return undefined;
  const digits = m[1]!.replace(/,/g, '');
  let value =
    m[2] !== undefined
      ? Number(digits) ** Number(m[2])
      : /^0\d+$/.test(digits)
        ? parseInt(digits, 8)
        : Number(digits);
  const unit = m[3];
  if (unit === 'KiB') value *= 1024;
  if (unit === 'MiB') value *= 1024 ** 2;
  if (unit === 'GiB') value *= 1024 ** 3;
  if (unit === 's') value *= 1000;
  if (unit === 'min') value *= 60_000;
  return { value, time: unit === 's' || unit === 'min' || unit === 'ms' };
}

/** Evaluates a numeric literal expression of the source: `64 * 1024`, `1 << 15`, `10_000`. */
function evalExpr(expr: string): number {
  const clean = expr.replace(/_/g, '');
  expect(clean).toMatch(/^[\d\s*<]+$/);
  return clean
    .split('*')
    .map((f) =>
      f.includes('<<')
        ? f
            .split('<<')
            .map((x) => Number(x.trim()))
            .reduce((a, b) => a * 2 ** b)
        : Number(f.trim()),
    )
    .reduce((a, b) => a * b, 1);
}

/** The default in a source file: the first numeric expression after `name` on a line. */
function sourceNumber(file: string, name: string): number {
  const text = readFileSync(join(repo, file), 'utf8');
  for (const line of text.split('\n')) {
    const at = line.indexOf(name);
    if (at < 0) continue;
    const m = /\d[\d_]*(?:\s*(?:\*|<<)\s*\d[\d_]*)*/.exec(line.slice(at + name.length));
    if (m !== null) return evalExpr(m[0]);
  }
  throw new Error(`no default for ${name} in ${file}`);
}

function exported(path: string): number {
  const [name, prop] = path.split('.') as [string, string | undefined];
  const mod = (name in root ? root : node) as unknown as Record<string, unknown>;
  expect(name in mod, `${name} is exported`).toBe(true);
  const v = prop === undefined ? mod[name] : (mod[name] as Record<string, unknown>)[prop];
  expect(typeof v, path).toBe('number');
  return v as number;
}

describe('SECURITY.md limits match the code', () => {
  const rows = limitRows();

  it('lists the limits (parsers, sites and the manager)', () => {
    expect(rows.length).toBeGreaterThan(50);
  });

  it('every stated default equals the exported constant or the source default', () => {
    let checked = 0;
    const mismatches: string[] = [];
    for (const r of rows) {
      const fileRef = /`(src\/[^`]+\.ts)` `([^`]+)`/.exec(r.source);
      const constRef = /^`([A-Z_][A-Z0-9_]*(?:\.[a-zA-Z]+)?)`/.exec(r.source);
      if (fileRef === null && constRef === null) continue; // e.g. "(before they are read)"
      const d = docNumber(r.value);
      expect(d, r.limit).toBeDefined();
      let code =
        fileRef !== null ? sourceNumber(fileRef[1]!, fileRef[2]!) : exported(constRef![1]!);
      const key = fileRef?.[2] ?? constRef![1]!;
      if (d!.time && key.endsWith('Seconds')) code *= 1000;
      if (d!.value !== code) mismatches.push(`${r.limit}: document ${d!.value}, code ${code}`);
      checked++;
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('names the mechanisms of the threat model and the SEPM-forced choices', () => {
    for (const s of [
      'TLS',
      'Pinning',
      'Signature',
      'Twofish seal',
      'SHA-1',
      '2048-bit RSA',
      'Reporting a vulnerability',
    ]) {
      expect(doc).toContain(s);
    }
  });
});

describe('SECURITY.md threats are each tied to a test', () => {
  const section = doc.slice(
    doc.indexOf('### Threats and their defences'),
    doc.indexOf('## What SEPM compatibility forces'),
  );
  const rows = section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Threat') && !l.startsWith('| ---'));

  it('lists the threats', () => {
    expect(rows.length).toBeGreaterThanOrEqual(8);
  });

  it('every named test exists in the named file', () => {
    const missing: string[] = [];
    for (const row of rows) {
      const m = /`(test\/[^`]+\.test\.ts)` "([^"]+)"/.exec(row);
      expect(m, row).not.toBeNull();
      const text = readFileSync(join(repo, m![1]!), 'utf8');
      // The name as a string literal of the file (double-quoted when it holds an apostrophe).
      const named = [`'${m![2]!}'`, `"${m![2]!}"`].some((q) => text.includes(q));
      if (!named) missing.push(`${m![1]!}: ${m![2]!}`);
    }
    expect(missing).toEqual([]);
  });
});
