// sepmRestAuth over fakes of the manager's login parts: the order of the checks and what each
// outcome records with the throttle.
import { describe, it, expect } from 'vitest';
import { sepmRestAuth, type LoginParts } from '../../src/node/sepm-rest/auth_adapter.js';

function parts(over: Partial<LoginParts> = {}) {
  const log: string[] = [];
  let wait = 0;
  const live = new Map<string, { username: string; role: 'administrator'; expiresAt: number }>();
  const p: LoginParts = {
    accounts: {
      async check(u, pw) {
        log.push(`check ${u}`);
        if (pw === 'busy') return 'busy';
        return u === 'admin' && pw === 'pw'
          ? { username: 'admin', role: 'administrator' }
          : undefined;
      },
    },
    tokens: {
      issue(info, ttl) {
        const token = `t${live.size}`;
        const entry = {
          username: info.username,
          role: 'administrator' as const,
          expiresAt: 1000 + ttl,
        };
        live.set(token, entry);
        return { token, info: entry };
      },
      lookup: (t) => (t === undefined ? undefined : live.get(t)),
      revoke: (t) => (t === undefined ? false : live.delete(t)),
    },
    throttle: {
      retryAfterMs: () => wait,
      failure: (a) => log.push(`failure ${a}`),
      success: (a) => log.push(`success ${a}`),
    },
    tokenTtlMs: 60_000,
    domainName: 'Default',
    ...over,
  };
  return { auth: sepmRestAuth(p), log, setWait: (ms: number) => (wait = ms) };
}

describe('sepmRestAuth', () => {
  it('issues a bearer token on success and clears the throttle', async () => {
    const { auth, log } = parts();
    const r = await auth.authenticate(
      { username: 'admin', password: 'pw' },
      { from: 'a', domainMatches: true },
    );
    expect(r).toEqual({
      ok: true,
      token: 't0',
      session: { username: 'admin', role: 'administrator', expiresAt: 61_000 },
    });
    expect(log).toEqual(['check admin', 'success a']);
    expect(auth.session('t0')?.username).toBe('admin');
    auth.logout('t0');
    expect(auth.session('t0')).toBeUndefined();
  });

  it('checks the password even for another domain, then fails and counts it', async () => {
    const { auth, log } = parts();
    const r = await auth.authenticate(
      { username: 'admin', password: 'pw' },
      { from: 'a', domainMatches: false },
    );
    expect(r).toEqual({ ok: false, reason: 'invalid' });
    expect(log).toEqual(['check admin', 'failure a']);
  });

  it('a locked-out address is refused before any password check; busy counts as a failure', async () => {
    const { auth, log, setWait } = parts();
    setWait(2500);
    expect(
      await auth.authenticate(
        { username: 'admin', password: 'pw' },
        { from: 'a', domainMatches: true },
      ),
    ).toEqual({
      ok: false,
      reason: 'throttled',
      retryAfterSeconds: 2.5,
    });
    expect(log).toEqual([]);
    setWait(0);
    expect(
      (
        await auth.authenticate(
          { username: 'admin', password: 'busy' },
          { from: 'a', domainMatches: true },
        )
      ).ok,
    ).toBe(false);
    expect(log).toEqual(['check admin', 'failure a']);
  });

  it('with no accounts every login is invalid', async () => {
    const { auth } = parts({ accounts: undefined });
    expect(
      await auth.authenticate(
        { username: 'admin', password: 'pw' },
        { from: 'a', domainMatches: true },
      ),
    ).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});
