#!/usr/bin/env node
// The `sepm-crypto` command: loads the built CLI (`npm run build` makes dist/cli.js). In a clone
// without a build, say so instead of printing a module-resolution stack trace.
import('../dist/cli.js').catch((e) => {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('cli.js')) {
    globalThis.process.stderr.write(
      'sepm-crypto: the CLI is not built: run `npm run build` (or, from a clone: node --import tsx src/node/cli/bin.ts)\n',
    );
    globalThis.process.exitCode = 1;
    return;
  }
  throw e;
});
