/**
 * Embeds the console's real files (`src/node/manager/console/assets/console.{html,css,js}`, which
 * eslint and prettier read) into `src/node/manager/console/assets.ts`, the module the handler
 * imports: the same bytes from source (tsx), from the ESM build and from the CJS build, with no
 * file read at run time. `node --import tsx scripts/gen-console-assets.ts` rewrites it;
 * test/node-services/console-assets.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';

const DIR = resolve(import.meta.dirname, '../src/node/manager/console');

const FILES = [
  ['CONSOLE_HTML', 'console.html', '`/console/`: the page (no inline script or style).'],
  ['CONSOLE_CSS', 'console.css', '`/console/app.css`: the style sheet.'],
  ['CONSOLE_JS', 'console.js', '`/console/app.js`: the script (renders with `textContent` only).'],
] as const;

/** The text of `assets.ts` for the current asset files (formatted as prettier would). */
export async function consoleAssetsModule(): Promise<string> {
  const parts = FILES.map(([name, file, doc]) => {
    const text = readFileSync(join(DIR, 'assets', file), 'utf8');
    return `/** ${doc} */\nexport const ${name} = ${JSON.stringify(text)};\n`;
  });
  const text = [
    '/**',
    " * The console's static files, embedded from `assets/console.{html,css,js}` by",
    ' * `scripts/gen-console-assets.ts` (generated: edit the asset files, then rerun it). Each is served',
    ' * as a separate file so that the Content-Security-Policy can forbid inline code',
    " * (`script-src 'self'`, no `'unsafe-inline'`).",
    ' *',
    ' * @module',
    ' */',
    '',
    parts.join('\n'),
  ].join('\n');
  const config = (await resolveConfig(ASSETS_MODULE)) ?? {};
  return format(text, { ...config, filepath: ASSETS_MODULE });
}

/** Where the module is written. */
export const ASSETS_MODULE = join(DIR, 'assets.ts');

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(ASSETS_MODULE, await consoleAssetsModule());
}
