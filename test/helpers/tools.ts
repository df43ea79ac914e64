/**
 * External tools for the interop suites: keytool/java (JDK), the openssl CLI, sslscan and Debian's
 * Chromium.
 *
 * A fresh machine with only Node and npm must pass `npm test`, so a suite that needs a tool asks
 * {@link requireTool} first: when the tool is on PATH the suite runs; when it is not, the suite
 * is skipped and recorded, and the run ends with one summary line naming every missing tool, the
 * suites it gated and how to install it (printed by `test/helpers/tool-report.ts`). With
 * `CI=true` a missing tool is an error instead, so CI always runs everything.
 *
 * Tools are found on PATH only (never by a fixed absolute path), so `scripts/without-tools.sh`
 * can show what a fresh machine sees.
 */
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tools the suite can use, the commands that must all be present, and how to get them. */
export const TOOLS = {
  jdk: {
    label: 'JDK 17 (keytool, java)',
    commands: ['keytool', 'java'],
    install: 'apt-get install -y openjdk-17-jdk-headless',
  },
  openssl: {
    label: 'openssl',
    commands: ['openssl'],
    install: 'apt-get install -y openssl',
  },
  sslscan: {
    label: 'sslscan',
    commands: ['sslscan'],
    install: 'apt-get install -y sslscan',
  },
  chromium: {
    label: 'Chromium',
    commands: ['chromium'],
    install: 'apt-get install -y chromium',
  },
} as const;

export type ToolName = keyof typeof TOOLS;

/** Where the gated suites are recorded for the summary line (set by the global setup). */
export const TOOL_REPORT_ENV = 'SEPM_TOOL_REPORT_DIR';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The absolute path of `command` on PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The path of the tool's first command when every command of the tool is on PATH. */
export function toolPath(tool: ToolName): string | undefined {
  const paths = TOOLS[tool].commands.map((c) => findOnPath(c));
  return paths.every((p) => p !== undefined) ? paths[0] : undefined;
}

/** Whether every command of `tool` is on PATH. */
export function hasTool(tool: ToolName): boolean {
  return toolPath(tool) !== undefined;
}

/**
 * Asks for a tool before a suite that needs it: true when present. When it is missing, records
 * `suite` for the summary line and returns false (so the caller skips, e.g. with
 * `describe.runIf(requireTool('openssl', import.meta.url))`); under `CI=true` it throws instead,
 * which fails the test file.
 */
export function requireTool(tool: ToolName, suite: string): boolean {
  if (hasTool(tool)) return true;
  const name = suite.startsWith('file:') ? relative(root, fileURLToPath(suite)) : suite;
  const { label, install } = TOOLS[tool];
  if (process.env.CI === 'true') {
    throw new Error(`CI=true and ${label} is missing (needed by ${name}): ${install}`);
  }
  const dir = process.env[TOOL_REPORT_ENV];
  if (dir !== undefined && dir !== '') {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, JSON.stringify({ tool, suite: name }));
  }
  return false;
}
