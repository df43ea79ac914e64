/**
 * SEPM's client groups as this manager knows them (docs/rest-api.md "Groups"): the root
 * `My Company`, `My Company\Default Group`, and every `PreferredGroup` the registered clients
 * named, with each group's ancestors. Paths are written as SEPM writes `fullPathName`
 * (`My Company\Workstations`: backslashes, the root's name first).
 *
 * `PreferredGroup` comes from the anonymous registration body, so the tree is bounded
 * (`maxGroups`, docs/node.md "Abuse limits") and built in time linear in the registrations:
 * each node finds its children by name, and a registration walks its path once.
 *
 * @module
 */
import { sepmStyleId } from '../digest.js';
import type { SepmDomainRecord, SepmRegistrationRecord } from './model.js';

/** The root group's name (`fullPathName` of the root). */
export const ROOT_GROUP = 'My Company';

/** Where a client without a `PreferredGroup` is listed (`createSylink`'s default). */
export const DEFAULT_GROUP = 'My Company\\Default Group';

/**
 * Most groups listed by default, the root and `Default Group` included (docs/rest-api.md
 * "Groups"): a registration whose group would make more is listed in `Default Group`, as SEPM
 * lists a client whose preferred group it does not have.
 */
export const DEFAULT_MAX_GROUPS = 20_000;

/** One group and the registrations directly in it. */
export interface GroupNode {
  readonly id: string;
  readonly name: string;
  readonly fullPathName: string;
  /** Lower-cased `fullPathName`: the group's identity. */
  readonly key: string;
  /** Lower-cased `fullPathName` of the parent; `undefined` for the root. */
  readonly parent: string | undefined;
  /** ms since the epoch: the first registration that named it (the domain's for the fixed two). */
  created: number;
  /** The registrations listed in it, oldest first. */
  readonly computers: SepmRegistrationRecord[];
  /** Its child groups, in the order of their lower-cased paths once the tree is complete. */
  readonly children: GroupNode[];
  // Children by lower-cased name (the last path segment), for the walk down a path; made with
  // the first child (most groups have none).
  byName: Map<string, GroupNode> | undefined;
}

/**
 * A group's id: 32 upper-case hex digits (SEPM's ids look so) from its path, case-insensitive, so
 * every manager of the site gives a group the same id.
 */
export function groupId(fullPathName: string): string {
  return sepmStyleId('sepm-crypto group id', fullPathName.toLowerCase());
}

// The segments of a `PreferredGroup` below the root: split on `\`, trimmed, empty ones dropped,
// the root's name dropped in front.
function groupSegments(preferredGroup: string | undefined): string[] {
  const parts = (preferredGroup ?? DEFAULT_GROUP)
    .split('\\')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) return ['Default Group'];
  if (parts[0]!.toLowerCase() === ROOT_GROUP.toLowerCase()) parts.shift();
  return parts;
}

/**
 * The canonical path of a `PreferredGroup`: segments split on `\`, trimmed, empty ones dropped,
 * rooted at `My Company` (prefixed when the client named a path below it without the root).
 */
export function groupPath(preferredGroup: string | undefined): string {
  return [ROOT_GROUP, ...groupSegments(preferredGroup)].join('\\');
}

/** The groups of a domain's registrations (see {@link groupTree}). */
export interface GroupTree {
  readonly root: GroupNode;
  /** Every group, root first, then in the order they were made. */
  readonly nodes: readonly GroupNode[];
  /** The group of `registrations[i]` (what {@link groupTree} was given) at index `i`. */
  readonly groupOf: readonly GroupNode[];
  /** The group with this id (any case). */
  byId(id: string): GroupNode | undefined;
}

function makeNode(
  fullPathName: string,
  parent: GroupNode | undefined,
  created: number,
  previous: ReadonlyMap<string, GroupNode> | undefined,
): GroupNode {
  const key = fullPathName.toLowerCase();
  const cut = fullPathName.lastIndexOf('\\');
  const node: GroupNode = {
    // The id is a digest of the key: the previous tree's is the same, and costs nothing.
    id: previous?.get(key)?.id ?? groupId(fullPathName),
    name: cut < 0 ? fullPathName : fullPathName.slice(cut + 1),
    fullPathName,
    key,
    parent: parent?.key,
    created,
    computers: [],
    children: [],
    byName: undefined,
  };
  if (parent !== undefined) {
    parent.children.push(node);
    (parent.byName ??= new Map()).set(node.name.toLowerCase(), node);
  }
  return node;
}

// The indexes of `registrations`, oldest first (a stable sort). A manager lists them in the
// order they registered, so usually this is a check and no sort.
function oldestFirst(registrations: readonly SepmRegistrationRecord[]): number[] {
  const order = registrations.map((_, i) => i);
  let sorted = true;
  for (let i = 1; i < registrations.length && sorted; i++) {
    sorted = registrations[i - 1]!.registeredAt <= registrations[i]!.registeredAt;
  }
  if (!sorted)
    order.sort((a, b) => registrations[a]!.registeredAt - registrations[b]!.registeredAt);
  return order;
}

// The group of `r`, made (with its missing ancestors) when the tree has room for them.
function place(
  r: SepmRegistrationRecord,
  root: GroupNode,
  fallback: GroupNode,
  nodes: GroupNode[],
  max: number,
  previous: ReadonlyMap<string, GroupNode> | undefined,
): GroupNode {
  const parts = groupSegments(r.preferredGroup);
  let node = root;
  let depth = 0;
  for (; depth < parts.length; depth++) {
    const child = node.byName?.get(parts[depth]!.toLowerCase());
    if (child === undefined) break;
    node = child;
  }
  const full = depth < parts.length && nodes.length + parts.length - depth > max;
  if (full) node = fallback;
  // The deepest group already there keeps the oldest time; new ones take this one's.
  if (r.registeredAt < node.created) node.created = r.registeredAt;
  if (full) return node;
  for (; depth < parts.length; depth++) {
    const path = [ROOT_GROUP, ...parts.slice(0, depth + 1)].join('\\');
    node = makeNode(path, node, r.registeredAt, previous);
    nodes.push(node);
  }
  return node;
}

/** Options of {@link groupTree}. */
export interface GroupTreeOptions {
  /** Most groups, root and `Default Group` included (at least 2; default {@link DEFAULT_MAX_GROUPS}). */
  readonly maxGroups?: number;
  /** The tree built before (its group ids are taken over instead of computed again). */
  readonly previous?: GroupTree;
}

/**
 * Builds the tree from the registrations, oldest first, so the first spelling of a path wins; a
 * registration whose path needs more new groups than `maxGroups` leaves goes to `Default Group`.
 */
export function groupTree(
  domain: SepmDomainRecord,
  registrations: readonly SepmRegistrationRecord[],
  options: GroupTreeOptions = {},
): GroupTree {
  const max = Math.max(2, options.maxGroups ?? DEFAULT_MAX_GROUPS);
  const previous =
    options.previous === undefined
      ? undefined
      : new Map(options.previous.nodes.map((n) => [n.key, n]));
  const since = domain.createdTime ?? 0;
  const root = makeNode(ROOT_GROUP, undefined, since, previous);
  const fallback = makeNode(DEFAULT_GROUP, root, since, previous);
  const nodes: GroupNode[] = [root, fallback];
  const groupOf = new Array<GroupNode>(registrations.length);
  const byAge = oldestFirst(registrations);
  // A path resolves to the same group every time it comes again (groups are only added, and a
  // later registration is no older), so each distinct `PreferredGroup` is walked once.
  const resolved = new Map<string | undefined, GroupNode>();
  for (const i of byAge) {
    const r = registrations[i]!;
    let node = resolved.get(r.preferredGroup);
    if (node === undefined) {
      node = place(r, root, fallback, nodes, max, previous);
      resolved.set(r.preferredGroup, node);
    }
    node.computers.push(r);
    groupOf[i] = node;
  }
  return treeOf(nodes, groupOf);
}

const byKey = (a: GroupNode, b: GroupNode): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function treeOf(nodes: GroupNode[], groupOf: GroupNode[]): GroupTree {
  // Siblings share their parent's key up to their names: ordering them by key orders by name.
  for (const n of nodes) if (n.children.length > 1) n.children.sort(byKey);
  let ids: Map<string, GroupNode> | undefined;
  return {
    root: nodes[0]!,
    nodes,
    groupOf,
    byId(id) {
      if (ids === undefined) {
        ids = new Map();
        // Ids are digests: equal ones are not expected; if they were, the first in key order.
        for (const n of [...nodes].sort(byKey)) if (!ids.has(n.id)) ids.set(n.id, n);
      }
      return ids.get(id.toUpperCase());
    },
  };
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

/** SEPM `Group`; with `tree`, its `childGroups`, nested (the `mode=tree` answer). */
export function groupJson(
  node: GroupNode,
  domain: SepmDomainRecord,
  tree = false,
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
  if (tree) json.childGroups = node.children.map((c) => groupJson(c, domain, true));
  return json;
}
