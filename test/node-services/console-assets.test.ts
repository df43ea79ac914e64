// The console's HTML, CSS and JavaScript are real files (linted and formatted as such); the
// module the handler serves them from is generated from them and must not be stale.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { ASSETS_MODULE, consoleAssetsModule } from '../../scripts/gen-console-assets.js';
import { CONSOLE_CSS, CONSOLE_HTML, CONSOLE_JS } from '../../src/node/manager/console/assets.js';

const asset = (name: string) =>
  readFileSync(new URL(`../../src/node/manager/console/assets/${name}`, import.meta.url), 'utf8');

describe('console assets', () => {
  it('assets.ts is generated from the asset files (rerun scripts/gen-console-assets.ts)', async () => {
    expect(readFileSync(ASSETS_MODULE, 'utf8')).toBe(await consoleAssetsModule());
  });

  it('serves the files byte for byte', () => {
    expect(CONSOLE_HTML).toBe(asset('console.html'));
    expect(CONSOLE_CSS).toBe(asset('console.css'));
    expect(CONSOLE_JS).toBe(asset('console.js'));
  });

  it('keeps script and style out of the page (the CSP forbids inline code)', () => {
    expect(CONSOLE_HTML).not.toMatch(/<script>|<style|\son[a-z]+=/i);
    expect(CONSOLE_JS).not.toContain('innerHTML');
  });
});
