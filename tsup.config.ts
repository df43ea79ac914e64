import { defineConfig } from 'tsup';

// Two public entries: the pure root and the Node facade. `splitting: true` also for CJS, so the
// two entries share one copy of `errors.ts` and `instanceof SepmError` works across subpaths
// (see ../shared/reference/house-style.md, Part 4).
export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node/index.ts', cli: 'src/node/cli/bin.ts' },
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
