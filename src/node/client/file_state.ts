/**
 * `fileClientState(path)`: a client's high-water marks (docs/protocol.md §5.5) in one JSON file,
 * replaced atomically (`writeFileAtomic`: temporary file, fsync, rename, directory fsync) with
 * mode 0600, so that a crash leaves the old marks or the new ones, never a torn file.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { ManagerError } from '../../errors.js';
import { checkClientMarks, type ClientMarks } from '../../protocol/index.js';
import { writeFileAtomic } from '../site/atomic_file.js';
import type { ClientStateStore } from './types.js';

/** Largest client state file read (1,000 policies of one site need about 150 KiB). */
export const MAX_CLIENT_STATE_BYTES = 16 * 1024 * 1024;

async function readState(path: string): Promise<ClientMarks | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    // Size first: a huge file is refused before it is read.
    if ((await handle.stat()).size > MAX_CLIENT_STATE_BYTES) {
      throw new ManagerError('ERR_MANAGER_STATE_INVALID', `${path} is too large`);
    }
    const text = await handle.readFile('utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new ManagerError('ERR_MANAGER_STATE_INVALID', `${path} is not JSON`, { cause: e });
    }
    return checkClientMarks(doc, path);
  } finally {
    await handle.close();
  }
}

/**
 * A {@link ClientStateStore} in the file `path` (created on the first save, mode 0600). A missing
 * file means "no marks yet"; a malformed one is refused (`ERR_MANAGER_STATE_INVALID`) rather than
 * silently forgotten, since forgetting the marks would re-open the rollback they prevent.
 *
 * @param path - the state file, e.g. next to the client's `sylink.xml`.
 *
 * @example A client that remembers its marks across restarts
 * ```ts
 * const client = createClient({ sylink, state: fileClientState('/var/lib/agent/state.json') });
 * ```
 */
export function fileClientState(path: string): ClientStateStore {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError('"path" expected a non-empty string');
  }
  return {
    load: () => readState(path),
    save: (state) => writeFileAtomic(path, JSON.stringify(state), { mode: 0o600 }),
  };
}
