/**
 * SEPM's client groups as this manager knows them (docs/rest-api.md "Groups"): the root
 * `My Company`, `My Company\Default Group`, and every `PreferredGroup` the registered clients
 * named, with each group's ancestors. Paths are written as SEPM writes `fullPathName`
 * (`My Company\Workstations`: backslashes, the root's name first).
 *
 * @module
 */
import { sepmStyleId } from '../digest.js';
import type { SepmDomainRecord, SepmRegistrationRecord } from './model.js';

/** The root group's name (`fullPathName` of the root). */
export const ROOT_GROUP = 'My Company';

/** Where a client without a `PreferredGroup` is listed (`createSylink`'s default). */
export const DEFAULT_GROUP = 'My Company\\Default Group';

/** One group and the registrations directly in it. */
export interface GroupNode {
  readonly id: string;
  readonly name: string;
  readonly fullPathName: string;
  /** Lower-cased `fullPathName` of the parent; `undefined` for the root. */
  readonly parent: string | undefined;
  /** ms since the epoch: the first registration that named it (the domain's for the fixed two). */
  created: number;
  readonly computers: SepmRegistrationRecord[];
}

/** The group tree: lower-cased `fullPathName` -> node, root first, then in path order. */
export type GroupTree = ReadonlyMap<string, GroupNode>;

/**
 * A group's id: 32 upper-case hex digits (SEPM's ids look so) from its path, case-insensitive, so
 * every manager of the site gives a group the same id.
 */
export function groupId(fullPathName: string): string {
  return sepmStyleId('sepm-crypto group id', fullPathName.toLowerCase());
}

/**
 * The canonical path of a `PreferredGroup`: segments split on `\`, trimmed, empty ones dropped,
 * rooted at `My Company` (prefixed when the client named a path below it without the root).
 */
export function groupPath(preferredGroup: string | undefined): string {
  const parts = (preferredGroup ?? DEFAULT_GROUP)
    .split('\\')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) return DEFAULT_GROUP;
  if (parts[0]!.toLowerCase() === ROOT_GROUP.toLowerCase()) parts.shift();
  return [ROOT_GROUP, ...parts].join('\\');
}

/** Builds the tree from the registrations (oldest first, so the first spelling of a path wins). */
export function groupTree(
  domain: SepmDomainRecord,
  registrations: readonly SepmRegistrationRecord[],
): GroupTree {
  const tree = new Map<string, GroupNode>();
  const since = domain.createdTime ?? 0;
  const ensure = (path: string, created: number): GroupNode => {
    const key = path.toLowerCase();
    const found = tree.get(key);
    if (found !== undefined) {
      if (created < found.created) found.created = created;
      return found;
    }
    const cut = path.lastIndexOf('\\');
    const parent = cut < 0 ? undefined : ensure(path.slice(0, cut), created);
    const node: GroupNode = {
      id: groupId(path),
      name: cut < 0 ? path : path.slice(cut + 1),
      fullPathName: path,
      parent: parent === undefined ? undefined : parent.fullPathName.toLowerCase(),
      created,
      computers: [],
    };
    tree.set(key, node);
    return node;
  };
  ensure(ROOT_GROUP, since);
  ensure(DEFAULT_GROUP, since);
  const byAge = [...registrations].sort((a, b) => a.registeredAt - b.registeredAt);
  for (const r of byAge) ensure(groupPath(r.preferredGroup), r.registeredAt).computers.push(r);
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The node a registration is listed in. */
export function groupOf(tree: GroupTree, r: SepmRegistrationRecord): GroupNode {
  return tree.get(groupPath(r.preferredGroup).toLowerCase())!;
}

/** SEPM `DomainSummary`. */
export function domainSummary(domain: SepmDomainRecord): { id: string; name: string } {
  return { id: domain.id, name: domain.name };
}

/** SEPM `GroupSummary` (inside a `Computer`). */
export function groupSummary(node: GroupNode, domain: SepmDomainRecord) {
  return {
    id: node.id,
    name: node.name,
    fullPathName: node.fullPathName,
    domain: domainSummary(domain),
  };
}

/** SEPM `Group`; with `children`, its `childGroups` (the `mode=tree` answer). */
export function groupJson(
  node: GroupNode,
  domain: SepmDomainRecord,
  children?: GroupTree,
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: node.id,
    name: node.name,
    description: '',
    fullPathName: node.fullPathName,
    numberOfPhysicalComputers: node.computers.length,
    numberOfRegisteredUsers: 0,
    created: node.created,
    lastModified: node.created,
    domain: domainSummary(domain),
    // Below the root, SEPM groups inherit their parent's policies unless told otherwise.
    policyInheritanceEnabled: node.parent !== undefined,
  };
  if (children !== undefined) {
    const key = node.fullPathName.toLowerCase();
    json.childGroups = [...children.values()]
      .filter((c) => c.parent === key)
      .map((c) => groupJson(c, domain, children));
  }
  return json;
}
