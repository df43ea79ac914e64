/**
 * Vitest global setup: collects the suites that `requireTool` skipped for a missing tool and
 * prints one summary line at the end of the run, naming each tool, the suites it gated and how
 * to install it.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOOLS, TOOL_REPORT_ENV, type ToolName } from './tools.js';

/** One line: `Skipped for missing tools: openssl (gated: a, b; install: apt-get install -y openssl); ...`. */
export function summaryLine(records: readonly { tool: ToolName; suite: string }[]): string {
  if (records.length === 0) return '';
  const byTool = new Map<ToolName, Set<string>>();
  for (const { tool, suite } of records) {
    const suites = byTool.get(tool) ?? new Set<string>();
    suites.add(suite);
    byTool.set(tool, suites);
  }
  const parts = [...byTool].map(
    ([tool, suites]) =>
      `${TOOLS[tool].label} (gated: ${[...suites].sort().join(', ')}; install: ${TOOLS[tool].install})`,
  );
  return `Skipped for missing tools: ${parts.join('; ')}`;
}

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'sepm-tools-'));
  process.env[TOOL_REPORT_ENV] = dir;
  return () => {
    const records = readdirSync(dir).map(
      (f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { tool: ToolName; suite: string },
    );
    rmSync(dir, { recursive: true, force: true });
    const line = summaryLine(records);
    if (line !== '') console.log(`\n${line}\n`);
  };
}
