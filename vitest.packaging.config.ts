import { defineConfig } from 'vitest/config';

// Packaging checks rebuild dist/ (tsup `clean: true`), so they run on their own, after the main
// suite, never beside tests that might load the built files.
export default defineConfig({
  test: {
    include: ['test/packaging/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
