/**
 * What `createClient` takes and gives.
 *
 * @module
 */
import type { X509Certificate } from '../../cert/x509.js';
import type { Sylink } from '../../sylink/model.js';
import type { ClientMarks } from '../../protocol/index.js';

/** Options of `createClient`. */
export interface ClientOptions {
  /** The client's communication file: servers, Kcs, domain id and the pinned certificates. */
  readonly sylink: Sylink;
  /** Which `ServerList` to use, by index or `Name` (default: the first). */
  readonly serverList?: number | string;
  /**
   * `'sylink'` (default): HTTP only for servers whose entry has an `HttpPort` and no `HttpsPort`;
   * `'https-only'`: never plain HTTP.
   */
  readonly transport?: 'sylink' | 'https-only';
  /** Deadline for a TCP connection plus TLS session, ms (default 30,000, as KB 156653). */
  readonly connectTimeoutMs?: number;
  /** Deadline for one complete response, ms (default 60,000). */
  readonly requestTimeoutMs?: number;
  /** Largest sealed policy accepted, bytes (default 64 MiB). */
  readonly maxPolicyBytes?: number;
  /** Host name sent at registration (default `os.hostname()`). */
  readonly hostname?: string;
  /** Random integer in [0, n) used to shuffle a priority block (default `crypto.randomInt`). */
  readonly random?: (n: number) => number;
  /**
   * Where the client keeps its high-water marks (highest index serial and per-policy serials of
   * its site, docs/protocol.md §5.5) across restarts: `{ load(), save(state) }`, sync or async;
   * `fileClientState(path)` keeps them in a file. Default: in memory only (a restarted client
   * then accepts any validly signed index once).
   */
  readonly state?: ClientStateStore;
  /**
   * Refuse an index whose `issuedAt` is more than this many ms old (`ERR_MANAGER_ROLLBACK`).
   * Managers re-sign only on a change or a restart, so set it above the longest quiet period
   * (default: no limit).
   */
  readonly maxIndexAgeMs?: number;
  /**
   * The clock, ms since the epoch (default `Date.now`): `maxIndexAgeMs`, and the validity windows
   * of endorsements and of the certificates they endorse.
   */
  readonly now?: () => number;
  /**
   * Called when the client comes to trust a new manager certificate through an endorsement by a
   * certificate it already trusted (a certificate change, docs/protocol.md §5.4).
   */
  readonly onTrustChange?: (change: TrustChange) => void;
}

/** A certificate the client added to its trusted list (docs/protocol.md §5.4). */
export interface TrustChange {
  /** The newly trusted certificate. */
  readonly certificate: X509Certificate;
  /** The already-trusted certificate whose key endorsed it. */
  readonly endorsedBy: X509Certificate;
  /** The manager that served the endorsement. */
  readonly server: ClientServer;
}

/** A manager endpoint the client talked to. */
export interface ClientServer {
  readonly address: string;
  readonly port: number;
  readonly protocol: 'https' | 'http';
}

/** One policy as the client holds it after a heartbeat. */
export interface ClientPolicy {
  readonly name: string;
  /** Per-name serial from the signed index. */
  readonly serial: number;
  /** SHA-256 of the sealed bytes (hex), from the signed index and checked. */
  readonly sha256: string;
  /** The decrypted, signature-verified policy. */
  readonly data: Uint8Array;
  /** The sylink certificate that signed it. */
  readonly signer: X509Certificate;
  /** Whether this heartbeat downloaded it (new or changed). */
  readonly changed: boolean;
  /** JSON form: the policy bytes are summarised by `size` (and `sha256`), not dumped. */
  toJSON(): { name: string; serial: number; sha256: string; size: number; changed: boolean };
}

/** What {@link Client.heartbeat} returns. */
export interface HeartbeatResult {
  /** The manager that answered. */
  readonly server: ClientServer;
  /** Serial of the verified index. */
  readonly indexSerial: number;
  /** The certificate that signed the index. */
  readonly indexSigner: X509Certificate;
  /** Every current policy (changed ones first downloaded, verified and opened). */
  readonly policies: readonly ClientPolicy[];
  /** Policies new or changed in this heartbeat. */
  readonly updated: readonly ClientPolicy[];
  /** Names the manager no longer publishes. */
  readonly removed: readonly string[];
}

/** What {@link Client.register} returns. */
export interface Registration {
  readonly clientId: string;
  readonly server: ClientServer;
}

/** A client of one site. */
export interface Client {
  /** Checks that some manager answers the `hello,secars` health check; returns which one. */
  hello(): Promise<ClientServer>;
  /** Registers with a manager (`/secreg/`); the id is sent with later heartbeats. */
  register(): Promise<Registration>;
  /** Fetches and verifies the index, downloads changed policies and opens each. */
  heartbeat(): Promise<HeartbeatResult>;
  /** The client id from the last registration. */
  readonly clientId: string | undefined;
  /**
   * The certificates this client trusts now: the sylink's, then any it adopted through an
   * endorsement (in memory only; a new sylink is the lasting form).
   */
  trustedCertificates(): X509Certificate[];
  /** Drops kept-alive connections. */
  close(): void;
}

/**
 * Where a client keeps its high-water marks between runs (`createClient({ state })`). Either
 * method may be synchronous or return a promise. `load` gives what the last `save` was given, or
 * `undefined` when nothing was saved yet; `save` must replace the whole state in one step
 * (`fileClientState` writes the file atomically).
 */
export interface ClientStateStore {
  load(): ClientMarks | undefined | Promise<ClientMarks | undefined>;
  save(state: ClientMarks): void | Promise<void>;
}
