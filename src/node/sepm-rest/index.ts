/**
 * SEPM's REST API (docs/rest-api.md) over a narrow model of a manager: the handler, its
 * `node:http` adapter, the model and auth interfaces, and SEPM's policy types.
 *
 * @module
 */
export { createSepmRestHandler, type SepmRestHandler, type SepmRestOptions } from './router.js';
export { sepmRestListener, type SepmRestListener } from './listener.js';
export type { RestRequest, RestResponse } from './exchange.js';
export type {
  SepmRestModel,
  SepmRestAuth,
  SepmAuthOutcome,
  SepmSession,
  SepmDomainRecord,
  SepmPolicyRecord,
  SepmRegistrationRecord,
  SepmServerRecord,
  SepmReplicationRecord,
  SepmReplicationPartner,
  SepmReplicationStatusCode,
  SepmPublishInput,
  SepmPublishRefusal,
} from './model.js';
export {
  SEPM_POLICY_TYPES,
  DEFAULT_SEPM_POLICY_TYPE,
  isSepmPolicyType,
  type SepmPolicyType,
} from './policy_types.js';
export { isSepmPolicyName } from './policies.js';
export { SEPM_MESSAGES, type SepmErrorBody } from './errors.js';
export { groupId, groupPath, ROOT_GROUP, DEFAULT_GROUP } from './groups.js';
