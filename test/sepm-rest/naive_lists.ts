// The REST group and computer lists as they were written before they were made to scale
// (sort everything, build everything, then cut the page): the reference the scaled lists must
// match byte for byte (list-order.test.ts). Slow on purpose; never used by the library.
import type {
  SepmDomainRecord,
  SepmRegistrationRecord,
  SepmRestModel,
} from '../../src/node/sepm-rest/index.js';
import { DEFAULT_GROUP, groupId, groupPath, ROOT_GROUP } from '../../src/node/sepm-rest/index.js';
import { compareText, page, wildcard } from '../../src/node/sepm-rest/paging.js';

interface Node {
  id: string;
  name: string;
  fullPathName: string;
  parent: string | undefined;
  created: number;
  computers: SepmRegistrationRecord[];
}
type Tree = Map<string, Node>;

function tree(domain: SepmDomainRecord, regs: readonly SepmRegistrationRecord[]): Tree {
  const t = new Map<string, Node>();
  const ensure = (path: string, created: number): Node => {
    const found = t.get(path.toLowerCase());
    if (found !== undefined) {
      if (created < found.created) found.created = created;
      return found;
    }
    const cut = path.lastIndexOf('\\');
    const parent = cut < 0 ? undefined : ensure(path.slice(0, cut), created);
    const node: Node = {
      id: groupId(path),
      name: cut < 0 ? path : path.slice(cut + 1),
      fullPathName: path,
      parent: parent?.fullPathName.toLowerCase(),
      created,
      computers: [],
    };
    t.set(path.toLowerCase(), node);
    return node;
  };
  ensure(ROOT_GROUP, domain.createdTime ?? 0);
  ensure(DEFAULT_GROUP, domain.createdTime ?? 0);
  for (const r of [...regs].sort((a, b) => a.registeredAt - b.registeredAt)) {
    ensure(groupPath(r.preferredGroup), r.registeredAt).computers.push(r);
  }
  return new Map([...t].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function groupJson(n: Node, d: SepmDomainRecord, children?: Tree): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: n.id,
    name: n.name,
    description: '',
    fullPathName: n.fullPathName,
    numberOfPhysicalComputers: n.computers.length,
    numberOfRegisteredUsers: 0,
    created: n.created,
    lastModified: n.created,
    domain: { id: d.id, name: d.name },
    policyInheritanceEnabled: n.parent !== undefined,
  };
  if (children !== undefined) {
    const key = n.fullPathName.toLowerCase();
    json.childGroups = [...children.values()]
      .filter((c) => c.parent === key)
      .map((c) => groupJson(c, d, children));
  }
  return json;
}

function computerJson(r: SepmRegistrationRecord, t: Tree, d: SepmDomainRecord) {
  const g = t.get(groupPath(r.preferredGroup).toLowerCase())!;
  const ips = [...(r.ipAddresses ?? [])];
  const json: Record<string, unknown> = {
    agentId: r.agentId,
    uniqueId: r.agentId,
    hardwareKey: r.hardwareKey ?? r.agentId,
    ipAddresses: ips,
    macAddresses: [...(r.macAddresses ?? [])],
    group: {
      id: g.id,
      name: g.name,
      fullPathName: g.fullPathName,
      domain: { id: d.id, name: d.name },
    },
    creationTime: r.registeredAt,
    lastUpdateTime: r.lastHeartbeat ?? r.registeredAt,
  };
  if (r.computerName !== undefined) json.computerName = r.computerName;
  if (ips.length > 0) json.lastConnectedIpAddr = ips[0];
  if (r.operatingSystem !== undefined) json.operatingSystem = r.operatingSystem;
  return json;
}

/** Valid parameters only (the reference does not answer 400s). */
export interface ListQuery {
  pageIndex: number;
  pageSize: number;
  order: 'ASC' | 'DESC';
  computerSort: 'COMPUTER_NAME' | 'COMPUTER_ID' | 'COMPUTER_DOMAIN_NAME' | 'DOMAIN_ID';
  groupSort: 'name' | 'fullPathName' | 'id';
  computerName?: string;
  lastUpdate?: number;
}

function computers(
  regs: readonly SepmRegistrationRecord[],
  t: Tree,
  d: SepmDomainRecord,
  q: ListQuery,
) {
  let rows = [...regs];
  if (q.computerName !== undefined)
    rows = rows.filter((r) => wildcard(q.computerName!)(r.computerName));
  if (q.lastUpdate !== undefined) {
    rows = rows.filter((r) => (r.lastHeartbeat ?? r.registeredAt) >= q.lastUpdate!);
  }
  const key = (r: SepmRegistrationRecord): string =>
    q.computerSort === 'COMPUTER_ID'
      ? r.agentId
      : q.computerSort === 'COMPUTER_NAME'
        ? (r.computerName ?? '')
        : '';
  rows.sort((a, b) => {
    const c = compareText(key(a), key(b)) || compareText(a.agentId, b.agentId);
    return q.order === 'DESC' ? -c : c;
  });
  const content = rows.map((r) => computerJson(r, t, d));
  return page(content, q.pageIndex, q.pageSize, { property: q.computerSort, direction: q.order });
}

/** The answers (JSON bodies) of the lists for `q`, by request path. */
export function naiveAnswers(model: SepmRestModel, q: ListQuery): Map<string, unknown> {
  const d = model.domain();
  const regs = model.registrations();
  const t = tree(d, regs);
  const out = new Map<string, unknown>();
  const paging = `pageIndex=${q.pageIndex}&pageSize=${q.pageSize}&order=${q.order}`;
  const cq =
    `${paging}&sort=${q.computerSort}` +
    (q.computerName !== undefined ? `&computerName=${encodeURIComponent(q.computerName)}` : '') +
    (q.lastUpdate !== undefined ? `&lastUpdate=${q.lastUpdate}` : '');
  out.set(`/computers?${cq}`, computers(regs, t, d, q));
  const by = {
    name: (g: Node) => g.name,
    fullPathName: (g: Node) => g.fullPathName,
    id: (g: Node) => g.id,
  }[q.groupSort];
  for (const mode of ['list', 'tree'] as const) {
    const nodes = [...t.values()].filter((g) => mode === 'list' || g.fullPathName === ROOT_GROUP);
    nodes.sort((a, b) => {
      const c = compareText(by(a), by(b)) || compareText(a.fullPathName, b.fullPathName);
      return q.order === 'DESC' ? -c : c;
    });
    const content = nodes.map((g) => groupJson(g, d, mode === 'tree' ? t : undefined));
    out.set(
      `/groups?${paging}&sort=${q.groupSort}&mode=${mode}`,
      page(content, q.pageIndex, q.pageSize, { property: q.groupSort, direction: q.order }),
    );
  }
  for (const g of t.values()) {
    out.set(`/groups/${g.id}`, groupJson(g, d));
    out.set(`/groups/${g.id}/computers?${cq}`, computers(g.computers, t, d, q));
  }
  return out;
}
