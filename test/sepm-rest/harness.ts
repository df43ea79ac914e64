// The SEPM REST handler on a loopback server over an in-memory model and auth; every answer a
// test receives through `rest()` is checked against the spec first (spec.ts `checkAnswer`).
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
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
import { checkAnswer } from './spec.js';

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
    registrations: () => m.registrationList,
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

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
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
 * One request; the answer is checked against the spec before it is returned (`unchecked` for
 * the tests that send what no SEPM client would, where only the error shape is checked).
 */
export function rest(
  port: number,
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    json?: unknown;
    body?: string | Buffer;
    https?: boolean;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] ??= 'application/json';
  }
  const send = options.https === true ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers,
        agent: false,
        ...(options.https === true ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const b = Buffer.concat(chunks);
          try {
            checkAnswer(method, path.split('?')[0]!, res.statusCode ?? 0, b);
          } catch (e) {
            reject(e);
            return;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: b,
            json: () => JSON.parse(b.toString('utf8')),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
