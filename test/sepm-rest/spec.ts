// The SEPM REST contract for the tests: the merged Swagger 2.0 of Broadcom's published specs
// (test/vectors/sepm-rest/, see test/vectors/README.md), compiled with Ajv for JSON Schema
// draft-04 (Swagger 2.0's schema dialect). Every response body a test sees goes through
// `checkAnswer`, which fails on anything the spec does not allow.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvDraft04, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';

// ajv-draft-04 is CommonJS: under NodeNext its default import is module.exports, whose
// `default` is the class.
const Ajv = AjvDraft04.default;
type Ajv = InstanceType<typeof Ajv>;

export const SPEC_FILE = fileURLToPath(
  new URL('../vectors/sepm-rest/OpenAPI_SEPM_full.json', import.meta.url),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Operation {
  responses: Record<string, { schema?: Json }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, Json>;
}

export const spec: Spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8'));

const SCHEMA_ID = 'sepm.json';

// Closed world: an object definition that lists its properties allows no others, so a field
// name the spec does not have (a typo, a case slip) fails instead of passing unnoticed.
function closed(node: Json): Json {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === 'properties' ? mapValues(v as { [k: string]: Json }, closed) : closed(v);
  }
  if ('properties' in node && !('additionalProperties' in node)) out.additionalProperties = false;
  return out;
}
function mapValues(o: { [k: string]: Json }, f: (v: Json) => Json): { [k: string]: Json } {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

// Swagger's local references point into the spec document; here it is registered as SCHEMA_ID.
function rebase(node: Json): Json {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? SCHEMA_ID + v : rebase(v);
  }
  return out;
}

const INT32 = [-(2 ** 31), 2 ** 31 - 1] as const;

function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Swagger 2.0 formats: the integer ranges are the point (JSON numbers beyond 2^53 lose
  // precision in JavaScript, so int64 is checked as a safe integer).
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= INT32[0] && n <= INT32[1],
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addSchema({ id: SCHEMA_ID, definitions: closed(spec.definitions) } as object);
  return ajv;
}

const ajv = makeAjv();
const compiled = new Map<string, ValidateFunction>();

function validator(schema: Json): ValidateFunction {
  const key = JSON.stringify(schema);
  const known = compiled.get(key);
  if (known !== undefined) return known;
  const v = ajv.compile(rebase(closed(schema)) as object);
  compiled.set(key, v);
  return v;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    .join('; ');
}

/** Errors of `value` against `#/definitions/<name>` (empty when valid). */
export function definitionErrors(name: string, value: unknown): string {
  if (!(name in spec.definitions)) throw new Error(`no definition ${name}`);
  const v = validator({ $ref: `#/definitions/${name}` });
  return v(value) ? '' : describe(v.errors);
}

/** SEPM's error body (live capture in docs/rest-api.md "Errors"): nothing more, nothing less. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['errorCode', 'appErrorCode', 'errorMessage'],
  additionalProperties: false,
  properties: {
    errorCode: { type: 'string', pattern: '^[0-9]{3}$' },
    appErrorCode: { type: 'string' },
    errorMessage: { type: 'string', minLength: 1 },
  },
} as const;
const errorValidator = new Ajv({ allErrors: true }).compile(ERROR_SCHEMA);

/** A spec path (`/api/v1/groups/{groupId}`) as a matcher of real paths (`/sepm/api/v1/...`). */
function templateRe(template: string): RegExp {
  const body = template
    .split(/\{[^}]+\}/)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^/sepm${body}$`);
}

const TEMPLATES = Object.keys(spec.paths)
  .map((t) => ({ t, re: templateRe(t) }))
  // Literal segments first: `/policies/summary/{type}` must not take `/policies/summary`.
  .sort((a, b) => b.t.replace(/\{[^}]+\}/g, '').length - a.t.replace(/\{[^}]+\}/g, '').length);

/** The spec's path template and operation for a request, if the spec has one. */
export function operationOf(
  method: string,
  path: string,
): { template: string; op: Operation } | undefined {
  const m = (method === 'HEAD' ? 'get' : method).toLowerCase();
  for (const { t, re } of TEMPLATES) {
    if (re.test(path) && spec.paths[t]![m] !== undefined)
      return { template: t, op: spec.paths[t]![m]! };
  }
  return undefined;
}

/**
 * Where the spec gives no schema (`/policies/summary`), or leaves page items as bare objects,
 * the definition the answer is checked against (docs/rest-api.md, "spec" column).
 */
const BODY_DEFINITION: Record<string, string> = {
  'get /api/v1/policies/summary': 'PagePolicySummary',
  'get /api/v1/policies/summary/{policy_type}': 'PagePolicySummary',
};
const ITEM_DEFINITION: Record<string, string> = {
  'get /api/v1/groups': 'Group',
  'get /api/v1/groups/{groupId}/computers': 'Computer',
  'get /api/v1/computers': 'Computer',
};
/** This library's own calls (not in the spec) and what they answer. */
const OWN_CALLS: readonly { method: string; re: RegExp; definition?: string }[] = [
  { method: 'POST', re: /^\/sepm\/api\/v1\/policies\/raw\/[^/]+$/, definition: 'PolicySummary' },
  { method: 'DELETE', re: /^\/sepm\/api\/v1\/policies\/raw\/[^/]+\/[^/]+$/ },
];

/**
 * Statuses SEPM documents for every call (400, 401, 404, 500) and those this library adds
 * (docs/rest-api.md "Errors"); an error body must be SEPM's in any case.
 */
const ERROR_STATUSES = new Set([400, 401, 403, 404, 405, 409, 410, 413, 415, 429, 500, 503]);

/** Every (method, spec template) a checked answer came from: the coverage test reads it. */
export const seen = new Set<string>();

/**
 * Throws unless the answer is what the spec allows: a documented success with a body that
 * validates against its schema (closed world, int32/int64 ranges), or an error status with
 * SEPM's error body.
 */
export function checkAnswer(method: string, path: string, status: number, body: Buffer): void {
  const text = body.toString('utf8');
  const where = `${method} ${path} -> ${status}`;
  if (status >= 400) {
    if (!ERROR_STATUSES.has(status)) throw new Error(`${where}: status not documented`);
    if (method === 'HEAD') return;
    const value: unknown = JSON.parse(text);
    if (!errorValidator(value)) throw new Error(`${where}: ${describe(errorValidator.errors)}`);
    if ((value as { errorCode: string }).errorCode !== String(status)) {
      throw new Error(`${where}: errorCode is not the status`);
    }
    return;
  }
  const own = OWN_CALLS.find((c) => c.method === method && c.re.test(path));
  if (own !== undefined) {
    seen.add(`${method} own:${own.re.source}`);
    if (own.definition === undefined) {
      if (text !== '') throw new Error(`${where}: expected no body`);
      return;
    }
    const errs = definitionErrors(own.definition, JSON.parse(text));
    if (errs !== '') throw new Error(`${where}: ${errs}`);
    return;
  }
  const found = operationOf(method, path);
  if (found === undefined) throw new Error(`${where}: not in the spec`);
  const { template, op } = found;
  const key = `${(method === 'HEAD' ? 'GET' : method).toLowerCase()} ${template}`;
  seen.add(key);
  const documented = op.responses[String(status)];
  if (documented === undefined) throw new Error(`${where}: status not in the spec for ${template}`);
  if (status === 204 || method === 'HEAD') {
    if (text !== '') throw new Error(`${where}: expected no body`);
    return;
  }
  const value: unknown = JSON.parse(text);
  const schema: Json | undefined =
    BODY_DEFINITION[key] !== undefined
      ? { $ref: `#/definitions/${BODY_DEFINITION[key]}` }
      : documented.schema;
  if (schema === undefined) throw new Error(`${where}: the spec has no schema and none is mapped`);
  const v = validator(schema);
  if (!v(value)) throw new Error(`${where}: ${describe(v.errors)}`);
  const item = ITEM_DEFINITION[key];
  if (item !== undefined) {
    for (const [i, c] of ((value as { content: unknown[] }).content ?? []).entries()) {
      const errs = definitionErrors(item, c);
      if (errs !== '') throw new Error(`${where}: content[${i}]: ${errs}`);
    }
  }
}
