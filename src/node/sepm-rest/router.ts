/**
 * `createSepmRestHandler`: SEPM's REST API over a {@link SepmRestModel} and a
 * {@link SepmRestAuth} (docs/rest-api.md). Routes under `/sepm/api/v1`; `/version` and
 * `/identity/authenticate` need no token, everything else a live bearer token (RFC 6750 §2.1).
 * Any other path, under `/sepm/api/v1`, `/sepm/api/v2` or elsewhere, answers SEPM's 404 body.
 *
 * @module
 */
import { bearerOf } from '../http/request.js';
import type { RestRequest, RestResponse } from './exchange.js';
import { ok } from './exchange.js';
import { methodNotAllowed, notFound, sepmError, SEPM_MESSAGES } from './errors.js';
import type { SepmRestAuth, SepmRestModel, SepmSession } from './model.js';
import { authenticate, currentUser, logout } from './identity.js';
import {
  groupById,
  groupComputers,
  listComputers,
  listGroups,
  type DirectoryOf,
} from './groups_api.js';
import { directoryCache } from './directory.js';
import { DEFAULT_MAX_GROUPS } from './groups.js';
import { API_V1, policySummary, publishPolicy, rawPolicy, withdrawPolicy } from './policies.js';
import {
  domainById,
  domains,
  isReplicated,
  replicateNow,
  replicationStatus,
  servers,
} from './site.js';

/** Options of {@link createSepmRestHandler}. */
export interface SepmRestOptions {
  readonly model: SepmRestModel;
  readonly auth: SepmRestAuth;
  /** Largest publish body, bytes (default 64 KiB). */
  readonly maxBodyBytes?: number;
  /**
   * Most groups listed, the root and `Default Group` included (default 20,000; docs/rest-api.md
   * "Groups"): beyond it a registration is listed in `Default Group`.
   */
  readonly maxGroups?: number;
}

/** The handler: one request in, one answer out. */
export type SepmRestHandler = (req: RestRequest) => Promise<RestResponse>;

interface Call {
  readonly req: RestRequest;
  readonly params: readonly string[];
  readonly session: SepmSession;
  readonly token: string;
}

type Method = 'GET' | 'POST' | 'DELETE';
type Action = (call: Call) => RestResponse | Promise<RestResponse>;

interface Route {
  readonly path: RegExp;
  readonly methods: Partial<Record<Method, Action>>;
  /** Methods only an administrator may call (a reader gets 403). */
  readonly writes?: readonly Method[];
}

const SEG = '([^/]+)';

function routes(
  model: SepmRestModel,
  auth: SepmRestAuth,
  maxBody: number,
  dir: DirectoryOf,
): readonly Route[] {
  const r = (path: string, methods: Route['methods'], writes?: Method[]): Route => ({
    path: new RegExp(`^${path}$`),
    methods,
    ...(writes !== undefined ? { writes } : {}),
  });
  return [
    r('/identity/logout', { POST: (c) => logout(auth, c.token) }),
    r('/sessions/currentuser', { GET: (c) => currentUser(model, c.session, c.token) }),
    r('/domains', { GET: () => domains(model) }),
    r(`/domains/${SEG}`, { GET: (c) => domainById(model, c.params[0]!) }),
    r('/groups', { GET: (c) => listGroups(model, dir, c.req.query) }),
    r(`/groups/${SEG}`, { GET: (c) => groupById(model, dir, c.params[0]!, c.req.query) }),
    r(`/groups/${SEG}/computers`, {
      GET: (c) => groupComputers(model, dir, c.params[0]!, c.req.query),
    }),
    r('/computers', { GET: (c) => listComputers(model, dir, c.req.query) }),
    r('/policies/summary', { GET: (c) => policySummary(model, undefined, c.req.query) }),
    r(`/policies/summary/${SEG}`, {
      GET: (c) => policySummary(model, c.params[0], c.req.query),
    }),
    r(`/policies/raw/${SEG}`, { POST: (c) => publishPolicy(c.req, model, c.params[0]!, maxBody) }, [
      'POST',
    ]),
    r(
      `/policies/raw/${SEG}/${SEG}`,
      {
        GET: (c) => rawPolicy(model, c.params[0]!, c.params[1]!),
        DELETE: (c) => withdrawPolicy(model, c.params[0]!, c.params[1]!),
      },
      ['DELETE'],
    ),
    r('/admin/servers', { GET: () => servers(model) }),
    r('/replication/status', { GET: () => replicationStatus(model) }),
    r('/replication/is_replicated', { GET: () => isReplicated(model) }),
    r('/replication/replicatenow', { POST: (c) => replicateNow(model, c.req.query) }, ['POST']),
  ];
}

function allowed(methods: Route['methods']): string[] {
  const list = Object.keys(methods);
  return list.includes('GET') ? [...list, 'HEAD'] : list;
}

/** Builds the SEPM REST handler. */
export function createSepmRestHandler(options: SepmRestOptions): SepmRestHandler {
  const { model, auth } = options;
  const maxBody = options.maxBodyBytes ?? 64 * 1024;
  const maxGroups = options.maxGroups ?? DEFAULT_MAX_GROUPS;
  if (!Number.isSafeInteger(maxGroups) || maxGroups < 2) {
    throw new RangeError('"maxGroups" expected an integer >= 2');
  }
  const table = routes(model, auth, maxBody, directoryCache(maxGroups));
  return async (req) => {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (!req.path.startsWith(API_V1 + '/')) return notFound();
    const route = req.path.slice(API_V1.length);

    if (route === '/version') {
      return method === 'GET' ? ok(model.apiVersion()) : methodNotAllowed(['GET', 'HEAD']);
    }
    if (route === '/identity/authenticate') {
      return method === 'POST' ? authenticate(req, model, auth) : methodNotAllowed(['POST']);
    }

    const token = bearerOf(req.authorization);
    const session = token === undefined ? undefined : auth.session(token);
    if (token === undefined || session === undefined) {
      return sepmError(401, SEPM_MESSAGES.unauthorized, {
        'WWW-Authenticate': 'Bearer realm="sepm"',
      });
    }
    for (const rt of table) {
      const m = rt.path.exec(route);
      if (m === null) continue;
      const action = rt.methods[method as Method];
      if (action === undefined) return methodNotAllowed(allowed(rt.methods));
      if (rt.writes?.includes(method as Method) && session.role !== 'administrator') {
        return sepmError(403, SEPM_MESSAGES.forbidden);
      }
      return action({ req, params: m.slice(1), session, token });
    }
    return notFound();
  };
}
