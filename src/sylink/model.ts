/**
 * The `sylink.xml` model: what a SEPM client needs to reach its managers (the site key `Kcs`,
 * the communication settings, the management server lists and the manager certificates), typed,
 * plus every part of the file this library does not interpret, kept in place so that
 * `buildSylink(parseSylink(x))` loses nothing.
 *
 * File layout (Symantec Connect "Sylink.xml and It's Contents", 2012; Broadcom KB 156653;
 * docs/sylink.md, "The model"):
 * ```
 * ServerSettings  DomainId NameSpace="rpc"
 *   CommConf
 *     AgentCommunicationSetting  Kcs CommunicationMode PushHeartbeatSeconds … ("0"/"1", seconds)
 *     ServerList  Name                         (one or more)
 *       ServerPriorityBlock  Name="Priority1"  (in priority order)
 *         Server  Address HttpPort HttpsPort HttpsVerifyCA VerifySignatures
 *     ServerCertList                           (this library's assumption, see below)
 *       Certificate  Name                      (base64 DER, or PEM)
 *     RegisterClient  PreferredGroup
 * ```
 * SEPM's files carry "the public certificate for all management servers" (KB 156653), but the
 * element that holds them is not public. `ServerCertList`/`Certificate` is **this library's
 * assumption**, documented in `docs/sylink.md`.
 *
 * @module
 */
import type { Kcs } from '../kcs.js';
import type { X509Certificate } from '../cert/x509.js';

/** An element this library does not interpret, kept verbatim (attributes in a plain record). */
export interface XmlElement {
  readonly type: 'element';
  /** The qualified name as written, e.g. `LogSetting` or `x:Thing`. */
  readonly name: string;
  /** Attributes by qualified name, including namespace declarations. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}

/** Character data (entity and character references already resolved). */
export interface XmlText {
  readonly type: 'text';
  readonly text: string;
}

/** A comment (`<!--text-->`). */
export interface XmlComment {
  readonly type: 'comment';
  readonly text: string;
}

/** A CDATA section (`<![CDATA[text]]>`). */
export interface XmlCData {
  readonly type: 'cdata';
  readonly text: string;
}

/** A processing instruction (`<?target body?>`); the XML declaration is not one. */
export interface XmlProcessingInstruction {
  readonly type: 'pi';
  readonly target: string;
  readonly body: string;
}

/** Any node kept verbatim. */
export type XmlNode = XmlElement | XmlText | XmlComment | XmlCData | XmlProcessingInstruction;

/**
 * The parts of one known element that the typed fields do not carry. Everything is optional:
 * a model built by hand (or by {@link createSylink}) has none of it, and `parseSylink` fills in
 * only what a file actually has.
 */
export interface ElementExtras {
  /** Attributes this library does not interpret, by qualified name. Written back verbatim. */
  readonly attributes?: Readonly<Record<string, string>>;
  /**
   * Known attributes whose text differs from this library's canonical form of the typed value
   * (for example `PushHeartbeatSeconds="0300"`). The builder writes the raw text back as long as
   * it still means the typed value; after the typed value changes, the canonical form wins.
   */
  readonly raw?: Readonly<Record<string, string>>;
  /**
   * Child nodes this library does not interpret (unknown elements, comments, text other than
   * indentation, CDATA, processing instructions), in document order.
   */
  readonly children?: readonly XmlNode[];
  /**
   * Where each child stood in the document: one token per child, the known element's name or
   * `'#'` for the next entry of {@link ElementExtras.children}. Absent when the document used
   * this library's canonical order. Entries added to the model later go after the last sibling
   * of the same kind.
   */
  readonly order?: readonly string[];
}

/** `CommunicationMode`: PUSH keeps a connection open so policy changes apply at once (KB 156653). */
export type CommunicationMode = 'PUSH' | 'PULL';

/**
 * The attributes of `AgentCommunicationSetting` other than `Kcs` (which is
 * {@link Sylink.kcs}). Booleans are the file's `"1"`/`"0"`; intervals are seconds. Each is
 * `undefined` when the attribute is absent.
 */
export interface CommunicationSettings {
  /** `AlwaysConnect`. */
  readonly alwaysConnect?: boolean;
  /** `CommunicationMode`. */
  readonly mode?: CommunicationMode;
  /** `DisableDownloadProfile`. */
  readonly disableDownloadProfile?: boolean;
  /** `PushHeartbeatSeconds`: heartbeat interval in PUSH mode. */
  readonly pushHeartbeatSeconds?: number;
  /**
   * `PullHeartbeatSeconds`: heartbeat interval in PULL mode. The attribute name is inferred
   * (the REST model has `pull_mode_heartbeat_freq_in_seconds`); it is not in the public sample.
   */
  readonly pullHeartbeatSeconds?: number;
  /** `RandomizationEnabled`. */
  readonly randomizationEnabled?: boolean;
  /** `RandomizationRange` (seconds). */
  readonly randomizationRange?: number;
  /** `RememberCurrentGroup`. */
  readonly rememberCurrentGroup?: boolean;
  /** `RememberCurrentPolicyMode`. */
  readonly rememberCurrentPolicyMode?: boolean;
  /** `UploadCmdStateHeartbeatSeconds`. */
  readonly uploadCmdStateHeartbeatSeconds?: number;
  /** `UploadLearnedApp`. */
  readonly uploadLearnedApp?: boolean;
  /** `UploadLogHeartbeatSeconds`. */
  readonly uploadLogHeartbeatSeconds?: number;
  /** `UploadOpStateHeartbeatSeconds`. */
  readonly uploadOpStateHeartbeatSeconds?: number;
  /** Unknown attributes and children of `AgentCommunicationSetting`. */
  readonly xml?: ElementExtras;
}

/** One `Server` of a priority block. */
export interface SylinkServer {
  /** `Address`: IP address or host name (not validated beyond being present). */
  readonly address: string;
  /** `HttpPort` (SEPM's default 8014). */
  readonly httpPort?: number;
  /** `HttpsPort` (443 by default on SEPM 14; the attribute name is inferred, KB 151377). */
  readonly httpsPort?: number;
  /** `HttpsVerifyCA`: verify the HTTPS certificate chain. */
  readonly httpsVerifyCA?: boolean;
  /** `VerifySignatures`: verify policy signatures against the sylink certificates. */
  readonly verifySignatures?: boolean;
  /** Unknown attributes and children of this `Server`. */
  readonly xml?: ElementExtras;
}

/** One `ServerPriorityBlock`: servers of equal priority (clients load-balance among them). */
export interface ServerPriorityBlock {
  /** `Name`, `Priority1`, `Priority2`, … as SEPM writes it. */
  readonly name?: string;
  readonly servers: readonly SylinkServer[];
  /** Unknown attributes and children of this block. */
  readonly xml?: ElementExtras;
}

/** One `ServerList` (a "management server list"), its priority blocks in order. */
export interface ServerList {
  /** `Name`, e.g. `Default Management Server List`. */
  readonly name?: string;
  readonly blocks: readonly ServerPriorityBlock[];
  /** Unknown attributes and children of this list. */
  readonly xml?: ElementExtras;
}

/** One manager certificate (`ServerCertList/Certificate`, this library's assumption). */
export interface SylinkCertificate {
  /** `Name` attribute (the builder of this library uses the server address). */
  readonly name: string;
  readonly certificate: X509Certificate;
  /** Unknown attributes and children of this `Certificate`. */
  readonly xml?: ElementExtras;
}

/** `RegisterClient`. */
export interface RegisterClient {
  /** `PreferredGroup`, e.g. `My Company\Default Group`. */
  readonly preferredGroup?: string;
  /** Unknown attributes (such as `PreferredMode`) and children. */
  readonly xml?: ElementExtras;
}

/** The lossless details of the document and of the two flattened containers. */
export interface SylinkExtras extends ElementExtras {
  /** Comments and processing instructions before the root element. */
  readonly prolog?: readonly XmlNode[];
  /** Comments and processing instructions after the root element. */
  readonly epilog?: readonly XmlNode[];
  /** Unknown attributes and children of `CommConf`, and the order of its children. */
  readonly commConf?: ElementExtras;
  /**
   * Unknown attributes and children of `ServerCertList`. Present when the file had that
   * element; the builder writes `ServerCertList` when this is present or there are certificates.
   */
  readonly certificateList?: ElementExtras;
}

/** A parsed or constructed `sylink.xml`. */
export interface Sylink {
  /** `DomainId` of the root: 32 upper-case hex digits in SEPM files; any string is kept. */
  readonly domainId: string;
  /** `NameSpace` of the root (`rpc` in SEPM files). */
  readonly nameSpace?: string;
  /** The site key, from `AgentCommunicationSetting/@Kcs`. */
  readonly kcs: Kcs;
  /** The other attributes of `AgentCommunicationSetting`. */
  readonly communication: CommunicationSettings;
  /** The management server lists, in document order. */
  readonly serverLists: readonly ServerList[];
  /** The manager certificates (`ServerCertList`), in document order. */
  readonly certificates: readonly SylinkCertificate[];
  /** `RegisterClient`, when present. */
  readonly registerClient?: RegisterClient;
  /** Unknown attributes and children of `ServerSettings`, and the document's other details. */
  readonly xml?: SylinkExtras;
}

/** Element names, as SEPM spells them. */
export const SYLINK_ELEMENTS = {
  root: 'ServerSettings',
  commConf: 'CommConf',
  communication: 'AgentCommunicationSetting',
  serverList: 'ServerList',
  block: 'ServerPriorityBlock',
  server: 'Server',
  certificateList: 'ServerCertList',
  certificate: 'Certificate',
  registerClient: 'RegisterClient',
} as const;
