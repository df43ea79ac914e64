/**
 * The request paths of this library's client-manager distribution protocol (docs/protocol.md §2)
 * and the policy-name rule. SEPM's own wire protocol is not public; only the health check path
 * `/secars/secars.dll?hello,secars` and the `secars`/`secreg` names come from it.
 *
 * @module
 */

/** Health check used by admins; answers `OK` (docs/protocol.md §2.1). */
export const PATH_HELLO = '/secars/secars.dll?hello,secars';
/** Registration: `POST` a JSON body, get a client id (docs/protocol.md §2.2). */
export const PATH_REGISTER = '/secreg/register';
/** The signed index of published policies (docs/protocol.md §2.3). */
export const PATH_INDEX = '/secars/index';
/**
 * Endorsements of the current certificate by the previous one, during a certificate change
 * (docs/protocol.md §2.5): a JSON list, empty when there are none.
 */
export const PATH_ENDORSEMENTS = '/secars/endorsements';
/** Prefix of sealed policy downloads; the name follows, percent-encoded (docs/protocol.md §2.4). */
export const PATH_POLICY_PREFIX = '/secars/policies/';

/**
 * The protocol version this library speaks: 2 since every signature carries its purpose
 * (docs/protocol.md §4); version 1 documents are refused.
 */
export const PROTOCOL_VERSION = 2;
/** Longest policy name, in UTF-16 code units. */
export const MAX_POLICY_NAME = 128;

// Control characters are exactly what this pattern exists to refuse. In `u` mode a surrogate
// pair is one code point outside D800-DFFF, so only a lone surrogate matches that range.
// eslint-disable-next-line no-control-regex
const NAME_RE = /^[^\u0000-\u001f\u007f/\\\ud800-\udfff]+$/u;

/**
 * Whether `name` is a valid policy name: 1..128 characters, well-formed Unicode (no lone
 * surrogate: such a name has no UTF-8 form, so `encodeURIComponent` throws on it and two of them
 * would share one UTF-8 encoding, hence one REST id), no control characters, no slash or
 * backslash (names become URL path segments and, on clients, file names).
 */
export function isPolicyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length >= 1 &&
    name.length <= MAX_POLICY_NAME &&
    NAME_RE.test(name) &&
    name === name.trim()
  );
}

/** The request path of a policy download. */
export function policyPath(name: string): string {
  return PATH_POLICY_PREFIX + encodeURIComponent(name);
}
