/**
 * The manager: `createManager` and what it takes and gives.
 *
 * @module
 */
export {
  createManager,
  type Manager,
  type ManagerAddress,
  type PublishPolicyOptions,
} from './manager.js';
export {
  DEFAULT_LIMITS,
  type ManagerOptions,
  type ManagerSite,
  type ManagerHandler,
  type ManagerPeer,
  type ManagerLimits,
} from './options.js';
export {
  PORT_NAMES,
  DEFAULT_PORTS,
  HTTPS_PORTS,
  type PortName,
  type PortOptions,
} from './ports.js';
export type { PublishedPolicy, RegisteredClient, PolicyMeta } from './policy_store.js';
export {
  memoryStore,
  fileStore,
  STATE_DIR,
  type ManagerStore,
  type ManagerState,
  type SavedPolicy,
  type SavedClient,
} from './state/store.js';
export type { PeerListing } from './state/peer_listings.js';
