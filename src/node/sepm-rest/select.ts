/**
 * One page of a sorted list without sorting the list (docs/rest-api.md "Paging"): the entries of
 * ranks `[from, to)` are found by selection (Hoare's quickselect, random pivots) in expected time
 * linear in the list, then only they are sorted. A REST list may hold 100,000 registrations or
 * 50,000 groups (docs/node.md "Abuse limits"); a page of 20 must not cost a sort of them all.
 *
 * @module
 */

/** A total order (ties only between an entry and itself, as every REST sort here has). */
export type Compare<T> = (a: T, b: T) => number;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

// Puts the entry of rank `k` at `a[k]`, smaller ones before it and larger ones after, within
// `a[lo..hi]`. Pivots are random, so no input (names are chosen by registrants) makes it slow.
function selectRank<T>(a: T[], k: number, lo: number, hi: number, cmp: Compare<T>): void {
  while (hi > lo) {
    swap(a, lo + Math.floor(Math.random() * (hi - lo + 1)), hi);
    const pivot = a[hi]!;
    let store = lo;
    for (let i = lo; i < hi; i++) {
      if (cmp(a[i]!, pivot) < 0) swap(a, i, store++);
    }
    swap(a, store, hi);
    if (store === k) return;
    if (store < k) lo = store + 1;
    else hi = store - 1;
  }
}

/**
 * The entries `sorted(items)[from..to)`, in order, where `sorted` sorts by `cmp`. `items` is
 * reordered (pass a copy you own). Same result as `items.sort(cmp).slice(from, to)`.
 */
export function sortedRange<T>(items: T[], from: number, to: number, cmp: Compare<T>): T[] {
  const end = Math.min(to, items.length);
  if (from >= end) return [];
  const last = items.length - 1;
  // Ranks below `from` go to its left; then ranks from `end` on go to the right of `end - 1`.
  if (from > 0) selectRank(items, from, 0, last, cmp);
  if (from === 0 || end - 1 > from) selectRank(items, end - 1, from > 0 ? from + 1 : 0, last, cmp);
  return items.slice(from, end).sort(cmp);
}
