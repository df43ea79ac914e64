/**
 * The tool gate of the interop suites (test/helpers/tools.ts): a missing tool skips and is
 * recorded for the summary line; under CI=true it fails the file instead.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOOL_REPORT_ENV, hasTool, requireTool } from './helpers/tools.js';
import { summaryLine } from './helpers/tool-report.js';

describe('requireTool', () => {
  const saved = { PATH: process.env.PATH, CI: process.env.CI, dir: process.env[TOOL_REPORT_ENV] };
  let report: string;
  beforeEach(() => {
    report = mkdtempSync(join(tmpdir(), 'sepm-gate-'));
    process.env[TOOL_REPORT_ENV] = report;
    // An empty PATH: no tool can be found.
    process.env.PATH = mkdtempSync(join(tmpdir(), 'sepm-empty-path-'));
  });
  afterEach(() => {
    rmSync(process.env.PATH!, { recursive: true, force: true });
    rmSync(report, { recursive: true, force: true });
    process.env.PATH = saved.PATH;
    process.env[TOOL_REPORT_ENV] = saved.dir;
    if (saved.CI === undefined) delete process.env.CI;
    else process.env.CI = saved.CI;
  });

  it('answers false for a missing tool and records the suite for the summary', () => {
    delete process.env.CI;
    expect(hasTool('openssl')).toBe(false);
    expect(requireTool('openssl', 'test/some.test.ts')).toBe(false);
    const records = readdirSync(report).map((f) =>
      JSON.parse(readFileSync(join(report, f), 'utf8')),
    );
    expect(records).toEqual([{ tool: 'openssl', suite: 'test/some.test.ts' }]);
  });

  it('throws under CI=true, naming the tool, the suite and the install command', () => {
    process.env.CI = 'true';
    expect(() => requireTool('sslscan', 'test/node/sslscan.test.ts')).toThrow(
      'CI=true and sslscan is missing (needed by test/node/sslscan.test.ts): apt-get install -y sslscan',
    );
    expect(readdirSync(report)).toEqual([]);
  });
});

describe('the summary line', () => {
  it('is one line naming each tool, its suites and how to install it', () => {
    const line = summaryLine([
      { tool: 'jdk', suite: 'test/b.test.ts' },
      { tool: 'openssl', suite: 'test/a.test.ts' },
      { tool: 'jdk', suite: 'test/a.test.ts' },
      { tool: 'jdk', suite: 'test/a.test.ts' },
    ]);
    expect(line).toBe(
      'Skipped for missing tools: JDK 17 (keytool, java) (gated: test/a.test.ts, test/b.test.ts; install: apt-get install -y openjdk-17-jdk-headless); openssl (gated: test/a.test.ts; install: apt-get install -y openssl)',
    );
    expect(summaryLine([])).toBe('');
  });
});
