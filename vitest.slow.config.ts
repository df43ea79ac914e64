import { defineConfig } from 'vitest/config';

// Slow suites (full Twofish Monte-Carlo set, soak runs): `npm run test:slow`, run by .ci/run.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 1_200_000,
    pool: 'forks',
  },
});
