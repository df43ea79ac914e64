/**
 * Paging of the client lists of the reporting port (8445) and the console (8443): a list may
 * hold 100,000 registrations (docs/node.md "Abuse limits"), so every answer carries one page.
 * The query parameters are SEPM's REST ones (`pageIndex` from 1, `pageSize`).
 *
 * @module
 */

/** Entries per page when `pageSize` is absent. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest `pageSize` accepted: one page stays a few hundred KiB at most. */
export const MAX_PAGE_SIZE = 1_000;

/** A page request: `pageIndex` from 1. */
export interface PageRequest {
  readonly pageIndex: number;
  readonly pageSize: number;
}

/** Where a page sits in its list (answered beside the entries). */
export interface PageInfo extends PageRequest {
  readonly totalElements: number;
  readonly totalPages: number;
  readonly lastPage: boolean;
}

/**
 * The page asked for by `pageIndex` and `pageSize` in `query` (defaults 1 and
 * {@link DEFAULT_PAGE_SIZE}); `undefined` when either is not a decimal integer in range.
 */
export function pageRequest(query: URLSearchParams): PageRequest | undefined {
  const int = (name: string, dflt: number, max: number): number | undefined => {
    const v = query.get(name);
    if (v === null || v === '') return dflt;
    if (!/^\d{1,9}$/.test(v)) return undefined;
    const n = Number(v);
    return n >= 1 && n <= max ? n : undefined;
  };
  const pageIndex = int('pageIndex', 1, 1e9);
  const pageSize = int('pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return pageIndex === undefined || pageSize === undefined ? undefined : { pageIndex, pageSize };
}

/** The place of page `p` in a list of `total` entries. */
export function pageInfo(p: PageRequest, total: number): PageInfo {
  const totalPages = Math.max(1, Math.ceil(total / p.pageSize));
  return { ...p, totalElements: total, totalPages, lastPage: p.pageIndex >= totalPages };
}

/** The offset of the first entry of page `p`. */
export function pageOffset(p: PageRequest): number {
  return (p.pageIndex - 1) * p.pageSize;
}
