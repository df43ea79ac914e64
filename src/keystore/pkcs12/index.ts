/**
 * PKCS#12 keystores: {@link readPkcs12} and {@link writePkcs12}.
 *
 * @module
 */
export { readPkcs12 } from './read.js';
export { writePkcs12, DEFAULT_PKCS12_ITERATIONS, type WritePkcs12Options } from './write.js';
