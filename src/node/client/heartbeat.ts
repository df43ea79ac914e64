/**
 * One heartbeat (docs/protocol.md §5): fetch the signed index from the first available manager,
 * verify it before reading it, refuse another domain or anything older than the site's
 * high-water marks (from any server, across restarts), then download each new or
 * changed sealed policy from the same manager, check it against the index, verify and open it.
 *
 * @module
 */
import type { X509Certificate } from '../../cert/x509.js';
import { ManagerError, PolicyError, isSepmError } from '../../errors.js';
import { openPolicy } from '../../policy/index.js';
import {
  MAX_INDEX_BYTES,
  PATH_INDEX,
  parseIndex,
  parseSignedIndexEnvelope,
  policyPath,
  verifyIndexSignature,
  type IndexEntry,
  type PolicyIndex,
} from '../../protocol/index.js';
import type { Kcs } from '../../kcs.js';
import { sha256Hex } from '../digest.js';
import { expectStatus, type Connections } from './connections.js';
import { serverKey } from './servers.js';
import type { ClientState } from './state.js';
import type { ClientTrust } from './trust.js';
import type { ClientPolicy, ClientServer, HeartbeatResult } from './types.js';

/** What a heartbeat uses. */
export interface HeartbeatDeps {
  readonly domainId: string;
  readonly kcs: Kcs;
  readonly maxPolicyBytes: number;
  readonly connections: Connections;
  readonly trust: ClientTrust;
  readonly state: ClientState;
  /** Request headers (the client id once registered). */
  readonly headers: () => Record<string, string>;
  /** Refuse an index issued longer ago than this, ms (none when undefined). */
  readonly maxIndexAgeMs: number | undefined;
  /** The clock, ms since the epoch. */
  readonly now: () => number;
}

/**
 * The codecs (src/protocol/) say the bytes are malformed; to the client's caller that is the
 * manager's malformed answer.
 */
export function asManagerProtocol<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (isSepmError(e) && e.code === 'ERR_PROTOCOL_MALFORMED') {
      throw new ManagerError('ERR_MANAGER_PROTOCOL', e.message, { cause: e });
    }
    throw e;
  }
}

/** A policy as held, with a JSON form that does not dump its bytes. */
export function clientPolicy(p: Omit<ClientPolicy, 'toJSON'>): ClientPolicy {
  const { name, serial, sha256, data, signer, changed } = p;
  return {
    name,
    serial,
    sha256,
    data,
    signer,
    changed,
    toJSON: () => ({ name, serial, sha256, size: data.length, changed }),
  };
}

/**
 * A raw signature that no trusted key verifies, from an envelope naming a signer the client does
 * not trust: an untrusted signer (`ERR_POLICY_UNTRUSTED_SIGNER`, e.g. a peer's certificate
 * missing from this sylink), not tampering. `undefined` when that is not the case.
 */
function untrustedSigner(
  e: unknown,
  signer: string | undefined,
  trusted: readonly X509Certificate[],
): PolicyError | undefined {
  if (!isSepmError(e) || e.code !== 'ERR_POLICY_SIGNATURE_INVALID' || signer === undefined) {
    return undefined;
  }
  if (trusted.some((c) => sha256Hex(new Uint8Array(c.rawData)) === signer)) return undefined;
  return new PolicyError(
    'ERR_POLICY_UNTRUSTED_SIGNER',
    `index signed by a certificate that is not in the sylink (SHA-256 ${signer})`,
    { cause: e },
  );
}

async function verifiedIndex(
  d: HeartbeatDeps,
  server: ClientServer,
  body: Uint8Array,
): Promise<{ index: PolicyIndex; signer: X509Certificate }> {
  const env = asManagerProtocol(() => parseSignedIndexEnvelope(body));
  // Verify before parsing: nothing in the index is looked at until its signature holds.
  const verified = await d.trust
    .verified(server, d.connections.agentFor(server), (anchors) =>
      verifyIndexSignature(env.index, env.signature, anchors, env.signatureFormat),
    )
    .catch((e: unknown) => {
      throw untrustedSigner(e, env.signer, d.trust.list()) ?? e;
    });
  if (verified.format !== env.signatureFormat) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      'index signature is not in the announced format',
    );
  }
  const index = asManagerProtocol(() => parseIndex(env.index));
  if (index.domainId !== d.domainId) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      `${serverKey(server)} served the index of another domain`,
    );
  }
  // The site's marks, whichever server or transport served the last index (§5.5).
  await d.state.check(index, {
    from: serverKey(server),
    now: d.now(),
    ...(d.maxIndexAgeMs !== undefined ? { maxAgeMs: d.maxIndexAgeMs } : {}),
  });
  return { index, signer: verified.signer };
}

// Same manager as the index: its hashes describe its own bytes.
async function download(
  d: HeartbeatDeps,
  server: ClientServer,
  entry: IndexEntry,
): Promise<ClientPolicy> {
  if (entry.size > d.maxPolicyBytes) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      `policy "${entry.name}" is larger than maxPolicyBytes`,
    );
  }
  const res = await d.connections.send(server, {
    method: 'GET',
    path: policyPath(entry.name),
    headers: d.headers(),
    maxBytes: entry.size,
  });
  expectStatus(res, server, 200);
  if (res.body.length !== entry.size || sha256Hex(res.body) !== entry.sha256) {
    throw new ManagerError(
      'ERR_MANAGER_PROTOCOL',
      `sealed policy "${entry.name}" from ${serverKey(server)} does not match the signed index`,
    );
  }
  const opened = await d.trust.verified(server, d.connections.agentFor(server), (anchors) =>
    openPolicy(new Uint8Array(res.body), d.kcs, anchors),
  );
  const { name, serial, sha256 } = entry;
  return clientPolicy({
    name,
    serial,
    sha256,
    data: opened.data,
    signer: opened.signer,
    changed: true,
  });
}

/** Runs one heartbeat. */
export async function heartbeat(d: HeartbeatDeps): Promise<HeartbeatResult> {
  const { server, res } = await d.connections.firstAvailable({
    method: 'GET',
    path: PATH_INDEX,
    headers: d.headers(),
    maxBytes: MAX_INDEX_BYTES,
  });
  expectStatus(res, server, 200);
  const { index, signer } = await verifiedIndex(d, server, res.body);
  const policies: ClientPolicy[] = [];
  const updated: ClientPolicy[] = [];
  for (const entry of index.policies) {
    const held = d.state.policy(entry.name);
    if (held !== undefined && held.sha256 === entry.sha256) {
      policies.push(clientPolicy({ ...held, serial: entry.serial, changed: false }));
      continue;
    }
    const p = await download(d, server, entry);
    policies.push(p);
    updated.push(p);
  }
  const removed = await d.state.settle(index, policies);
  const { address, port, protocol } = server;
  return {
    server: { address, port, protocol },
    indexSerial: index.serial,
    indexSigner: signer,
    policies,
    updated,
    removed,
  };
}
