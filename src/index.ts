/**
 * `sepm-crypto`: the pure modules (no file, socket or process I/O). The Node facade that runs
 * sites, managers and clients is `sepm-crypto/node`.
 *
 * @module
 */
export * from './errors.js';
export * from './twofish/index.js';
export * from './kcs.js';
export * from './content.js';
export * from './cert/index.js';
export * from './keystore/index.js';
export * from './policy/index.js';
export * from './sylink/index.js';
