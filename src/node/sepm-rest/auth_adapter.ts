/**
 * A {@link SepmRestAuth} over the manager's login parts: the constant-time account check, the
 * token store (tokens kept as SHA-256 hashes) and the per-address login throttle
 * (docs/rest-api.md "Authentication"). Typed by shape, so any store with these methods fits.
 *
 * @module
 */
import { lockedOutDelay } from '../manager/login_delay.js';
import type { SepmAuthOutcome, SepmRestAuth, SepmSession } from './model.js';

type Role = SepmSession['role'];

/** What the adapter needs from a token store (`TokenStore` fits). */
export interface TokenStoreLike {
  issue(
    info: { username: string; role: Role; domain: string; kind: 'bearer' },
    ttlMs: number,
  ): { token: string; info: { readonly expiresAt: number } };
  lookup(
    token: string | undefined,
    kinds: readonly 'bearer'[],
  ): { readonly username: string; readonly role: Role; readonly expiresAt: number } | undefined;
  revoke(token: string | undefined): boolean;
}

/** The parts of a manager's login (`Authenticator`, `TokenStore`, `LoginThrottle` fit). */
export interface LoginParts {
  /** `undefined` when no account may log in: every login then fails as a wrong password. */
  readonly accounts:
    | {
        check(
          username: string,
          password: string,
          from?: string,
        ): Promise<{ readonly username: string; readonly role: Role } | undefined | 'busy'>;
      }
    | undefined;
  readonly tokens: TokenStoreLike;
  readonly throttle: {
    retryAfterMs(address: string): number;
    failure(address: string): void;
    success(address: string): void;
  };
  /** Life of a bearer token, ms. */
  readonly tokenTtlMs: number;
  /** The domain name tokens record (`Default`). */
  readonly domainName: string;
}

/**
 * Login order: throttle (a locked-out address gets `throttled` without a password check), then
 * the constant-time check; a wrong domain fails after the check like a wrong password, so both
 * take the same time and count as a failure.
 */
export function sepmRestAuth(parts: LoginParts): SepmRestAuth {
  return {
    async authenticate(credentials, context): Promise<SepmAuthOutcome> {
      const wait = parts.throttle.retryAfterMs(context.from);
      if (wait > 0) {
        await lockedOutDelay(wait);
        return { ok: false, reason: 'throttled', retryAfterSeconds: wait / 1000 };
      }
      if (parts.accounts === undefined) return { ok: false, reason: 'invalid' };
      const account = await parts.accounts.check(
        credentials.username,
        credentials.password,
        context.from,
      );
      if (account === 'busy') {
        // A "busy" counts as a failure: else a flood that keeps the slots full is never throttled.
        parts.throttle.failure(context.from);
        return { ok: false, reason: 'busy', retryAfterSeconds: 1 };
      }
      if (account === undefined || !context.domainMatches) {
        parts.throttle.failure(context.from);
        return { ok: false, reason: 'invalid' };
      }
      parts.throttle.success(context.from);
      const issued = parts.tokens.issue(
        {
          username: account.username,
          role: account.role,
          domain: parts.domainName,
          kind: 'bearer',
        },
        parts.tokenTtlMs,
      );
      return {
        ok: true,
        token: issued.token,
        session: {
          username: account.username,
          role: account.role,
          expiresAt: issued.info.expiresAt,
        },
      };
    },
    session(token) {
      const info = parts.tokens.lookup(token, ['bearer']);
      return info === undefined
        ? undefined
        : { username: info.username, role: info.role, expiresAt: info.expiresAt };
    },
    logout(token) {
      parts.tokens.revoke(token);
    },
  };
}
