/**
 * `GET /groups`, `GET /groups/{groupId}`, `GET /groups/{groupId}/computers`
 * (docs/rest-api.md "Groups"). Groups are paged 25 to a page by default, sorted by name; an
 * unknown group id answers the spec's `410` "Cannot find the specified object."
 *
 * @module
 */
import type { RestResponse } from './exchange.js';
import { ok } from './exchange.js';
import { badRequest, sepmError, SEPM_MESSAGES } from './errors.js';
import type { SepmRestModel } from './model.js';
import { groupJson, groupTree, ROOT_GROUP, type GroupNode, type GroupTree } from './groups.js';
import { computersPage } from './computers.js';
import { compareText, int32Param, orderParam, page } from './paging.js';

const GROUP_SORTS: Readonly<Record<string, (g: GroupNode) => string>> = {
  name: (g) => g.name,
  fullpathname: (g) => g.fullPathName,
  id: (g) => g.id,
};

function domainOk(model: SepmRestModel, value: string | null): boolean {
  if (value === null || value === '') return true;
  const d = model.domain();
  const l = value.toLowerCase();
  return l === d.id.toLowerCase() || l === d.name.toLowerCase();
}

/** `GET /groups`: `mode=list` (default) or `tree` (the root with nested `childGroups`). */
export function listGroups(model: SepmRestModel, query: URLSearchParams): RestResponse {
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
  const domain = model.domain();
  const tree = groupTree(domain, model.registrations());
  const path = query.get('fullPathName');
  let nodes = domainOk(model, query.get('domain')) ? [...tree.values()] : [];
  if (path !== null && path !== '') {
    nodes = nodes.filter((g) => g.fullPathName.toLowerCase() === path.toLowerCase());
  } else if (mode === 'tree') {
    nodes = nodes.filter((g) => g.fullPathName === ROOT_GROUP);
  }
  nodes.sort((a, b) => {
    const c = compareText(by(a), by(b)) || compareText(a.fullPathName, b.fullPathName);
    return order === 'DESC' ? -c : c;
  });
  const content = nodes.map((g) => groupJson(g, domain, mode === 'tree' ? tree : undefined));
  return ok(page(content, pageIndex, pageSize, { property: sortName, direction: order }));
}

function findGroup(tree: GroupTree, id: string): GroupNode | undefined {
  const want = id.toUpperCase();
  for (const g of tree.values()) if (g.id === want) return g;
  return undefined;
}

const gone = (): RestResponse => sepmError(410, SEPM_MESSAGES.gone);

/** `GET /groups/{groupId}`: SEPM `Group`. */
export function groupById(model: SepmRestModel, id: string, query: URLSearchParams): RestResponse {
  if (!domainOk(model, query.get('domainId'))) return gone();
  const domain = model.domain();
  const g = findGroup(groupTree(domain, model.registrations()), id);
  return g === undefined ? gone() : ok(groupJson(g, domain));
}

/** `GET /groups/{groupId}/computers`: the computers directly in that group. */
export function groupComputers(
  model: SepmRestModel,
  id: string,
  query: URLSearchParams,
): RestResponse {
  const domain = model.domain();
  const tree = groupTree(domain, model.registrations());
  const g = findGroup(tree, id);
  if (g === undefined) return gone();
  const p = computersPage(query, g.computers, tree, domain, false);
  return p === undefined ? badRequest() : ok(p);
}

/** `GET /computers`. */
export function listComputers(model: SepmRestModel, query: URLSearchParams): RestResponse {
  const domain = model.domain();
  const regs = model.registrations();
  const p = computersPage(query, regs, groupTree(domain, regs), domain, true);
  return p === undefined ? badRequest() : ok(p);
}
