/**
 * `POST /identity/authenticate`, `POST /identity/logout`, `GET /sessions/currentuser`
 * (docs/rest-api.md "Authentication"): SEPM's `UserCredential` in, `UserToken` out, with `role`
 * as `{ bitMask, title }` and `permissionSet` as an object of booleans, as the spec has them.
 *
 * @module
 */
import { sepmStyleId } from '../digest.js';
import type { RestRequest, RestResponse } from './exchange.js';
import { NO_CONTENT, ok } from './exchange.js';
import { badRequest, sepmError, SEPM_MESSAGES } from './errors.js';
import type { SepmDomainRecord, SepmRestAuth, SepmRestModel, SepmSession } from './model.js';
import { readJsonBody } from './body.js';

/** Largest login body read (bytes). */
export const MAX_LOGIN_BODY = 16 * 1024;

/**
 * SEPM `UserRole` per role: the spec's `bitMask` values (8 system administrator, 4 domain
 * administrator, 2 limited administrator); the titles are ours.
 */
const ROLES = {
  administrator: { bitMask: 8, title: 'System Administrator' },
  reader: { bitMask: 2, title: 'Limited Administrator' },
} as const;

/** SEPM `UserPermission` per role: a reader may read reports, nothing else. */
const PERMISSIONS = {
  administrator: {
    reportingRights: true,
    groupRights: true,
    siteRights: true,
    remoteCommandRights: true,
    policyRights: true,
  },
  reader: {
    reportingRights: true,
    groupRights: false,
    siteRights: false,
    remoteCommandRights: false,
    policyRights: false,
  },
} as const;

/** An account's `adminId`: 32 upper-case hex digits from the user name. */
export function adminId(username: string): string {
  return sepmStyleId('sepm-crypto admin id', username);
}

/**
 * SEPM `UserToken` for a session (`token` is required by the spec, so it is always sent). The
 * login answer (`identity_UserToken`) names the full name `getfullName` in the spec, a name no
 * client reads, so it is left out there; `currentuser` (`administrators_UserToken`) has
 * `fullname`.
 */
export function userToken(
  model: SepmRestModel,
  session: SepmSession,
  token: string,
  shape: 'identity' | 'administrators',
) {
  const domain = model.domain();
  const now = model.now();
  return {
    token,
    // int64 seconds (spec: "The access token expiration value in seconds").
    tokenExpiration: Math.max(0, Math.floor((session.expiresAt - now) / 1000)),
    username: session.username,
    ...(shape === 'administrators' ? { fullname: session.username } : {}),
    domain: domain.name,
    domainid: domain.id,
    adminId: adminId(session.username),
    role: { ...ROLES[session.role] },
    permissionSet: { ...PERMISSIONS[session.role] },
    serverTime: now,
  };
}

/** SEPM's default domain is `""` (one Python client sends `null`); its name works too. */
function isOurDomain(domain: unknown, record: SepmDomainRecord): boolean {
  if (domain === undefined || domain === null || domain === '') return true;
  if (typeof domain !== 'string') return false;
  const l = domain.toLowerCase();
  return l === 'default' || l === record.name.toLowerCase() || l === record.id.toLowerCase();
}

/** `POST /identity/authenticate`. `appName` (body or query) is accepted: every token is unique. */
export async function authenticate(
  req: RestRequest,
  model: SepmRestModel,
  auth: SepmRestAuth,
): Promise<RestResponse> {
  const body = await readJsonBody(req, MAX_LOGIN_BODY);
  if ('response' in body) return body.response;
  const b = body.value as Record<string, unknown> | null;
  if (
    typeof b !== 'object' ||
    b === null ||
    Array.isArray(b) ||
    typeof b.username !== 'string' ||
    typeof b.password !== 'string' ||
    b.username.length > 256 ||
    b.password.length > 1024 ||
    (b.domain !== undefined && b.domain !== null && typeof b.domain !== 'string') ||
    (b.appName !== undefined && b.appName !== null && typeof b.appName !== 'string')
  ) {
    return badRequest();
  }
  const outcome = await auth.authenticate(
    { username: b.username, password: b.password },
    { from: req.remoteAddress, domainMatches: isOurDomain(b.domain, model.domain()) },
  );
  if (outcome.ok) return ok(userToken(model, outcome.session, outcome.token, 'identity'));
  if (outcome.reason === 'invalid') return sepmError(401, SEPM_MESSAGES.unauthorized);
  const retry = { 'Retry-After': String(Math.max(1, Math.ceil(outcome.retryAfterSeconds))) };
  return outcome.reason === 'throttled'
    ? sepmError(429, 'Too many failed logons from this address; retry later.', retry)
    : sepmError(503, 'Too many logons in progress; retry.', retry);
}

/** `POST /identity/logout`: `204`. */
export function logout(auth: SepmRestAuth, token: string): RestResponse {
  auth.logout(token);
  return NO_CONTENT;
}

/** `GET /sessions/currentuser`: the `UserToken` of the presented token. */
export function currentUser(
  model: SepmRestModel,
  session: SepmSession,
  token: string,
): RestResponse {
  return ok(userToken(model, session, token, 'administrators'));
}
