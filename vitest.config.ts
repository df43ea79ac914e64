import { defineConfig } from 'vitest/config';

const exclude = ['test/slow/**', 'test/packaging/**', 'node_modules/**'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Prints one line naming every external tool that was missing and the suites it gated.
    globalSetup: ['test/helpers/tool-report.ts'],
    // One fixed fast-check seed, so the same code gets the same verdict (FC_SEED overrides).
    setupFiles: ['test/helpers/property_seed.ts'],
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude } },
      {
        // The pure modules again with the Node fast path off: the path browsers, Deno, Bun and
        // Workers take (src/fast_path.ts). Only files whose code has a fast path.
        extends: true,
        test: {
          name: 'portable',
          include: [
            'test/misc/*.test.ts',
            'test/kcs/*.test.ts',
            'test/content/*.test.ts',
            'test/cert/check.test.ts',
            'test/cert/fingerprint.test.ts',
            'test/policy/sign.test.ts',
            'test/policy/seal.test.ts',
            'test/policy/wycheproof.test.ts',
            'test/keystore/des.test.ts',
            'test/keystore/jks.test.ts',
            'test/keystore/pkcs12.test.ts',
            'test/keystore/pem.test.ts',
            'test/keystore/pbe.test.ts',
            'test/keystore/identity.test.ts',
            'test/keystore/read.test.ts',
          ],
          exclude,
          setupFiles: ['test/helpers/property_seed.ts', 'test/helpers/portable_path.ts'],
        },
      },
    ],
  },
});
