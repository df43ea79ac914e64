import { defineConfig } from 'vitest/config';

// Packaging checks rebuild dist/ (tsup `clean: true`), so they run on their own, after the main
// suite, never beside tests that might load the built files. The global setup builds, packs and
// installs the tarball once; the files then run one at a time against that install.
export default defineConfig({
  test: {
    include: ['test/packaging/**/*.test.ts'],
    globalSetup: ['test/packaging/setup.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
