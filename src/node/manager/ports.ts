/**
 * The five manager roles and their ports (Broadcom KB 158445 port table).
 *
 * @module
 */

/** The five manager ports, by role. */
export type PortName = 'client' | 'clientHttp' | 'manager' | 'reporting' | 'webServices';

/** Every port name, in the order servers are started. */
export const PORT_NAMES: readonly PortName[] = Object.freeze([
  'client',
  'clientHttp',
  'manager',
  'reporting',
  'webServices',
]);

/**
 * SEPM's default ports (Broadcom KB 158445): client-manager HTTPS 443 and HTTP 8014, manager and
 * console 8443, reporting 8445, web services (REST) 8446.
 */
export const DEFAULT_PORTS: Readonly<Record<PortName, number>> = Object.freeze({
  client: 443,
  clientHttp: 8014,
  manager: 8443,
  reporting: 8445,
  webServices: 8446,
});

/** The ports that speak TLS (all but `clientHttp`). */
export const HTTPS_PORTS: readonly PortName[] = Object.freeze([
  'client',
  'manager',
  'reporting',
  'webServices',
]);

/**
 * Port numbers by role, as given to `createManager`: a number (0 = any free port), or `false`
 * to bind nothing for that role (its handler can still be mounted elsewhere,
 * `Manager.handler(role)`). An omitted role takes its {@link DEFAULT_PORTS} entry.
 */
export type PortOptions = Partial<Record<PortName, number | false>>;

/**
 * Checks `ports` and resolves every role to a port number or `false`.
 *
 * @throws RangeError for a number outside [0, 65535]; TypeError for an unknown role or a value
 *   that is neither a number nor `false`.
 */
export function resolvePorts(ports: PortOptions | undefined): Record<PortName, number | false> {
  for (const key of Object.keys(ports ?? {})) {
    if (!PORT_NAMES.includes(key as PortName))
      throw new TypeError(`"ports.${key}" is not a manager port`);
  }
  const out = { ...DEFAULT_PORTS } as Record<PortName, number | false>;
  for (const name of PORT_NAMES) {
    const v = ports?.[name];
    if (v === undefined) continue;
    if (v === false) {
      out[name] = false;
      continue;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
      throw new RangeError(`"ports.${name}" expected an integer in [0, 65535], got ${String(v)}`);
    }
    out[name] = v;
  }
  return out;
}
