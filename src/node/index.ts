/**
 * `sepm-crypto/node`: the Node.js facade (sites, managers, clients, CLI). The only part of the
 * library that does I/O.
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
} from './site.js';
export {
  importCertificate,
  dropCertificate,
  type ImportCertificateOptions,
  type ImportedCertificate,
} from './certificate_import.js';
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
} from './manager.js';
export type { PublishedPolicy, RegisteredClient } from './distribution.js';
export {
  createClient,
  type Client,
  type ClientOptions,
  type ClientPolicy,
  type ClientServer,
  type HeartbeatResult,
  type Registration,
  type TrustChange,
} from './client.js';
export {
  createEndorsement,
  verifyEndorsement,
  parseEndorsements,
  encodeEndorsements,
  ENDORSEMENTS_FILE,
  type SignedEndorsement,
  type VerifiedEndorsement,
  type EndorsementStatement,
} from './endorsement.js';
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
} from './protocol.js';
export {
  TLS_SERVER_PROFILE,
  TLS_CLIENT_PROFILE,
  TLS12_CIPHERS,
  TLS13_CIPHERS,
  TLS_CURVES,
} from './tls_profile.js';
export { writeFileAtomic, type WriteFileAtomicOptions } from './atomic_file.js';
export {
  hashPassword,
  type Role,
  type ScryptCredential,
  type ThrottleOptions,
} from './webservices/auth.js';
export {
  DEFAULT_API_VERSION,
  type ApiVersion,
  type ManagerServicesOptions,
} from './webservices/context.js';
export type { ReplicationReport } from './replication/replicator.js';
export {
  runDemo,
  demoLines,
  type DemoOptions,
  type DemoSummary,
  type DemoHeartbeat,
} from './cli/demo.js';
