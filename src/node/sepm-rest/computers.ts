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
import { groupSummary, type GroupNode } from './groups.js';
import type { ComputerRow } from './directory.js';
import {
  compareLowered,
  int32Param,
  int64Param,
  orderParam,
  pageOf,
  pageWindow,
  wildcard,
} from './paging.js';
import { sortedRange, type Compare } from './select.js';

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

type Row = ComputerRow;

// `compareText` on the sort key, then on the agent id (unique: the order is total), with the
// lower-cased keys computed once per row instead of twice per comparison.
function rowOrder(sort: SortKey, order: 'ASC' | 'DESC'): Compare<Row> {
  const sign = order === 'DESC' ? -1 : 1;
  const byName = sort === 'COMPUTER_NAME';
  return (a, b) => {
    const c =
      (byName ? compareLowered(a.nameKey, a.name, b.nameKey, b.name) : 0) ||
      compareLowered(a.idKey, a.record.agentId, b.idKey, b.record.agentId);
    return sign * c;
  };
}

// The rows the filters keep; `rows` itself (not copied) when none applies.
function filtered(
  query: URLSearchParams,
  rows: readonly Row[],
  os: ReadonlySet<string> | undefined,
  since: number,
  byId: boolean,
): readonly Row[] {
  const computerId = byId ? query.get('computer_id') || undefined : undefined;
  const hardwareKey = byId ? query.get('hardware_key') || undefined : undefined;
  if (computerId !== undefined) {
    // The spec: computer_id ignores every other condition but domain, feature and verbose.
    const want = computerId.toLowerCase();
    return rows.filter((r) => r.idKey === want);
  }
  if (hardwareKey !== undefined) {
    const want = hardwareKey.toLowerCase();
    return rows.filter((r) => (r.record.hardwareKey ?? r.record.agentId).toLowerCase() === want);
  }
  let out = rows;
  const name = query.get('computerName');
  if (name !== null && name !== '') {
    const m = wildcard(name);
    out = out.filter((r) => m(r.record.computerName));
  }
  const mac = query.get('mac');
  if (mac !== null && mac !== '') {
    const m = wildcard(mac);
    out = out.filter((r) => (r.record.macAddresses ?? []).some((a) => m(a)));
  }
  if (os !== undefined) out = out.filter((r) => os.has(r.record.operatingSystem ?? ''));
  if (since > 0) out = out.filter((r) => lastUpdate(r.record) >= since);
  return out;
}

/**
 * Filters, sorts and pages `candidates`; `undefined` when a parameter is invalid (the caller
 * answers 400). `byId`: honour `computer_id` / `hardware_key` (`GET /computers` only). Only
 * the page is sorted and turned into JSON (`sortedRange`).
 */
export function computersPage(
  query: URLSearchParams,
  candidates: readonly ComputerRow[],
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
  const rows = domainMatches(query, domain) ? filtered(query, candidates, os, since, byId) : [];
  const { from, to } = pageWindow(pageIndex, pageSize);
  const content = sortedRange([...rows], from, to, rowOrder(sort, order)).map((r) =>
    computerJson(r.record, r.group, domain),
  );
  return pageOf(rows.length, content, pageIndex, pageSize, { property: sort, direction: order });
}
