import { describe, it, expect } from 'vitest';
import { mkdtemp, readFile, readdir, stat, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/node/site/atomic_file.js';

describe('writeFileAtomic', () => {
  it('creates and replaces files with the exact mode, leaving no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sepm-atomic-'));
    try {
      const p = join(dir, 'server.key');
      await writeFileAtomic(p, 'one', { mode: 0o600 });
      expect(await readFile(p, 'utf8')).toBe('one');
      expect((await stat(p)).mode & 0o777).toBe(0o600);
      await writeFile(join(dir, 'other'), 'x');
      await writeFileAtomic(p, new Uint8Array([116, 119, 111]), { mode: 0o600 });
      expect(await readFile(p, 'utf8')).toBe('two');
      expect((await stat(p)).mode & 0o777).toBe(0o600);
      await writeFileAtomic(join(dir, 'public.crt'), 'pub');
      expect((await stat(join(dir, 'public.crt'))).mode & 0o777).toBe(0o644);
      expect((await readdir(dir)).sort()).toEqual(['other', 'public.crt', 'server.key']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves the old file intact and no debris when the write fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sepm-atomic-'));
    try {
      const p = join(dir, 'site.json');
      await writeFileAtomic(p, 'old', { mode: 0o600 });
      // Renaming a file over a directory fails after the temporary file was written.
      await expect(writeFileAtomic(join(dir, 'missing', 'x'), 'new')).rejects.toThrow();
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, 'adir'));
      await expect(writeFileAtomic(join(dir, 'adir'), 'new')).rejects.toThrow();
      expect(await readFile(p, 'utf8')).toBe('old');
      expect((await readdir(dir)).sort()).toEqual(['adir', 'site.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
