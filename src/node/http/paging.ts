/**
 * The one paging module of the manager's lists: the integer query-parameter parser and the page
 * arithmetic shared by the reporting port (8445), the console (8443) and SEPM's REST API (8446,
 * docs/rest-api.md "Paging"; its `PageObject`, sort and filters stay in `sepm-rest/paging.ts`).
 * The parameters are SEPM's: `pageIndex` from 1, `pageSize`.
 *
 * The reporting and console client lists may hold 100,000 registrations (docs/node.md "Abuse
 * limits"), so each of their answers carries one page of at most {@link MAX_PAGE_SIZE} entries.
 * REST keeps SEPM's own ranges (`int32`, no largest `pageSize`: the spec has none).
 *
 * @module
 */

/** Limits of {@link integerParam}: the value range, and how many digits the text may have. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
  /** Most digits after the optional `-`, leading zeros included (a format's width). */
  readonly digits: number;
}

/**
 * An integer query parameter: `dflt` when absent or empty; `undefined` unless the text is a
 * decimal integer (an optional `-`, then 1 to `range.digits` digits) whose value is a safe
 * integer within `[range.min, range.max]`.
 */
export function integerParam(
  query: URLSearchParams,
  name: string,
  dflt: number,
  range: IntegerRange,
): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return dflt;
  const digits = v.startsWith('-') ? v.slice(1) : v;
  if (digits.length === 0 || digits.length > range.digits || !/^\d+$/.test(digits)) {
    return undefined;
  }
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= range.min && n <= range.max ? n : undefined;
}

/** A page request: `pageIndex` from 1. */
export interface PageRequest {
  readonly pageIndex: number;
  readonly pageSize: number;
}

/** Where a page sits in its list. */
export interface PageInfo extends PageRequest {
  readonly totalElements: number;
  /** At least 1: an empty list has one, empty, page. */
  readonly totalPages: number;
  readonly lastPage: boolean;
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

/** Entries per page of the reporting and console lists when `pageSize` is absent. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest `pageSize` of the reporting and console lists: one page stays a few hundred KiB. */
export const MAX_PAGE_SIZE = 1_000;

// Nine digits, as these lists have always read them; a larger index is refused (400).
const PAGE_INDEX: IntegerRange = { min: 1, max: 999_999_999, digits: 9 };
const PAGE_SIZE: IntegerRange = { min: 1, max: MAX_PAGE_SIZE, digits: 9 };

/**
 * The page of a reporting or console list asked for by `pageIndex` and `pageSize` in `query`
 * (defaults 1 and {@link DEFAULT_PAGE_SIZE}); `undefined` when either is not a decimal integer
 * of at most nine digits in range (`pageSize` at most {@link MAX_PAGE_SIZE}).
 */
export function pageRequest(query: URLSearchParams): PageRequest | undefined {
  const pageIndex = integerParam(query, 'pageIndex', 1, PAGE_INDEX);
  const pageSize = integerParam(query, 'pageSize', DEFAULT_PAGE_SIZE, PAGE_SIZE);
  return pageIndex === undefined || pageSize === undefined ? undefined : { pageIndex, pageSize };
}
