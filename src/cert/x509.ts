/**
 * The one entry point to `@peculiar/x509` inside this library.
 *
 * `@peculiar/x509` uses `tsyringe`, which needs the `Reflect` metadata polyfill loaded before the
 * package itself; importing x509 only through this file guarantees that order everywhere.
 *
 * The names are re-exported one by one, never with `export *`: in the CommonJS build with code
 * splitting, a star re-export of a dependency is wired before that dependency's `require` runs,
 * so every name came out `undefined` under `require`. Add a name
 * here when the library needs it.
 *
 * @module
 */
import 'reflect-metadata';
export {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
