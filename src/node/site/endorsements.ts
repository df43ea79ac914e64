/**
 * The site side of endorsements: reading `endorsements.json` for `loadSite`, and checking that
 * every kept endorsement still holds (signed by a certificate the sylink lists, for a certificate
 * the sylink lists, for this site).
 *
 * @module
 */
import { lstat, readFile } from 'node:fs/promises';
import type { Sylink } from '../../sylink/index.js';
import { isSepmError } from '../../errors.js';
import { committedPath, type CommitFile } from './atomic_file.js';
import { privacyProblem } from './private.js';
import {
  encodeEndorsements,
  ENDORSEMENT_FORMAT,
  ENDORSEMENTS_FILE,
  MAX_ENDORSEMENTS_BYTES,
  parseEndorsements,
  verifyEndorsement,
  type SignedEndorsement,
} from '../../protocol/index.js';

/** `endorsements.json` as a {@link CommitFile} (public data: mode 0644). */
export function endorsementsFile(list: readonly SignedEndorsement[]): CommitFile {
  return { name: ENDORSEMENTS_FILE, data: encodeEndorsements(list), mode: 0o644 };
}

function describe(e: unknown): string {
  if (isSepmError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads and checks `endorsements.json` of the site in `dir`. A missing file means none (sites
 * made before endorsements existed). Each problem is pushed to `problems` naming the file.
 */
export async function readSiteEndorsements(
  dir: string,
  sylink: Sylink | undefined,
  domainId: string | undefined,
  problems: string[],
): Promise<SignedEndorsement[]> {
  let bytes: Buffer;
  try {
    const path = await committedPath(dir, ENDORSEMENTS_FILE);
    const st = await lstat(path);
    if (!st.isFile()) {
      problems.push(`${ENDORSEMENTS_FILE} is not a regular file`);
      return [];
    }
    const unsafe = privacyProblem(path, st, 'file');
    if (unsafe !== undefined) {
      problems.push(unsafe);
      return [];
    }
    if (st.size > MAX_ENDORSEMENTS_BYTES) {
      problems.push(`${ENDORSEMENTS_FILE} is larger than ${MAX_ENDORSEMENTS_BYTES} bytes`);
      return [];
    }
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    problems.push(`${ENDORSEMENTS_FILE} cannot be read: ${describe(e)}`);
    return [];
  }
  let list: SignedEndorsement[];
  try {
    list = parseEndorsements(bytes);
  } catch (e) {
    problems.push(`${ENDORSEMENTS_FILE}: ${describe(e)}`);
    return [];
  }
  // Without the sylink or the domain id the entries cannot be checked; those problems are
  // already reported.
  if (sylink === undefined || domainId === undefined) return list;
  const listed = sylink.certificates.map((c) => c.certificate);
  const kept: SignedEndorsement[] = [];
  for (const [i, e] of list.entries()) {
    // A version 1 statement (made before signatures carried their purpose, protocol version 1)
    // is refused by every version 2 client and cannot be re-signed (the old key is gone): it is
    // left out of what is served, not a reason to refuse the site.
    if (isVersion1Statement(e.statement)) continue;
    kept.push(e);
    try {
      const v = await verifyEndorsement(e, listed, domainId);
      if (!listed.some((c) => c.equal(v.certificate))) {
        problems.push(
          `${ENDORSEMENTS_FILE}: entry ${i} endorses a certificate sylink.xml does not list`,
        );
      } else if (v.certificate.equal(v.endorsedBy)) {
        problems.push(`${ENDORSEMENTS_FILE}: entry ${i} endorses its own signer`);
      }
    } catch (err) {
      problems.push(`${ENDORSEMENTS_FILE}: entry ${i}: ${describe(err)}`);
    }
  }
  return kept;
}

// Whether `statement` is a version 1 endorsement statement (looked at without its signature:
// the result only decides to leave the entry out).
function isVersion1Statement(statement: Uint8Array): boolean {
  try {
    const doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(statement)) as unknown;
    return (
      typeof doc === 'object' &&
      doc !== null &&
      (doc as { format?: unknown }).format === ENDORSEMENT_FORMAT &&
      (doc as { version?: unknown }).version === 1
    );
  } catch {
    return false;
  }
}
