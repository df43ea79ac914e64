import { defineConfig } from 'tsup';

// The pure root, one entry per pure module (the subpaths `sepm-crypto/twofish`, `/kcs`, …), the
// Node facade and the CLI. `splitting: true` also for CJS, so the entries share one copy of each
// module: one `errors.ts`, so `instanceof SepmError` works across subpaths (a CJS build without
// splitting gives each entry its own copy; test/packaging/subpaths.test.ts checks it).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    twofish: 'src/twofish/index.ts',
    kcs: 'src/kcs.ts',
    content: 'src/content.ts',
    cert: 'src/cert/index.ts',
    keystore: 'src/keystore/index.ts',
    policy: 'src/policy/index.ts',
    sylink: 'src/sylink/index.ts',
    errors: 'src/errors.ts',
    node: 'src/node/index.ts',
    cli: 'src/node/cli/bin.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // The package ships src/ (readable sources for review and debugging), so the maps point at it
  // instead of embedding a second copy of every source (2.1 MB of maps -> 0.5 MB).
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
});
