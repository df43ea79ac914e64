/**
 * The site folder is private (SECURITY.md "Local users"): a site directory or file that another
 * local user owns, or that group or others may write, lets that user swap the site (keys, the
 * admin password hash). Such a site is refused, naming the path and the command that fixes it.
 *
 * @module
 */
import type { Stats } from 'node:fs';

/**
 * The problem when another user owns `path` (`st` is its `stat`), or `undefined` when this user
 * does or the platform has no POSIX owners (Windows: `process.getuid` is absent).
 */
export function ownerProblem(path: string, st: Stats): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined || st.uid === uid) return undefined;
  return `${path} is owned by uid ${st.uid}, not by this user (uid ${uid}); another user could replace the site: run 'chown -R ${uid} ${path}' (or run as its owner)`;
}

/**
 * The problem with `st` (the `lstat`/`stat` of `path`), or `undefined` when this user owns it and
 * neither group nor others may write it. Always `undefined` where the platform has no POSIX owners.
 *
 * @param kind - `'directory'` suggests `chmod 700`, `'file'` `chmod go-w`.
 */
export function privacyProblem(
  path: string,
  st: Stats,
  kind: 'directory' | 'file',
): string | undefined {
  if (process.getuid === undefined) return undefined;
  const owner = ownerProblem(path, st);
  if (owner !== undefined) return owner;
  if ((st.mode & 0o022) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    const fix = kind === 'directory' ? `chmod 700 ${path}` : `chmod go-w ${path}`;
    return `${path} is writable by group or others (mode ${mode}); another user could replace the site: run '${fix}'`;
  }
  return undefined;
}
