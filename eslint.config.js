// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Only rules Prettier cannot express. The one that matters most: pure modules (everything outside
// src/node/) never import I/O built-ins; DESIGN.md "Layers and folders".
const ioModules = [
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:tls',
  'node:http',
  'node:https',
  'node:child_process',
  'node:dgram',
  'node:dns',
  'node:process',
  'fs',
  'net',
  'tls',
  'http',
  'https',
  'child_process',
];

export default tseslint.config(
  {
    // .tmp/ holds scratch files of the bench and the packaging tests (gitignored).
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'docs/api/**',
      'bench/native/build/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The manager console's browser script (embedded by scripts/gen-console-assets.ts).
    files: ['src/node/manager/console/assets/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', fetch: 'readonly', window: 'readonly' },
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/node/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'Pure modules do no I/O: move this to src/node/.',
          })),
          // Pure modules run on every runtime (DESIGN.md): no Node built-in at all; a Node-only
          // speed-up goes through src/fast_path.ts.
          patterns: [{ group: ['node:*'], message: 'Pure modules import no Node built-in.' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Pure modules never read process state.' },
        { name: 'Buffer', message: 'Pure modules use Uint8Array (Buffer is Node-only).' },
      ],
    },
  },
  {
    // Small functions, one job each (issue 13): none over 80 lines of code. One exception, on
    // purpose: the JavaScript Twofish kernels (encryptRun, decryptRun), which write out the mode
    // handling and the g() lookups in one function per direction and repeat that shape for
    // decryption, because a helper call per block or per round costs speed (docs/twofish.md
    // "How it works", bench/RESULTS.md); the module note of kernel.ts says the same.
    files: ['src/**/*.ts'],
    ignores: ['src/twofish/kernel.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
);
