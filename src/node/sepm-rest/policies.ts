/**
 * Policies (docs/rest-api.md "Policies"): `GET /policies/summary[/{policy_type}]` (a
 * `PagePolicySummary`, complete unless `pageSize` is given; `domainId` honoured),
 * `GET /policies/raw/{policy_type}/{id}` (`RawPolicy { policy_xml }`), and this library's
 * `POST /policies/raw/{policy_type}` (publish) and `DELETE /policies/raw/{policy_type}/{id}`
 * (withdraw). A type that is not SEPM's answers SEPM's 400 "The policy type argument is invalid."
 *
 * @module
 */
import { isSepmError } from '../../errors.js';
import type { RestRequest, RestResponse } from './exchange.js';
import { NO_CONTENT, ok } from './exchange.js';
import { badRequest, notFound, sepmError, SEPM_MESSAGES } from './errors.js';
import type { SepmPolicyRecord, SepmRestModel } from './model.js';
import { compareText, int32Param, page } from './paging.js';
import { isSepmPolicyType, type SepmPolicyType } from './policy_types.js';
import { readJsonBody } from './body.js';

/** The REST base every `Location` is written under. */
export const API_V1 = '/sepm/api/v1';

/** SEPM's answer to a type it does not know. */
export const invalidPolicyType = (): RestResponse => badRequest(SEPM_MESSAGES.policyType);

/**
 * SEPM's policy name rule (`PolicySummary.name`: 1..255 characters, none of `/ \ * ? < > | : "`)
 * within this library's (at most 128 characters, no control characters).
 */
export function isSepmPolicyName(name: unknown): name is string {
  // eslint-disable-next-line no-control-regex
  return typeof name === 'string' && /^[^/\\*?<>|:"\u0000-\u001f\u007f]{1,128}$/u.test(name);
}

/** SEPM `PolicySummary` of a policy. */
export function summaryItem(model: SepmRestModel, p: SepmPolicyRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {
    id: p.id,
    name: p.name,
    policytype: p.type,
    enabled: p.enabled,
    domainid: model.domain().id,
    lastmodifiedtime: p.lastModified,
    // Policies are not assigned to groups or locations here (docs/rest-api.md).
    assignedtolocations: [],
    assignedtocloudgroups: [],
  };
  // The spec's desc has minLength 1: an empty description is left out.
  if (p.desc !== undefined && p.desc.length > 0) item.desc = p.desc;
  return item;
}

/** `GET /policies/summary[/{type}]`. */
export function policySummary(
  model: SepmRestModel,
  type: string | undefined,
  query: URLSearchParams,
): RestResponse {
  if (type !== undefined && !isSepmPolicyType(type)) return invalidPolicyType();
  const domainId = query.get('domainId');
  const ours =
    domainId === null ||
    domainId === '' ||
    domainId.toLowerCase() === model.domain().id.toLowerCase();
  const items = ours
    ? model
        .policies()
        .filter((p) => type === undefined || p.type === type)
        .sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id))
        .map((p) => summaryItem(model, p))
    : [];
  // The spec has no paging here and clients ask once: the whole list unless pageSize is given.
  const paged = query.get('pageSize') !== null;
  const pageIndex = int32Param(query, 'pageIndex', 1, 1);
  const pageSize = paged ? int32Param(query, 'pageSize', 1, 1) : Math.max(1, items.length);
  if (pageIndex === undefined || pageSize === undefined) return badRequest();
  return ok(page(items, pageIndex, pageSize, { property: 'name', direction: 'ASC' }));
}

function find(model: SepmRestModel, type: SepmPolicyType, id: string) {
  const want = id.toUpperCase();
  return model.policies().find((p) => p.id === want && p.type === type);
}

/** `GET /policies/raw/{type}/{id}`: `{ policy_xml }`. */
export async function rawPolicy(
  model: SepmRestModel,
  type: string,
  id: string,
): Promise<RestResponse> {
  if (!isSepmPolicyType(type)) return invalidPolicyType();
  const p = find(model, type, id);
  if (p === undefined) return notFound();
  const data = await model.policyContent(p);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    // policy_xml is a string: content published as bytes that are not UTF-8 has no SEPM form.
    return sepmError(500, SEPM_MESSAGES.serverError);
  }
  return ok({ policy_xml: text });
}

/** `DELETE /policies/raw/{type}/{id}` (this library's). */
export async function withdrawPolicy(
  model: SepmRestModel,
  type: string,
  id: string,
): Promise<RestResponse> {
  if (!isSepmPolicyType(type)) return invalidPolicyType();
  if (model.withdraw === undefined) return notFound();
  const p = find(model, type, id);
  if (p === undefined) return notFound();
  await model.withdraw(p);
  return NO_CONTENT;
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * `POST /policies/raw/{type}` (this library's): `{ name, content | contentBase64, desc?,
 * enabled? }` -> `201` with the `PolicySummary` and `Location`.
 */
export async function publishPolicy(
  req: RestRequest,
  model: SepmRestModel,
  type: string,
  maxBody: number,
): Promise<RestResponse> {
  if (!isSepmPolicyType(type)) return invalidPolicyType();
  if (model.publish === undefined) return notFound();
  const body = await readJsonBody(req, maxBody);
  if ('response' in body) return body.response;
  const v = body.value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !isSepmPolicyName(v.name)) {
    return badRequest(
      'The policy name must be 1 to 128 characters, without control characters or / \\ * ? < > | : "',
    );
  }
  let content: Uint8Array;
  if (typeof v.content === 'string' && v.contentBase64 === undefined) {
    content = new TextEncoder().encode(v.content);
  } else if (
    typeof v.contentBase64 === 'string' &&
    v.content === undefined &&
    BASE64_RE.test(v.contentBase64)
  ) {
    content = new Uint8Array(Buffer.from(v.contentBase64, 'base64'));
  } else {
    return badRequest('Give exactly one of "content" (text) or "contentBase64".');
  }
  if (v.desc !== undefined && (typeof v.desc !== 'string' || v.desc.length > 1024)) {
    return badRequest('The description must be a string of at most 1024 characters.');
  }
  if (v.enabled !== undefined && typeof v.enabled !== 'boolean') {
    return badRequest('"enabled" must be a boolean.');
  }
  let published: Awaited<ReturnType<typeof model.publish>>;
  try {
    published = await model.publish({
      name: v.name,
      type,
      content,
      ...(typeof v.desc === 'string' ? { desc: v.desc } : {}),
      ...(typeof v.enabled === 'boolean' ? { enabled: v.enabled } : {}),
    });
  } catch (e) {
    // What clients would refuse (a malformed name, a 1001st policy, an index over 1 MiB) is the
    // caller's to fix (docs/protocol.md §2.3).
    if (isSepmError(e) && e.code === 'ERR_MANAGER_POLICY_REFUSED') return badRequest(e.message);
    throw e;
  }
  if ('refused' in published) {
    return sepmError(409, 'A policy of this name is published with another type.');
  }
  return ok(summaryItem(model, published), 201, {
    Location: `${API_V1}/policies/raw/${type}/${published.id}`,
  });
}
