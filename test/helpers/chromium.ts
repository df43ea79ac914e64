/**
 * Debian's Chromium, headless, driven by playwright-core (never a browser download). Callers gate
 * on `requireTool('chromium', ...)` first; this finds the browser on PATH like every other tool.
 */
import { chromium, type Browser } from 'playwright-core';
import { toolPath } from './tools.js';

/**
 * Flags for a closed network: no first-run, sync, component or background traffic, which this
 * machine's network refuses many at a time.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium (playwright gives it a fresh, temporary profile). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = toolPath('chromium');
  if (executablePath === undefined) throw new Error('chromium is not on PATH');
  return chromium.launch({
    executablePath,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
}
