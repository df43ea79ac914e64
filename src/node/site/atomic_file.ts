/**
 * Atomic file replacement: a reader sees either the old file or the new one, never a torn mix,
 * even if the process dies or the machine loses power half-way.
 *
 * @module
 */
import { lstat, mkdir, open, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
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

/**
 * Name of the directory that holds a committed set of files (see {@link commitFiles}) until each
 * is moved into place.
 */
export const COMMIT_DIR = '.sepm-commit';
const STAGING_PREFIX = '.sepm-staging-';

/** One file of a {@link commitFiles} set. */
export interface CommitFile {
  /** File name inside the directory (no path separators). */
  readonly name: string;
  readonly data: Uint8Array | string;
  /** File mode (default `0o644`). */
  readonly mode?: number;
}

/**
 * Replaces several files of `dir` as one step, so that an interruption at any point (exception,
 * kill, power loss) leaves either all the old files or all the new ones, never a mix. A
 * write-ahead scheme: every file is written and `fsync`ed in a fresh staging directory, which is
 * then renamed to {@link COMMIT_DIR} (the commit point: one atomic rename); only then is each file
 * renamed into place and the directory removed. {@link recoverCommit} finishes a commit
 * interrupted after its commit point and discards one interrupted before it; readers use
 * {@link committedPath}. One writer per directory at a time.
 */
export async function commitFiles(dir: string, files: readonly CommitFile[]): Promise<void> {
  await recoverCommit(dir);
  const staging = join(dir, STAGING_PREFIX + randomBytes(6).toString('hex'));
  await mkdir(staging, { mode: 0o700 });
  try {
    for (const f of files) {
      const mode = f.mode ?? 0o644;
      const handle = await open(join(staging, basename(f.name)), 'wx', mode);
      try {
        await handle.chmod(mode);
        await handle.writeFile(f.data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await syncDirectory(staging);
    await rename(staging, join(dir, COMMIT_DIR));
  } catch (e) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  await syncDirectory(dir);
  await recoverCommit(dir);
}

/**
 * Completes what {@link commitFiles} left: moves the files of a committed set still in
 * {@link COMMIT_DIR} into place (roll forward), and deletes staging directories of commits that
 * never reached their commit point. Idempotent; a no-op on a clean directory.
 */
export async function recoverCommit(dir: string): Promise<void> {
  const commit = join(dir, COMMIT_DIR);
  let names: string[] | undefined;
  try {
    names = await readdir(commit);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (names !== undefined) {
    for (const n of names) await rename(join(commit, n), join(dir, n));
    await syncDirectory(dir);
    await rmdir(commit);
    await syncDirectory(dir);
  }
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const n of entries) {
    if (n.startsWith(STAGING_PREFIX)) await rm(join(dir, n), { recursive: true, force: true });
  }
}

/**
 * Where a reader finds the current `name` of `dir`: inside {@link COMMIT_DIR} while a committed
 * set has not been moved into place yet, else `dir/name`. Reading through this gives the new set
 * whole once its commit point passed, without writing anything.
 */
export async function committedPath(dir: string, name: string): Promise<string> {
  const pending = join(dir, COMMIT_DIR, name);
  try {
    await lstat(pending);
    return pending;
  } catch {
    return join(dir, name);
  }
}
