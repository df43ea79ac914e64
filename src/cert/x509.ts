/**
 * The one entry point to `@peculiar/x509` inside this library.
 *
 * `@peculiar/x509` uses `tsyringe`, which needs the `Reflect` metadata polyfill loaded before the
 * package itself; importing x509 only through this file guarantees that order everywhere.
 *
 * @module
 */
import 'reflect-metadata';
export * from '@peculiar/x509';
