/**
 * SEPM's paging (docs/rest-api.md "Paging"): `pageIndex` from 1, `pageSize`, `sort`, `order`;
 * the answer a `PageObject` (`content`, `firstPage`, `lastPage`, `number` from 0,
 * `numberOfElements`, `size`, `sort`, `totalElements`, `totalPages`). The integer parser and the
 * page arithmetic are the ones the reporting and console lists use (`http/paging.ts`); what is
 * here is REST's own: its parameter formats, `order`, the `PageObject`, sorting and filters.
 *
 * @module
 */
import { integerParam, pageInfo, pageOffset, type IntegerRange } from '../http/paging.js';

// Swagger `format: int32` and `int64` (docs/rest-api.md "Paging"): the widths SEPM's values have.
const INT32: Omit<IntegerRange, 'min'> = { max: 2 ** 31 - 1, digits: 10 };
const INT64: IntegerRange = {
  min: Number.MIN_SAFE_INTEGER,
  max: Number.MAX_SAFE_INTEGER,
  digits: 19,
};

/**
 * An `int32` query parameter (Swagger `format: int32`): `dflt` when absent, `undefined` when not
 * a decimal integer in `[min, 2^31 - 1]`. No other cap: SEPM's spec sets no largest `pageSize`.
 */
export function int32Param(
  query: URLSearchParams,
  name: string,
  dflt: number,
  min: number,
): number | undefined {
  return integerParam(query, name, dflt, { ...INT32, min });
}

/** An `int64` query parameter (ms since the epoch and the like): safe integers only. */
export function int64Param(query: URLSearchParams, name: string, dflt: number): number | undefined {
  return integerParam(query, name, dflt, INT64);
}

/** `order`: `ASC` (default) or `DESC`, any case; `undefined` for anything else. */
export function orderParam(query: URLSearchParams): 'ASC' | 'DESC' | undefined {
  const v = (query.get('order') || 'ASC').toUpperCase();
  return v === 'ASC' || v === 'DESC' ? v : undefined;
}

/** SEPM's `PageObject` over `items` (already sorted). */
export interface Page<T> {
  readonly content: readonly T[];
  readonly firstPage: boolean;
  readonly lastPage: boolean;
  readonly number: number;
  readonly numberOfElements: number;
  readonly size: number;
  /** The spec types `Sort` as an object: the one sort applied. */
  readonly sort: { readonly property: string; readonly direction: 'ASC' | 'DESC' };
  readonly totalElements: number;
  readonly totalPages: number;
}

/** Where page `pageIndex` (from 1) of `pageSize` items starts and ends (`to` exclusive). */
export function pageWindow(pageIndex: number, pageSize: number): { from: number; to: number } {
  const from = pageOffset({ pageIndex, pageSize });
  return { from, to: from + pageSize };
}

/**
 * SEPM's `PageObject` for page `pageIndex` (from 1) of `pageSize` items of a list of `total`,
 * whose entries on that page are `content` (already sorted and cut, see {@link pageWindow}).
 */
export function pageOf<T>(
  total: number,
  content: readonly T[],
  pageIndex: number,
  pageSize: number,
  sort: Page<T>['sort'],
): Page<T> {
  const { totalElements, totalPages, lastPage } = pageInfo({ pageIndex, pageSize }, total);
  return {
    content,
    firstPage: pageIndex === 1,
    lastPage,
    number: pageIndex - 1,
    numberOfElements: content.length,
    size: pageSize,
    sort,
    totalElements,
    totalPages,
  };
}

/** Page `pageIndex` (from 1) of `pageSize` items. */
export function page<T>(
  items: readonly T[],
  pageIndex: number,
  pageSize: number,
  sort: Page<T>['sort'],
): Page<T> {
  const { from, to } = pageWindow(pageIndex, pageSize);
  return pageOf(items.length, items.slice(from, to), pageIndex, pageSize, sort);
}

/** Ordinal comparison, case-insensitive first (names), then exact, so the order is total. */
export function compareText(a: string, b: string): number {
  return compareLowered(a.toLowerCase(), a, b.toLowerCase(), b);
}

/**
 * {@link compareText} of `a` and `b` given their lower-cased forms `la` and `lb`, for lists that
 * lower-case each key once instead of twice per comparison.
 */
export function compareLowered(la: string, a: string, lb: string, b: string): number {
  if (la !== lb) return la < lb ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * SEPM's `*` wildcard (`computerName`, `mac`): `*` any run of characters, everything else
 * literal, case-insensitive, whole value.
 */
export function wildcard(pattern: string): (value: string | undefined) => boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    'is',
  );
  return (value) => value !== undefined && re.test(value);
}
