// Shared test helpers for test/node.
import { generateServerIdentity } from '../../src/cert/index.js';
import type { ServerIdentity } from '../../src/cert/types.js';

/** A fresh SEPM-like identity (2048-bit RSA, self-signed) valid for 127.0.0.1. */
export function testIdentity(cn = 'localhost'): Promise<ServerIdentity> {
  return generateServerIdentity({ commonName: cn, subjectAltNames: ['127.0.0.1', 'localhost'] });
}
