import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/slow/**', 'test/packaging/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Prints one line naming every external tool that was missing and the suites it gated.
    globalSetup: ['test/helpers/tool-report.ts'],
  },
});
