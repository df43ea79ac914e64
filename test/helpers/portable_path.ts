// Setup file of the `portable` vitest project: turns the Node fast path off (src/fast_path.ts),
// so the same test files run the code every other runtime runs (@noble/hashes, WebCrypto, our
// DES), and must give the same results.
import { useNodeCrypto } from '../../src/fast_path.js';

useNodeCrypto(false);
