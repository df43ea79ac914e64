/**
 * Twofish (Schneier et al., 1998): the block cipher with full keying, and the ECB, CBC (PKCS#7)
 * and CTR modes. See docs/twofish.md.
 *
 * @module
 */
export { Twofish, TWOFISH_BLOCK_SIZE, TWOFISH_KEY_SIZES } from './block.js';
export { twofishCbc, twofishCtr, twofishEcb } from './modes.js';
export type { TwofishMode, TwofishPaddingOptions } from './modes.js';
