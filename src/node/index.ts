/**
 * `sepm-crypto/node`: the Node.js facade (sites, managers, clients, CLI). The only part of the
 * library that does I/O.
 *
 * @module
 */
export * from '../index.js';
