/**
 * Atomic file replacement: a reader sees either the old file or the new one, never a torn mix,
 * even if the process dies or the machine loses power half-way.
 *
 * @module
 */
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /**
   * File mode of the new file (default `0o644`). Key material and `site.json` use `0o600`. The mode
   * is set on the temporary file before any byte is written, so the secret is never readable by
   * others, not even briefly.
   */
  readonly mode?: number;
}

/**
 * Writes `data` to `path` atomically: a temporary file in the same directory (so that `rename`
 * stays on one file system), write, `fsync`, `rename` over the target, then `fsync` the directory
 * so that the rename itself is durable (POSIX rename(2) is atomic, but only the directory fsync
 * makes it survive a crash).
 *
 * @param path - the file to create or replace.
 * @param data - the new content.
 * @param options - `mode` (default `0o644`).
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o644;
  const dir = dirname(path);
  // O_EXCL on a random name: never follow or clobber a file an attacker placed beforehand.
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  let renamed = false;
  try {
    // open() applies the umask to `mode`; chmod makes the final mode exact either way.
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
  await syncDirectory(dir);
}

/** Flushes a directory entry table to disk (best effort where the platform cannot, e.g. Windows). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    // EISDIR/EPERM/EINVAL: the platform does not support fsync on directories.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    await handle?.close();
  }
}
