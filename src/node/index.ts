/**
 * `sepm-crypto/node`: the Node.js facade (sites, managers, clients, CLI). The only part of the
 * library that does I/O. Everything of the root entry, then an explicit list of the Node parts:
 * internals (the response layer, the pinned-TLS client, the policy store, the roles) are not
 * exported. The public surface is recorded in `api/sepm-crypto-node.api.md`.
 *
 * @module
 */
export * from '../index.js';
export {
  createSite,
  loadSite,
  SITE_FILES,
  SECRET_FILE_MODE,
  KEYSTORE_ALIAS,
  type Site,
  type SiteConfig,
  type AdminCredential,
  type CreateSiteOptions,
  type CreatedSite,
  type LoadSiteOptions,
} from './site/site.js';
export {
  importCertificate,
  dropCertificate,
  type ImportCertificateOptions,
  type ImportedCertificate,
} from './site/import.js';
export {
  createManager,
  DEFAULT_PORTS,
  PORT_NAMES,
  HTTPS_PORTS,
  type Manager,
  type ManagerOptions,
  type ManagerSite,
  type ManagerHandler,
  type ManagerPeer,
  type ManagerLimits,
  type ManagerAddress,
  type PortName,
  type PortOptions,
  type PublishedPolicy,
  type PublishPolicyOptions,
  type RegisteredClient,
  type PolicyMeta,
  memoryStore,
  fileStore,
  STATE_DIR,
  type ManagerStore,
  type ManagerState,
  type SavedPolicy,
  type SavedClient,
  type PeerListing,
} from './manager/index.js';
export {
  SEPM_POLICY_TYPES,
  DEFAULT_SEPM_POLICY_TYPE,
  isSepmPolicyType,
  type SepmPolicyType,
} from './sepm-rest/policy_types.js';
export {
  createClient,
  type Client,
  type ClientOptions,
  type ClientPolicy,
  type ClientServer,
  type HeartbeatResult,
  type Registration,
  type TrustChange,
  type ClientStateStore,
} from './client/client.js';
export { fileClientState } from './client/file_state.js';
export type { ClientMarks, SiteMarks, PolicyMark } from '../protocol/index.js';
export {
  createEndorsement,
  verifyEndorsement,
  parseEndorsements,
  encodeEndorsements,
  ENDORSEMENTS_FILE,
  type SignedEndorsement,
  type VerifiedEndorsement,
  type EndorsementStatement,
} from '../protocol/index.js';
export {
  PATH_HELLO,
  PATH_REGISTER,
  PATH_INDEX,
  PATH_POLICY_PREFIX,
  PATH_ENDORSEMENTS,
  PROTOCOL_VERSION,
  type PolicyIndex,
  type IndexEntry,
  type SignedIndexEnvelope,
} from '../protocol/index.js';
export {
  TLS_SERVER_PROFILE,
  TLS_CLIENT_PROFILE,
  TLS12_CIPHERS,
  TLS13_CIPHERS,
  TLS_CURVES,
} from './http/tls_profile.js';
export { writeFileAtomic, type WriteFileAtomicOptions } from './site/atomic_file.js';
export {
  hashPassword,
  type Role,
  type ScryptCredential,
  type ThrottleOptions,
} from './manager/auth.js';
export {
  DEFAULT_API_VERSION,
  type ApiVersion,
  type ManagerServicesOptions,
} from './manager/context.js';
export type { ReplicationReport } from './manager/replication/replicator.js';
export {
  runDemo,
  demoLines,
  type DemoOptions,
  type DemoSummary,
  type DemoHeartbeat,
} from './cli/demo.js';
