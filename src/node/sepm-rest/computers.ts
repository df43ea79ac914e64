/**
 * `GET /computers` and `GET /groups/{id}/computers` (docs/rest-api.md "Computers"): the
 * registered clients as SEPM `Computer` objects in a `PageObject`, with the spec's filters
 * (`computerName` and `mac` with `*`, `computer_id`, `hardware_key`, `domain`, `os`,
 * `lastUpdate`), paging (`pageIndex` from 1, `pageSize` 20) and sort (`COMPUTER_NAME`,
 * `COMPUTER_ID`, `COMPUTER_DOMAIN_NAME`, `DOMAIN_ID`; `ASC`/`DESC`).
 *
 * @module
 */
import type { SepmDomainRecord, SepmRegistrationRecord } from './model.js';
import { groupOf, groupSummary, type GroupNode, type GroupTree } from './groups.js';
import { compareText, int32Param, int64Param, orderParam, page, wildcard } from './paging.js';

/** The `os` values the spec lists for `GET /computers`. */
export const SEPM_OS_NAMES: ReadonlySet<string> = new Set([
  'CentOs',
  'Debian',
  'Fedora',
  'MacOSX',
  'Oracle',
  'OSX',
  'RedHat',
  'SUSE',
  'Ubuntu',
  'Win10',
  'Win11',
  'Win2K',
  'Win7',
  'Win8',
  'Win81',
  'WinEmb7',
  'WinEmb8',
  'WinEmb81',
  'WinFundamental',
  'WinNT',
  'Win2K3',
  'Win2K8',
  'Win2K8R2',
  'Win2K12',
  'Win2K12R2',
  'Win2K16',
  'Win2K19',
  'Win2K22',
  'WinVista',
  'WinXP',
  'WinXPEmb',
  'WinXPProf64',
]);

const SORT_KEYS = ['COMPUTER_NAME', 'COMPUTER_ID', 'COMPUTER_DOMAIN_NAME', 'DOMAIN_ID'] as const;
type SortKey = (typeof SORT_KEYS)[number];

/** SEPM `Computer` for a registration. */
export function computerJson(
  r: SepmRegistrationRecord,
  group: GroupNode,
  domain: SepmDomainRecord,
): Record<string, unknown> {
  const ips = [...(r.ipAddresses ?? [])];
  const json: Record<string, unknown> = {
    agentId: r.agentId,
    uniqueId: r.agentId,
    hardwareKey: r.hardwareKey ?? r.agentId,
    ipAddresses: ips,
    macAddresses: [...(r.macAddresses ?? [])],
    group: groupSummary(group, domain),
    creationTime: r.registeredAt,
    lastUpdateTime: lastUpdate(r),
  };
  if (r.computerName !== undefined) json.computerName = r.computerName;
  if (ips.length > 0) json.lastConnectedIpAddr = ips[0];
  if (r.operatingSystem !== undefined) json.operatingSystem = r.operatingSystem;
  return json;
}

function lastUpdate(r: SepmRegistrationRecord): number {
  return r.lastHeartbeat ?? r.registeredAt;
}

/** The `os` filter: repeated (`os=A&os=B`, `GET /computers`) or comma-separated (group). */
function osFilter(query: URLSearchParams): ReadonlySet<string> | undefined | 'bad' {
  const values = query
    .getAll('os')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  if (values.length === 0) return undefined;
  return values.every((v) => SEPM_OS_NAMES.has(v)) ? new Set(values) : 'bad';
}

function domainMatches(query: URLSearchParams, domain: SepmDomainRecord): boolean {
  const d = query.get('domain');
  if (d === null || d === '') return true;
  const l = d.toLowerCase();
  return l === domain.id.toLowerCase() || l === domain.name.toLowerCase();
}

/**
 * Filters, sorts and pages `candidates`; `undefined` when a parameter is invalid (the caller
 * answers 400). `byId`: honour `computer_id` / `hardware_key` (`GET /computers` only).
 */
export function computersPage(
  query: URLSearchParams,
  candidates: readonly SepmRegistrationRecord[],
  tree: GroupTree,
  domain: SepmDomainRecord,
  byId: boolean,
) {
  const pageIndex = int32Param(query, 'pageIndex', 1, 1);
  const pageSize = int32Param(query, 'pageSize', 20, 1);
  const since = int64Param(query, 'lastUpdate', 0);
  const order = orderParam(query);
  const sortName = (query.get('sort') || 'COMPUTER_NAME').toUpperCase();
  const os = osFilter(query);
  if (
    pageIndex === undefined ||
    pageSize === undefined ||
    since === undefined ||
    order === undefined ||
    os === 'bad' ||
    !(SORT_KEYS as readonly string[]).includes(sortName)
  ) {
    return undefined;
  }
  const sort = sortName as SortKey;
  let rows = domainMatches(query, domain) ? [...candidates] : [];
  const computerId = byId ? query.get('computer_id') || undefined : undefined;
  const hardwareKey = byId ? query.get('hardware_key') || undefined : undefined;
  if (computerId !== undefined) {
    // The spec: computer_id ignores every other condition but domain, feature and verbose.
    rows = rows.filter((r) => r.agentId.toLowerCase() === computerId.toLowerCase());
  } else if (hardwareKey !== undefined) {
    rows = rows.filter(
      (r) => (r.hardwareKey ?? r.agentId).toLowerCase() === hardwareKey.toLowerCase(),
    );
  } else {
    const name = query.get('computerName');
    if (name !== null && name !== '') rows = rows.filter((r) => wildcard(name)(r.computerName));
    const mac = query.get('mac');
    if (mac !== null && mac !== '') {
      const m = wildcard(mac);
      rows = rows.filter((r) => (r.macAddresses ?? []).some((a) => m(a)));
    }
    if (os !== undefined) rows = rows.filter((r) => os.has(r.operatingSystem ?? ''));
    if (since > 0) rows = rows.filter((r) => lastUpdate(r) >= since);
  }
  const key = (r: SepmRegistrationRecord): string =>
    sort === 'COMPUTER_ID' ? r.agentId : sort === 'COMPUTER_NAME' ? (r.computerName ?? '') : '';
  rows.sort((a, b) => {
    const c = compareText(key(a), key(b)) || compareText(a.agentId, b.agentId);
    return order === 'DESC' ? -c : c;
  });
  const content = rows.map((r) => computerJson(r, groupOf(tree, r), domain));
  return page(content, pageIndex, pageSize, { property: sort, direction: order });
}
