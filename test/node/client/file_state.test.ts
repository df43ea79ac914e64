// `fileClientState(path)` (src/node/client/file_state.ts, docs/protocol.md §5.5): the client's
// high-water marks in one file, replaced atomically with mode 0600, and a damaged file refused
// rather than read as "no marks" (forgetting the marks would re-open the rollback they prevent).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { link, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileClientState } from '../../../src/node/client/file_state.js';
import { isSepmError } from '../../../src/errors.js';
import { emptyClientMarks, type ClientMarks } from '../../../src/protocol/index.js';

const marks = (indexSerial: number): ClientMarks => ({
  ...emptyClientMarks(),
  sites: { ['AB'.repeat(16)]: { indexSerial, policies: [] } },
});

describe('fileClientState', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sepm-client-state-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces the file (never rewrites it in place) with mode 0600, leaving no temporary file', async () => {
    const path = join(dir, 'state.json');
    const store = fileClientState(path);
    expect(await store.load()).toBeUndefined();
    await store.save(marks(1));
    const before = await stat(path);
    // A second name for the first file: a rewrite in place would change what it shows.
    await link(path, join(dir, 'first.json'));
    await store.save(marks(2));
    const after = await stat(path);
    expect(after.mode & 0o777).toBe(0o600);
    expect(after.ino).not.toBe(before.ino);
    expect(JSON.parse(await readFile(join(dir, 'first.json'), 'utf8'))).toEqual(marks(1));
    expect(await store.load()).toEqual(marks(2));
    expect((await readdir(dir)).sort()).toEqual(['first.json', 'state.json']);
  });

  it('refuses a damaged file instead of forgetting the marks', async () => {
    const path = join(dir, 'damaged.json');
    const store = fileClientState(path);
    for (const text of ['{"format":"sepm-crypto.client-state","ver', '{"format":"other"}', '[]']) {
      await writeFile(path, text, { mode: 0o600 });
      const e = await Promise.resolve(store.load()).catch((x: unknown) => x);
      expect(isSepmError(e) && e.code, text).toBe('ERR_MANAGER_STATE_INVALID');
    }
  });
});
