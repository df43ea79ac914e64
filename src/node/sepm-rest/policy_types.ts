/**
 * SEPM's policy types, the values of `{policy_type}` in `/policies/summary/{policy_type}` and
 * `/policies/raw/{policy_type}/{id}` (docs/rest-api.md "Policy types").
 *
 * @module
 */

/**
 * The policy types SEPM's REST API names (docs/rest-api.md "Policy types": the spec's lists for
 * location policies (`av, fw, ips, adc, hi, hid, mem, lu, exceptions`), group policies
 * (`lucontent, customips`) and the per-type policy resources (`tdad`, `upgrade`)).
 */
export const SEPM_POLICY_TYPES = Object.freeze([
  'av',
  'fw',
  'ips',
  'adc',
  'hi',
  'hid',
  'mem',
  'lu',
  'exceptions',
  'lucontent',
  'customips',
  'tdad',
  'upgrade',
] as const);

/** One of {@link SEPM_POLICY_TYPES}. */
export type SepmPolicyType = (typeof SEPM_POLICY_TYPES)[number];

/**
 * The type a policy gets when it is published without one: `av` (Virus and Spyware Protection,
 * the first type in every list of the spec). docs/rest-api.md "Policy types".
 */
export const DEFAULT_SEPM_POLICY_TYPE: SepmPolicyType = 'av';

const TYPES: ReadonlySet<string> = new Set(SEPM_POLICY_TYPES);

/** Whether `value` is one of SEPM's policy types (exact, lower case, as SEPM's paths use them). */
export function isSepmPolicyType(value: unknown): value is SepmPolicyType {
  return typeof value === 'string' && TYPES.has(value);
}
