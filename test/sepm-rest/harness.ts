// The SEPM REST handler on a loopback server over an in-memory model and auth; every answer a
// test receives through `rest()` is checked against the spec first (spec.ts `checkAnswer`).
// Requests go through the services tests' `call` (test/node-services/helpers.ts).
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  createSepmRestHandler,
  sepmRestListener,
  type SepmPolicyRecord,
  type SepmPublishInput,
  type SepmRegistrationRecord,
  type SepmReplicationPartner,
  type SepmRestAuth,
  type SepmRestModel,
  type SepmServerRecord,
  type SepmSession,
} from '../../src/node/sepm-rest/index.js';
import { call, type CallOptions, type Reply } from '../node-services/helpers.js';
import { checkAnswer } from './spec.js';

export type { Reply };

export const DOMAIN_ID = '1E814550AC1E00027245A393F26DBE37';

/** A mutable in-memory model (what a manager would feed the handler). */
export interface MemoryModel extends SepmRestModel {
  clock: number;
  readonly policyList: { record: SepmPolicyRecord; content: Uint8Array }[];
  readonly registrationList: SepmRegistrationRecord[];
  readonly serverList: SepmServerRecord[];
  readonly partnerList: SepmReplicationPartner[];
  readonly replicated: string[];
}

function hexId(s: string): string {
  return Buffer.from(s.padEnd(16, '.').slice(0, 16), 'latin1').toString('hex').toUpperCase();
}

export function memoryModel(): MemoryModel {
  const m: MemoryModel = {
    clock: 1_764_180_000_000,
    policyList: [],
    registrationList: [],
    serverList: [{ id: hexId('self'), name: 'sepm-1.example', self: true }],
    partnerList: [],
    replicated: [],
    now: () => m.clock,
    apiVersion: () => ({
      API_SEQUENCE: '240604011',
      API_VERSION: '14.3.9000',
      version: '14.3.25029.9000',
    }),
    domain: () => ({ id: DOMAIN_ID, name: 'Default', createdTime: 1_764_000_000_000 }),
    policies: () => m.policyList.map((p) => p.record),
    policyContent: async (p) => m.policyList.find((x) => x.record.id === p.id)!.content,
    // A new array per call: the handler keeps what it derives from an array it saw before.
    registrations: () => [...m.registrationList],
    servers: () => m.serverList,
    replication: () => ({ siteId: DOMAIN_ID, siteName: 'Site A', partners: m.partnerList }),
    replicateNow: async (id) => {
      m.replicated.push(id);
      return !id.startsWith('BAD');
    },
    publish: async (input: SepmPublishInput) => {
      const existing = m.policyList.find((p) => p.record.name === input.name);
      if (existing !== undefined && existing.record.type !== input.type) {
        return { refused: 'type_conflict' as const };
      }
      const record: SepmPolicyRecord = {
        id: hexId('p:' + input.name),
        name: input.name,
        type: input.type,
        enabled: input.enabled ?? existing?.record.enabled ?? true,
        lastModified: m.clock,
        serial: (existing?.record.serial ?? 0) + 1,
        ...((input.desc ?? existing?.record.desc) !== undefined
          ? { desc: (input.desc ?? existing?.record.desc)! }
          : {}),
      };
      const entry = { record, content: input.content };
      if (existing !== undefined) m.policyList[m.policyList.indexOf(existing)] = entry;
      else m.policyList.push(entry);
      return record;
    },
    withdraw: async (p) => {
      const i = m.policyList.findIndex((x) => x.record.id === p.id);
      if (i >= 0) m.policyList.splice(i, 1);
    },
  };
  return m;
}

/** Accounts `admin`/`admin-pw` (administrator) and `reader`/`reader-pw` (reader). */
export function memoryAuth(
  model: MemoryModel,
): SepmRestAuth & { tokens: Map<string, SepmSession> } {
  const users: Record<string, { password: string; role: SepmSession['role'] }> = {
    admin: { password: 'admin-pw', role: 'administrator' },
    reader: { password: 'reader-pw', role: 'reader' },
  };
  const tokens = new Map<string, SepmSession>();
  return {
    tokens,
    async authenticate(c, ctx) {
      const u = users[c.username];
      if (u === undefined || u.password !== c.password || !ctx.domainMatches) {
        return { ok: false, reason: 'invalid' };
      }
      const token = randomBytes(32).toString('base64url');
      const session: SepmSession = {
        username: c.username,
        role: u.role,
        expiresAt: model.clock + 3_600_000,
      };
      tokens.set(token, session);
      return { ok: true, token, session };
    },
    session(token) {
      const s = tokens.get(token);
      return s !== undefined && s.expiresAt > model.clock ? s : undefined;
    },
    logout(token) {
      tokens.delete(token);
    },
  };
}

/** A server on 127.0.0.1 with the handler over `model`. */
export async function startRest(
  model: SepmRestModel,
  auth: SepmRestAuth,
  maxBodyBytes?: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const listener = sepmRestListener(
    createSepmRestHandler({ model, auth, ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}) }),
  );
  const server = createServer((req, res) => {
    listener(req, res).catch(() => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One request (test/node-services/helpers.ts `call`, plain HTTP unless `https`); the answer is
 * checked against the spec before it is returned.
 */
export async function rest(
  port: number,
  method: string,
  path: string,
  options: Omit<CallOptions, 'plain' | 'key' | 'cert'> & { https?: boolean } = {},
): Promise<Reply> {
  const { https, ...rest } = options;
  const reply = await call(port, method, path, { ...rest, plain: https !== true });
  checkAnswer(method, path.split('?')[0]!, reply.status, reply.body);
  return reply;
}
