// Accounts, tokens and the login throttle, without sockets.
import { describe, it, expect } from 'vitest';
import {
  Authenticator,
  LoginThrottle,
  TokenStore,
  accountFromCredential,
  hashPassword,
  type Account,
} from '../../src/node/manager/auth.js';

function spyAccount(username: string, password: string, calls: string[]): Account {
  return {
    username,
    role: 'administrator',
    async verifyPassword(p) {
      calls.push(username);
      return p === password;
    },
  };
}

describe('Authenticator', () => {
  it('always runs exactly one password check, against a real account', async () => {
    const calls: string[] = [];
    const auth = new Authenticator([
      spyAccount('admin', 'a', calls),
      spyAccount('auditor', 'b', calls),
    ]);
    expect(await auth.check('auditor', 'b')).toMatchObject({ username: 'auditor' });
    expect(await auth.check('auditor', 'a')).toBeUndefined();
    expect(await auth.check('nobody', 'a')).toBeUndefined(); // right password of another user
    expect(await auth.check('ADMIN', 'a')).toBeUndefined(); // names are exact
    expect(calls).toEqual(['auditor', 'auditor', 'admin', 'admin']);
  });

  it('checks scrypt credentials as createSite stores them', async () => {
    const cred = await hashPassword('admin', 'correct horse');
    expect(cred.scrypt).toMatchObject({ N: 32768, r: 8, p: 1 });
    expect(JSON.stringify(cred)).not.toContain('correct horse');
    const acct = accountFromCredential(cred, 'administrator');
    expect(await acct.verifyPassword('correct horse')).toBe(true);
    expect(await acct.verifyPassword('correct horsf')).toBe(false);
    expect(() =>
      accountFromCredential({ ...cred, scrypt: { ...cred.scrypt, N: 1 << 24 } }, 'reader'),
    ).toThrow(TypeError);
    expect(() =>
      accountFromCredential({ ...cred, scrypt: { ...cred.scrypt, N: 1000 } }, 'reader'),
    ).toThrow(TypeError);
  });

  it('caps the memory of one hash at 256 MiB (128 * N * r), p at 16', async () => {
    const cred = await hashPassword('auditor', 'x');
    const at = (scrypt: object) => () =>
      accountFromCredential({ ...cred, scrypt: { ...cred.scrypt, ...scrypt } }, 'reader');
    // 2^20 * 32 * 128 = 4 GiB and 2^20 * 8 * 128 = 1 GiB were accepted before: refused now.
    expect(at({ N: 1 << 20, r: 32 })).toThrow(TypeError);
    expect(at({ N: 1 << 20, r: 8 })).toThrow(TypeError);
    expect(at({ N: 1 << 18, r: 9 })).toThrow(TypeError);
    // 2^18 * 8 * 128 = 256 MiB, the cap itself (the account is built; no hash runs here).
    expect(at({ N: 1 << 18, r: 8 })).not.toThrow();
    expect(at({ N: 1 << 21, r: 1 })).not.toThrow();
    expect(at({ p: 17 })).toThrow(TypeError);
    expect(at({ N: 1 })).toThrow(TypeError);
  });

  it('queues 2 logins per network beyond the concurrency bound, then reports busy', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Account = {
      username: 'admin',
      role: 'administrator',
      verifyPassword: async () => {
        await gate;
        return true;
      },
    };
    const auth = new Authenticator([slow], 1);
    const first = auth.check('admin', 'x', '192.0.2.1');
    const queued = [auth.check('admin', 'x', '192.0.2.2'), auth.check('admin', 'x', '192.0.2.3')];
    expect(await auth.check('admin', 'x', '192.0.2.4')).toBe('busy');
    // Another network still gets its turn.
    const other = auth.check('admin', 'x', '198.51.100.1');
    release();
    for (const p of [first, ...queued, other]) expect(await p).toMatchObject({ username: 'admin' });
  });
});

describe('TokenStore', () => {
  it('issues 256-bit tokens that expire, can be revoked, and are bound to their kind', () => {
    let now = 1_000_000;
    const store = new TokenStore(() => now);
    const base = { username: 'admin', role: 'administrator', domain: 'Default' } as const;
    const a = store.issue({ ...base, kind: 'bearer' }, 1000);
    const b = store.issue({ ...base, kind: 'session' }, 1000);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(store.lookup(a.token, ['bearer'])?.username).toBe('admin');
    expect(store.lookup(b.token, ['bearer'])).toBeUndefined();
    expect(store.lookup(b.token, ['session'])).toBeDefined();
    expect(store.revoke(b.token)).toBe(true);
    expect(store.lookup(b.token, ['session'])).toBeUndefined();
    now += 999;
    expect(store.lookup(a.token, ['bearer'])).toBeDefined();
    now += 1;
    expect(store.lookup(a.token, ['bearer'])).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('stays bounded', () => {
    const store = new TokenStore(Date.now, 3);
    const base = { username: 'u', role: 'reader', domain: 'Default', kind: 'bearer' } as const;
    const tokens = [1, 2, 3, 4].map(() => store.issue(base, 60_000).token);
    expect(store.size).toBe(3);
    expect(store.lookup(tokens[0], ['bearer'])).toBeUndefined();
    expect(store.lookup(tokens[3], ['bearer'])).toBeDefined();
  });
});

describe('LoginThrottle', () => {
  it('locks an address out after the limit, doubling, and a success clears it', () => {
    let now = 0;
    const t = new LoginThrottle(() => now, { maxFailures: 2, lockoutMs: 1000 });
    t.failure('a');
    expect(t.retryAfterMs('a')).toBe(0);
    t.failure('a');
    expect(t.retryAfterMs('a')).toBe(1000);
    expect(t.retryAfterMs('b')).toBe(0); // per address
    now = 1000;
    t.failure('a');
    expect(t.retryAfterMs('a')).toBe(2000);
    t.success('a');
    expect(t.retryAfterMs('a')).toBe(0);
  });

  it('never tracks more than maxEntries addresses', () => {
    const t = new LoginThrottle(() => 0, { maxFailures: 1, maxEntries: 10 });
    for (let i = 0; i < 100; i++) t.failure(`10.0.0.${i}`);
    let tracked = 0;
    for (let i = 0; i < 100; i++) if (t.retryAfterMs(`10.0.0.${i}`) > 0) tracked++;
    expect(tracked).toBeLessThanOrEqual(10);
    expect(t.retryAfterMs('10.0.0.99')).toBeGreaterThan(0);
  });
});
