/**
 * `GET /groups`, `GET /groups/{groupId}`, `GET /groups/{groupId}/computers`
 * (docs/rest-api.md "Groups"). Groups are paged 25 to a page by default, sorted by name; an
 * unknown group id answers the spec's `410` "Cannot find the specified object." Each answer
 * reads the cached {@link Directory} and sorts and renders only its page.
 *
 * @module
 */
import type { RestResponse } from './exchange.js';
import { ok } from './exchange.js';
import { badRequest, sepmError, SEPM_MESSAGES } from './errors.js';
import type { SepmRestModel } from './model.js';
import { groupJson, type GroupNode } from './groups.js';
import { computersPage } from './computers.js';
import type { Directory } from './directory.js';
import { compareLowered, int32Param, orderParam, pageOf, pageWindow } from './paging.js';
import { sortedRange, type Compare } from './select.js';

/** The directory of a model's registrations (`directoryCache`). */
export type DirectoryOf = (model: SepmRestModel) => Directory;

// The sort keys, lower-cased and as written: `compareText` of them.
const GROUP_SORTS: Readonly<Record<string, (g: GroupNode) => readonly [string, string]>> = {
  name: (g) => [g.name.toLowerCase(), g.name],
  fullpathname: (g) => [g.key, g.fullPathName],
  id: (g) => [g.id.toLowerCase(), g.id],
};

const compareKeys = (a: readonly [string, string], b: readonly [string, string]): number =>
  compareLowered(a[0], a[1], b[0], b[1]);

interface Keyed {
  readonly node: GroupNode;
  readonly by: readonly [string, string];
  readonly path: readonly [string, string];
}

// `compareText` on the sort key, then on `fullPathName` (unique: the order is total).
function groupOrder(order: 'ASC' | 'DESC'): Compare<Keyed> {
  const sign = order === 'DESC' ? -1 : 1;
  return (a, b) => sign * (compareKeys(a.by, b.by) || compareKeys(a.path, b.path));
}

function domainOk(model: SepmRestModel, value: string | null): boolean {
  if (value === null || value === '') return true;
  const d = model.domain();
  const l = value.toLowerCase();
  return l === d.id.toLowerCase() || l === d.name.toLowerCase();
}

/** `GET /groups`: `mode=list` (default) or `tree` (the root with nested `childGroups`). */
export function listGroups(
  model: SepmRestModel,
  directory: DirectoryOf,
  query: URLSearchParams,
): RestResponse {
  const pageIndex = int32Param(query, 'pageIndex', 1, 1);
  const pageSize = int32Param(query, 'pageSize', 25, 1);
  const order = orderParam(query);
  const sortName = query.get('sort') || 'name';
  const by = GROUP_SORTS[sortName.toLowerCase()];
  const mode = (query.get('mode') || 'list').toLowerCase();
  if (
    pageIndex === undefined ||
    pageSize === undefined ||
    order === undefined ||
    by === undefined ||
    (mode !== 'list' && mode !== 'tree')
  ) {
    return badRequest();
  }
  const { domain, tree } = directory(model);
  const path = query.get('fullPathName');
  let nodes: readonly GroupNode[] = domainOk(model, query.get('domain')) ? tree.nodes : [];
  if (path !== null && path !== '') {
    const key = path.toLowerCase();
    nodes = nodes.filter((g) => g.key === key);
  } else if (mode === 'tree') {
    nodes = nodes.length > 0 ? [tree.root] : [];
  }
  const keyed = nodes.map((node) => ({
    node,
    by: by(node),
    path: GROUP_SORTS.fullpathname!(node),
  }));
  const { from, to } = pageWindow(pageIndex, pageSize);
  const content = sortedRange(keyed, from, to, groupOrder(order)).map((k) =>
    groupJson(k.node, domain, mode === 'tree'),
  );
  return ok(
    pageOf(nodes.length, content, pageIndex, pageSize, { property: sortName, direction: order }),
  );
}

const gone = (): RestResponse => sepmError(410, SEPM_MESSAGES.gone);

/** `GET /groups/{groupId}`: SEPM `Group`. */
export function groupById(
  model: SepmRestModel,
  directory: DirectoryOf,
  id: string,
  query: URLSearchParams,
): RestResponse {
  if (!domainOk(model, query.get('domainId'))) return gone();
  const { domain, tree } = directory(model);
  const g = tree.byId(id);
  return g === undefined ? gone() : ok(groupJson(g, domain));
}

/** `GET /groups/{groupId}/computers`: the computers directly in that group. */
export function groupComputers(
  model: SepmRestModel,
  directory: DirectoryOf,
  id: string,
  query: URLSearchParams,
): RestResponse {
  const dir = directory(model);
  const g = dir.tree.byId(id);
  if (g === undefined) return gone();
  const p = computersPage(query, dir.rowsOf(g), dir.domain, false);
  return p === undefined ? badRequest() : ok(p);
}

/** `GET /computers`. */
export function listComputers(
  model: SepmRestModel,
  directory: DirectoryOf,
  query: URLSearchParams,
): RestResponse {
  const dir = directory(model);
  const p = computersPage(query, dir.rows, dir.domain, true);
  return p === undefined ? badRequest() : ok(p);
}
