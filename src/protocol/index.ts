/**
 * This library's client-manager protocol (docs/protocol.md), pure: request paths, the signed
 * policy index, the registration answer and key-continuity endorsements. The Node facade
 * (`src/node/`) serves and fetches these messages; nothing here does I/O.
 *
 * @module
 */
export {
  PATH_HELLO,
  PATH_REGISTER,
  PATH_INDEX,
  PATH_ENDORSEMENTS,
  PATH_POLICY_PREFIX,
  PROTOCOL_VERSION,
  MAX_POLICY_NAME,
  isPolicyName,
  policyPath,
} from './paths.js';
export {
  INDEX_FORMAT,
  SIGNED_INDEX_FORMAT,
  MAX_INDEX_BYTES,
  MAX_INDEX_ENTRIES,
  MAX_REGISTRATION_BYTES,
  parseSignedIndexEnvelope,
  parseIndex,
  encodeIndex,
  encodeSignedIndexEnvelope,
  parseRegistration,
  type IndexEntry,
  type PolicyIndex,
  type SignedIndexEnvelope,
  type RegistrationResponse,
} from './index_codec.js';
export {
  ENDORSEMENT_FORMAT,
  ENDORSEMENT_LIST_FORMAT,
  ENDORSEMENTS_FILE,
  MAX_ENDORSEMENTS,
  MAX_ENDORSEMENTS_BYTES,
  DEFAULT_ENDORSEMENT_VALIDITY_MS,
  MAX_ENDORSEMENT_VALIDITY_MS,
  ENDORSEMENT_CLOCK_SKEW_MS,
  createEndorsement,
  encodeEndorsements,
  parseEndorsements,
  verifyEndorsement,
  endorsedCertificates,
  isCertificate,
  type SignedEndorsement,
  type EndorsementStatement,
  type VerifiedEndorsement,
  type VerifyEndorsementOptions,
} from './endorsement.js';
export {
  CLIENT_STATE_FORMAT,
  checkIndexMarks,
  advanceMarks,
  emptyClientMarks,
  checkClientMarks,
  isPolicyMark,
  type PolicyMark,
  type SiteMarks,
  type ClientMarks,
  type MarkCheckOptions,
} from './high_water.js';
export {
  signIndex,
  verifyIndexSignature,
  signReplicationIndex,
  verifyReplicationSignature,
} from './index_signature.js';
