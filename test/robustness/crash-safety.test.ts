// Crash safety of createSite and importCertificate, by fault injection at the file-system level.
//
// Every call that changes the disk (open for writing, chmod, write, fsync, close, rename,
// unlink, mkdir, rm, rmdir) is counted; run k crashes at the k-th one: a write there is torn
// (half the bytes land), the call throws, and from then on every further change fails too, as if
// the process had died (no cleanup runs). After each crash:
//   - importCertificate and createSite({ overwrite }) on an existing site: loadSite returns the
//     previous site or the new one, whole; never a mix, never an error;
//   - createSite on an empty directory: loadSite either refuses with ManagerError
//     ERR_MANAGER_SITE_INVALID (no site yet; and createSite may simply run again) or returns the
//     whole new site;
//   - running the operation again (no fault) succeeds and leaves the new site.
// k goes from 1 until a run completes without reaching the fault, so every step is covered.
import { describe, it, expect, vi, beforeAll } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type * as FsPromises from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const fault = vi.hoisted(() => ({
  /** The step that fails (1-based); 0 = no fault. */
  at: 0,
  steps: 0,
  dead: false,
  hit: false,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const crash = (what: string): Error => {
    fault.dead = true;
    fault.hit = true;
    return Object.assign(new Error(`injected crash at step ${fault.steps} (${what})`), {
      code: 'EIO',
    });
  };
  /** Counts one change; throws at the fault and for every change after it. */
  const step = (what: string): boolean => {
    if (fault.at === 0) return false;
    if (fault.dead) throw Object.assign(new Error(`dead process (${what})`), { code: 'EIO' });
    fault.steps += 1;
    return fault.steps === fault.at;
  };
  const guard =
    <A extends unknown[], R>(what: string, f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      if (step(what)) throw crash(what);
      return f(...a);
    };
  const wrapHandle = (h: FileHandle) =>
    new Proxy(h, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        if (prop === 'writeFile' || prop === 'write') {
          return async (data: Uint8Array | string, ...rest: unknown[]) => {
            if (step(String(prop))) {
              // A torn write: half the bytes reach the file, then the process dies.
              const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
              await target.write(bytes.subarray(0, bytes.length >> 1));
              throw crash(String(prop));
            }
            return (v as (...x: unknown[]) => unknown).call(target, data, ...rest);
          };
        }
        if (['chmod', 'sync', 'datasync', 'truncate'].includes(String(prop))) {
          return guard(String(prop), (...x: unknown[]) =>
            (v as (...y: unknown[]) => Promise<unknown>).apply(target, x),
          );
        }
        if (prop === 'close') {
          // close() itself cannot tear anything; a dead process's descriptors close anyway.
          return (...x: unknown[]) => (v as (...y: unknown[]) => Promise<unknown>).apply(target, x);
        }
        return v.bind(target);
      },
    });
  const open = async (...a: Parameters<typeof fs.open>) => {
    const flags = a[1];
    const writing = typeof flags === 'string' && /[wa+]/.test(flags);
    if (writing && step('open')) throw crash('open');
    const h = await fs.open(...a);
    return writing ? wrapHandle(h) : h;
  };
  const mocked = {
    ...fs,
    open,
    rename: guard('rename', fs.rename),
    unlink: guard('unlink', fs.unlink),
    mkdir: guard('mkdir', fs.mkdir),
    rm: guard('rm', fs.rm),
    rmdir: guard('rmdir', fs.rmdir),
    writeFile: guard('writeFile', fs.writeFile),
    copyFile: guard('copyFile', fs.copyFile),
    chmod: guard('chmod', fs.chmod),
  };
  return { ...mocked, default: mocked };
});

// Imported after the mock is declared (vi.mock is hoisted anyway).
import { generateServerIdentity } from '../../src/cert/index.js';
import type { ServerIdentity } from '../../src/cert/types.js';
import { keystoreFromIdentity, writePkcs12 } from '../../src/keystore/index.js';
import { isSepmError } from '../../src/errors.js';
import { Kcs } from '../../src/kcs.js';
import { createSite, loadSite, type Site } from '../../src/node/site/site.js';
import { importCertificate } from '../../src/node/site/import.js';
import { COMMIT_DIR } from '../../src/node/site/atomic_file.js';

/** Runs `op` with a crash at step `k`; tells whether the fault was reached. */
async function withCrashAt(k: number, op: () => Promise<unknown>): Promise<boolean> {
  fault.at = k;
  fault.steps = 0;
  fault.dead = false;
  fault.hit = false;
  try {
    await op().then(
      () => undefined,
      (e: unknown) => {
        if (!fault.hit) throw e;
      },
    );
    // Let anything still in flight run into the dead process before the disk comes back.
    await new Promise((r) => setTimeout(r, 10));
    return fault.hit;
  } finally {
    fault.at = 0;
    fault.dead = false;
  }
}

async function loadOrError(dir: string): Promise<Site | { code: string; problems: string[] }> {
  try {
    return await loadSite(dir);
  } catch (e) {
    expect(isSepmError(e), String(e)).toBe(true);
    return e as { code: string; problems: string[] };
  }
}

const fp = (s: Site) => Buffer.from(s.identity.certificate.rawData).toString('base64');

describe('crash safety of site writes (fault injection at every file-system step)', () => {
  let a: ServerIdentity;
  let b: ServerIdentity;
  const kcs = Kcs.parse('0123456789ABCDEF0123456789ABCDEF');
  const domainId = 'A'.repeat(32);

  beforeAll(async () => {
    [a, b] = await Promise.all([
      generateServerIdentity({ commonName: 'old.test', subjectAltNames: ['127.0.0.1'] }),
      generateServerIdentity({ commonName: 'new.test', subjectAltNames: ['127.0.0.1'] }),
    ]);
  });

  it('the fault injection reaches the site writes (sanity: a crash at step 1 is seen)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sepm-crash-'));
    try {
      expect(await withCrashAt(1, () => createSite(dir, { identity: a, kcs, domainId }))).toBe(
        true,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('createSite on an empty directory: no site or the whole new site, at every step', async () => {
    let k = 1;
    const outcomes = { none: 0, whole: 0 };
    for (; ; k++) {
      const dir = await mkdtemp(join(tmpdir(), 'sepm-crash-'));
      try {
        const hit = await withCrashAt(k, () => createSite(dir, { identity: a, kcs, domainId }));
        const r = await loadOrError(dir);
        if ('identity' in r) {
          expect(fp(r)).toBe(Buffer.from(a.certificate.rawData).toString('base64'));
          expect(r.kcs.equals(kcs)).toBe(true);
          outcomes.whole++;
        } else {
          expect(r.code).toBe('ERR_MANAGER_SITE_INVALID');
          // The half-made directory holds no site file at its final name yet...
          expect(r.problems.some((p) => p.startsWith('site.json cannot be read'))).toBe(true);
          outcomes.none++;
          // ...so createSite runs again without `overwrite` and completes the site.
          await createSite(dir, { identity: a, kcs, domainId });
          expect(fp(await loadSite(dir))).toBe(
            Buffer.from(a.certificate.rawData).toString('base64'),
          );
          // and leaves no staging or commit directory behind.
          expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
        }
        if (!hit) break;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    // Steps before and after the commit point were both exercised.
    expect(outcomes.none).toBeGreaterThan(5);
    expect(outcomes.whole).toBeGreaterThan(1);
    expect(k).toBeGreaterThan(20);
  });

  it('createSite({ overwrite }) over a site: the old site or the new one, whole, at every step', async () => {
    const base = await mkdtemp(join(tmpdir(), 'sepm-crash-'));
    const otherKcs = Kcs.parse('FEDCBA9876543210FEDCBA9876543210');
    const seen = new Set<string>();
    try {
      for (let k = 1; ; k++) {
        const dir = join(base, String(k));
        await createSite(dir, { identity: a, kcs, domainId });
        const hit = await withCrashAt(k, () =>
          createSite(dir, { identity: b, kcs: otherKcs, domainId, overwrite: true }),
        );
        const r = await loadSite(dir);
        const isOld = fp(r) === Buffer.from(a.certificate.rawData).toString('base64');
        expect(r.kcs.equals(isOld ? kcs : otherKcs)).toBe(true);
        seen.add(isOld ? 'old' : 'new');
        if (!hit) break;
      }
      expect([...seen].sort()).toEqual(['new', 'old']);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('importCertificate: the old identity or the new one, whole, at every step; a rerun completes it', async () => {
    const base = await mkdtemp(join(tmpdir(), 'sepm-crash-'));
    const ks = await keystoreFromIdentity(b, { alias: 'new' });
    const p12 = writePkcs12(ks, 'pw', { iterations: 1000 });
    const oldFp = Buffer.from(a.certificate.rawData).toString('base64');
    const newFp = Buffer.from(b.certificate.rawData).toString('base64');
    const seen = { old: 0, new: 0, pending: 0 };
    try {
      for (let k = 1; ; k++) {
        const dir = join(base, String(k));
        await createSite(dir, { identity: a, kcs, domainId });
        const hit = await withCrashAt(k, () => importCertificate(dir, p12, { password: 'pw' }));
        const r = await loadSite(dir);
        expect(r.kcs.equals(kcs)).toBe(true);
        expect(r.domainId).toBe(domainId);
        if (fp(r) === oldFp) {
          seen.old++;
          expect(r.certificates.map((c) => c.equal(a.certificate))).toEqual([true]);
        } else {
          expect(fp(r)).toBe(newFp);
          seen.new++;
          // The new certificate heads the list and the old one stays (clients keep verifying).
          expect(r.certificates.length).toBe(2);
          expect(r.certificates[0]!.equal(b.certificate)).toBe(true);
          if ((await readdir(dir)).includes(COMMIT_DIR)) seen.pending++;
        }
        // Running it again finishes the change either way.
        const again = await importCertificate(dir, p12, { password: 'pw' });
        expect(fp(again.site)).toBe(newFp);
        expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
        if (!hit) break;
      }
      expect(seen.old).toBeGreaterThan(5);
      expect(seen.new).toBeGreaterThan(1);
      // Some crashes fell after the commit point but before every file was in place: loadSite
      // read the new set through the commit directory.
      expect(seen.pending).toBeGreaterThan(0);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
