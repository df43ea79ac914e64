/**
 * Attribute codecs and the attribute tables of the known sylink elements, shared by the parser
 * and the builder so that the two can never disagree on a name or a form.
 *
 * Forms (docs/sylink.md, "Value forms"): booleans are `"0"`/`"1"` strings whose meaning follows the
 * attribute name (the Connect article's opposite legend is unreliable); intervals are decimal
 * seconds; ports are decimal 1..65535; the mode is `PUSH` or `PULL`.
 *
 * @module
 */

/** How one typed value is read from and written to attribute text. */
export interface Codec<T> {
  /** The typed value, or `undefined` when `raw` is not of the expected form. */
  parse(raw: string): T | undefined;
  /** The canonical text. */
  format(value: T): string;
  /** The expected form, for error messages. */
  readonly form: string;
}

/** The file's booleans: exactly `"1"` or `"0"`. */
export const BOOL: Codec<boolean> = {
  parse: (raw) => (raw === '1' ? true : raw === '0' ? false : undefined),
  format: (value) => (value ? '1' : '0'),
  form: '"0" or "1"',
};

function decimal(max: number, min: number, form: string): Codec<number> {
  return {
    // Digits only: no sign, no spaces, no exponent, so that "1e3" or " 80" is refused rather than
    // read differently from SEPM.
    parse: (raw) => {
      if (!/^[0-9]{1,10}$/.test(raw)) return undefined;
      const n = Number(raw);
      return n >= min && n <= max ? n : undefined;
    },
    format: (value) => String(value),
    form,
  };
}

/** Seconds: decimal 0..2^31-1. */
export const SECONDS = decimal(0x7fffffff, 0, 'decimal seconds 0..2147483647');
/** A TCP port: decimal 1..65535. */
export const PORT = decimal(65535, 1, 'a decimal port 1..65535');

/** `CommunicationMode`. */
export const MODE: Codec<'PUSH' | 'PULL'> = {
  parse: (raw) => (raw === 'PUSH' || raw === 'PULL' ? raw : undefined),
  format: (value) => value,
  form: '"PUSH" or "PULL"',
};

/** Any string, kept as is. */
export const TEXT: Codec<string> = {
  parse: (raw) => raw,
  format: (value) => value,
  form: 'text',
};

/** One known attribute: its name in the file, its key in the model, its codec. */
export interface AttributeSpec {
  readonly attr: string;
  readonly key: string;
  readonly codec: Codec<never> | Codec<string> | Codec<number> | Codec<boolean>;
}

const spec = <T>(attr: string, key: string, codec: Codec<T>): AttributeSpec => ({
  attr,
  key,
  codec: codec as unknown as AttributeSpec['codec'],
});

/** `AgentCommunicationSetting` (all but `Kcs`, which is handled on its own). */
export const COMMUNICATION_ATTRIBUTES: readonly AttributeSpec[] = [
  spec('AlwaysConnect', 'alwaysConnect', BOOL),
  spec('CommunicationMode', 'mode', MODE),
  spec('DisableDownloadProfile', 'disableDownloadProfile', BOOL),
  spec('PullHeartbeatSeconds', 'pullHeartbeatSeconds', SECONDS),
  spec('PushHeartbeatSeconds', 'pushHeartbeatSeconds', SECONDS),
  spec('RandomizationEnabled', 'randomizationEnabled', BOOL),
  spec('RandomizationRange', 'randomizationRange', SECONDS),
  spec('RememberCurrentGroup', 'rememberCurrentGroup', BOOL),
  spec('RememberCurrentPolicyMode', 'rememberCurrentPolicyMode', BOOL),
  spec('UploadCmdStateHeartbeatSeconds', 'uploadCmdStateHeartbeatSeconds', SECONDS),
  spec('UploadLearnedApp', 'uploadLearnedApp', BOOL),
  spec('UploadLogHeartbeatSeconds', 'uploadLogHeartbeatSeconds', SECONDS),
  spec('UploadOpStateHeartbeatSeconds', 'uploadOpStateHeartbeatSeconds', SECONDS),
];

/** `Server` (`Address` is required and handled by the parser; it is listed for the builder). */
export const SERVER_ATTRIBUTES: readonly AttributeSpec[] = [
  spec('Address', 'address', TEXT),
  spec('HttpPort', 'httpPort', PORT),
  spec('HttpsPort', 'httpsPort', PORT),
  spec('HttpsVerifyCA', 'httpsVerifyCA', BOOL),
  spec('VerifySignatures', 'verifySignatures', BOOL),
];

/** `ServerList` and `ServerPriorityBlock`. */
export const NAME_ATTRIBUTES: readonly AttributeSpec[] = [spec('Name', 'name', TEXT)];

/** `RegisterClient`. */
export const REGISTER_CLIENT_ATTRIBUTES: readonly AttributeSpec[] = [
  spec('PreferredGroup', 'preferredGroup', TEXT),
];

/** The attribute names of the root that the model types. */
export const ROOT_ATTRIBUTES = { domainId: 'DomainId', nameSpace: 'NameSpace' } as const;
/** The attribute of `AgentCommunicationSetting` holding the site key. */
export const KCS_ATTRIBUTE = 'Kcs';
/** The attribute of `Certificate` holding its name. */
export const CERTIFICATE_NAME_ATTRIBUTE = 'Name';
