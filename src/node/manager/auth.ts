/**
 * Authentication for the web services (8446), reporting (8445) and console (8443): accounts
 * checked in constant time against scrypt hashes (RFC 7914), random bearer/session tokens kept
 * only as SHA-256 hashes, and a throttle on failed logins per address and per source network.
 *
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256, sha256Hex } from '../digest.js';
import {
  hashPassword as hashSitePassword,
  passwordVerifier,
  type AdminCredential,
} from '../site/password.js';
import { networkOf } from '../http/network.js';
import { FairSlots } from './fair_slots.js';

/** Roles: administrators may publish; readers may only read (a write answers 403). */
export type Role = 'administrator' | 'reader';

/** A login account. The password is never held: only something that verifies it. */
export interface Account {
  readonly username: string;
  readonly role: Role;
  /** Resolves whether `password` is right; must take the same time whatever the answer. */
  verifyPassword(password: string): Promise<boolean>;
}

/**
 * A stored scrypt credential: the shape `site.json` keeps the admin one in (`createSite`), so the
 * two can never drift apart.
 */
export type ScryptCredential = AdminCredential;

/**
 * Hashes a password into a {@link ScryptCredential} (scrypt N = 2^15, r = 8, p = 1, 16-byte salt,
 * 32-byte key: the parameters `createSite` uses for the admin; `site/password.ts`).
 */
export const hashPassword = hashSitePassword;

/**
 * An {@link Account} over a stored scrypt credential: scrypt with the stored parameters, then
 * `timingSafeEqual` against the stored key (`site/password.ts`).
 *
 * @throws TypeError when the credential is malformed or its cost exceeds 256 MiB per hash
 *   (128 · N · r bytes, RFC 7914 §2) or p 16.
 */
export function accountFromCredential(credential: ScryptCredential, role: Role): Account {
  const verifyPassword = passwordVerifier(credential);
  return { username: credential.username, role, verifyPassword };
}

/**
 * Checks user name and password against a fixed set of accounts without revealing, by timing,
 * whether the user name exists: every account's name is compared (SHA-256 of both sides, then
 * `timingSafeEqual`, so lengths do not leak either), and one password hash is always computed,
 * against a real account even when no name matched.
 */
export class Authenticator {
  readonly #accounts: readonly { account: Account; name: Uint8Array }[];
  readonly #slots: FairSlots;

  /**
   * @param accounts - at least one account; user names must be distinct.
   * @param maxConcurrent - scrypt runs allowed at once (each takes ~32 MiB and ~100 ms). Logins
   *   beyond that wait their network's turn (docs/node.md "Abuse limits": the slots go to the
   *   source networks in turn, at most 2 waiting per network and 64 in all); more are told to
   *   retry ({@link Authenticator.check} returns `'busy'`).
   */
  constructor(accounts: readonly Account[], maxConcurrent = 4) {
    if (accounts.length === 0) throw new TypeError('"accounts" expected at least one account');
    const names = new Set(accounts.map((a) => a.username));
    if (names.size !== accounts.length) throw new TypeError('"accounts" has duplicate user names');
    this.#accounts = accounts.map((account) => ({ account, name: sha256(account.username) }));
    this.#slots = new FairSlots({ slots: maxConcurrent, maxWaitingPerKey: 2, maxWaiting: 64 });
  }

  /**
   * The account whose credentials these are, `undefined` if wrong, `'busy'` if the hashing slots
   * and the queue of `from`'s network are full.
   *
   * @param from - the source address; its network (IPv4 /24, IPv6 /64) gets its turn at the
   *   hashing slots (omitted: every caller shares one turn).
   */
  async check(
    username: string,
    password: string,
    from?: string,
  ): Promise<Account | undefined | 'busy'> {
    const slot = this.#slots.acquire(from === undefined ? '' : networkOf(from));
    if (slot === undefined) return 'busy';
    const release = await slot;
    try {
      const name = sha256(username);
      let match: Account | undefined;
      for (const a of this.#accounts) {
        // No early exit: every comparison runs.
        if (timingSafeEqual(a.name, name) && match === undefined) match = a.account;
      }
      const verifier = match ?? this.#accounts[0]!.account;
      const ok = await verifier.verifyPassword(password);
      return match !== undefined && ok ? match : undefined;
    } finally {
      release();
    }
  }
}

/** What a token stands for. */
export interface TokenInfo {
  readonly username: string;
  readonly role: Role;
  readonly domain: string;
  /** `'bearer'`: REST `Authorization` header; `'session'`: the console cookie. */
  readonly kind: 'bearer' | 'session';
  /** Milliseconds since the epoch (on the store's clock). */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

// 32 random bytes in base64url without padding: 43 characters.
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Issued tokens. A token is 256 random bits (base64url); the store keys entries by SHA-256 of
 * the token, so a memory dump or a log of the map yields no usable token, and lookups by hash
 * reveal nothing about the token through timing.
 */
export class TokenStore {
  readonly #byHash = new Map<string, TokenInfo>();
  readonly #now: () => number;
  readonly #max: number;

  /**
   * @param now - clock in ms (tests inject one).
   * @param max - most live tokens; beyond that the oldest is dropped.
   */
  constructor(now: () => number = Date.now, max = 10_000) {
    this.#now = now;
    this.#max = max;
  }

  /** Issues a token valid for `ttlMs`. */
  issue(
    info: Omit<TokenInfo, 'issuedAt' | 'expiresAt'>,
    ttlMs: number,
  ): { token: string; info: TokenInfo } {
    this.sweep();
    while (this.#byHash.size >= this.#max) {
      const oldest = this.#byHash.keys().next().value as string;
      this.#byHash.delete(oldest);
    }
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    const full: TokenInfo = { ...info, issuedAt: now, expiresAt: now + ttlMs };
    this.#byHash.set(hashToken(token), full);
    return { token, info: full };
  }

  /** The live token's info; `undefined` when unknown, malformed, expired or of another kind. */
  lookup(token: string | undefined, kinds: readonly TokenInfo['kind'][]): TokenInfo | undefined {
    if (token === undefined || !TOKEN_RE.test(token)) return undefined;
    const h = hashToken(token);
    const info = this.#byHash.get(h);
    if (info === undefined) return undefined;
    if (this.#now() >= info.expiresAt) {
      this.#byHash.delete(h);
      return undefined;
    }
    return kinds.includes(info.kind) ? info : undefined;
  }

  /** Revokes a token; resolves whether it was live. */
  revoke(token: string | undefined): boolean {
    if (token === undefined || !TOKEN_RE.test(token)) return false;
    return this.#byHash.delete(hashToken(token));
  }

  /** Drops expired entries. */
  sweep(): void {
    const now = this.#now();
    for (const [h, info] of this.#byHash) if (now >= info.expiresAt) this.#byHash.delete(h);
  }

  /** Live token count (tests, reporting). */
  get size(): number {
    return this.#byHash.size;
  }
}

// Tokens are base64url (TOKEN_RE is checked first), so their UTF-8 bytes are their ASCII bytes.
function hashToken(token: string): string {
  return sha256Hex(token);
}

/** Options of {@link LoginThrottle}. */
export interface ThrottleOptions {
  /** Failed logins allowed per address before a lockout (default 5). */
  readonly maxFailures?: number;
  /**
   * Failed logins allowed per source network (IPv4 /24, IPv6 /64) before the whole network is
   * locked out (default: 4 times the per-address limit, so 20): its addresses count together.
   */
  readonly maxNetworkFailures?: number;
  /** First lockout, ms (default 60 s); it doubles with each further failure, up to 15 min. */
  readonly lockoutMs?: number;
  /** Failures older than this are forgotten, ms (default 15 min). */
  readonly windowMs?: number;
  /** Most addresses and networks tracked (default 10,000). */
  readonly maxEntries?: number;
}

// A network holds many addresses (users behind one NAT): it may fail a few times more than one.
const NETWORK_FAILURES_FACTOR = 4;

interface ThrottleEntry {
  failures: number;
  first: number;
  blockedUntil: number;
}

/**
 * Throttles failed logins per source address and per source network (OWASP Authentication Cheat
 * Sheet, "Protect against automated attacks"): after `maxFailures` failures an address, after
 * `maxNetworkFailures` a network (IPv4 /24, IPv6 /64), is locked out for a time that doubles with
 * each further failure; a success clears the address. Nothing is counted per account, so nobody
 * can lock the admin out from elsewhere.
 */
export class LoginThrottle {
  readonly #entries = new Map<string, ThrottleEntry>();
  readonly #now: () => number;
  readonly #o: Required<ThrottleOptions>;

  constructor(now: () => number = Date.now, options: ThrottleOptions = {}) {
    this.#now = now;
    const maxFailures = options.maxFailures ?? 5;
    this.#o = {
      maxFailures,
      maxNetworkFailures: options.maxNetworkFailures ?? NETWORK_FAILURES_FACTOR * maxFailures,
      lockoutMs: options.lockoutMs ?? 60_000,
      windowMs: options.windowMs ?? 15 * 60_000,
      maxEntries: options.maxEntries ?? 10_000,
    };
  }

  /** Milliseconds `address` (or its network) must still wait, 0 if it may try now. */
  retryAfterMs(address: string): number {
    return Math.max(this.#wait(`a ${address}`), this.#wait(`n ${networkOf(address)}`));
  }

  /** Records a failure (a wrong password, or a "busy" answer) of the address and its network. */
  failure(address: string): void {
    this.#fail(`a ${address}`, this.#o.maxFailures);
    this.#fail(`n ${networkOf(address)}`, this.#o.maxNetworkFailures);
  }

  /** Records a success: the address starts afresh (its network's count stays). */
  success(address: string): void {
    this.#entries.delete(`a ${address}`);
  }

  #wait(key: string): number {
    const e = this.#entries.get(key);
    if (e === undefined) return 0;
    const now = this.#now();
    if (now - e.first > this.#o.windowMs && now >= e.blockedUntil) {
      this.#entries.delete(key);
      return 0;
    }
    return Math.max(0, e.blockedUntil - now);
  }

  #fail(key: string, max: number): void {
    const now = this.#now();
    let e = this.#entries.get(key);
    if (e === undefined || (now - e.first > this.#o.windowMs && now >= e.blockedUntil)) {
      if (e === undefined && this.#entries.size >= this.#o.maxEntries) this.#evict(now);
      e = { failures: 0, first: now, blockedUntil: 0 };
      this.#entries.set(key, e);
    }
    e.failures += 1;
    const over = e.failures - max;
    if (over >= 0) {
      const ms = Math.min(this.#o.lockoutMs * 2 ** Math.min(over, 20), 15 * 60_000);
      e.blockedUntil = now + ms;
    }
  }

  #evict(now: number): void {
    for (const [k, e] of this.#entries) {
      if (now >= e.blockedUntil) this.#entries.delete(k);
      if (this.#entries.size < this.#o.maxEntries) return;
    }
    // Every tracked address is locked out: drop the oldest rather than grow without bound.
    const oldest = this.#entries.keys().next().value as string | undefined;
    if (oldest !== undefined) this.#entries.delete(oldest);
  }
}
