/**
 * `sylink.xml`: the safe parser, the typed lossless model, the builder, and helpers for new
 * files. See `docs/sylink.md`.
 *
 * @module
 */
export { parseSylink, SYLINK_DEFAULT_LIMITS, type ParseSylinkOptions } from './parse.js';
export { buildSylink } from './build.js';
export {
  createSylink,
  trustedCertificates,
  withCertificate,
  withoutCertificate,
  serversInPriorityOrder,
  SYLINK_DEFAULT_COMMUNICATION,
  SYLINK_DEFAULT_PORTS,
  type CreateSylinkOptions,
  type CreateSylinkServer,
  type PrioritizedServer,
} from './create.js';
export {
  SYLINK_ELEMENTS,
  type Sylink,
  type CommunicationMode,
  type CommunicationSettings,
  type ServerList,
  type ServerPriorityBlock,
  type SylinkServer,
  type SylinkCertificate,
  type RegisterClient,
  type ElementExtras,
  type SylinkExtras,
  type XmlNode,
  type XmlElement,
  type XmlText,
  type XmlComment,
  type XmlCData,
  type XmlProcessingInstruction,
} from './model.js';
