/**
 * The one SHA-256 helper of the Node facade: lower-case hex (ETags, index entries, certificate
 * pins, replication checks).
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** SHA-256 of `data`, lower-case hex (FIPS 180-4). */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
