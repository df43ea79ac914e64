/**
 * Child order of a known element: the parser records it (`ElementExtras.order`) only when
 * it differs from the canonical order; the builder replays it, and places entries added to the
 * model since (which the recorded order cannot mention) after the last sibling of their kind.
 *
 * A token is a known element name, or `'#'` for the next node of `ElementExtras.children`.
 *
 * @module
 */
/** The token that stands for the next entry of `ElementExtras.children`. */
export const EXTRA = '#';

/**
 * The order the builder uses when none is recorded: the known kinds in `canonical` order, then
 * the extras.
 */
export function canonicalOrder(
  canonical: readonly string[],
  counts: Readonly<Record<string, number>>,
): string[] {
  return arrange(undefined, canonical, counts).map(([kind]) => kind);
}

/**
 * Interleaves the children of one element.
 *
 * @param order - the recorded order, if any; tokens beyond what the model has are skipped.
 * @param canonical - the known kinds in canonical order.
 * @param counts - how many children of each kind (`'#'` for extras) the model has now.
 * @returns `[kind, index within its kind]` pairs in output order.
 */
export function arrange(
  order: readonly string[] | undefined,
  canonical: readonly string[],
  counts: Readonly<Record<string, number>>,
): Array<[string, number]> {
  const kinds = [...canonical, EXTRA];
  const next: Record<string, number> = {};
  for (const k of kinds) next[k] = 0;
  const out: Array<[string, number]> = [];
  for (const token of order ?? []) {
    if (next[token] !== undefined && next[token] < (counts[token] ?? 0))
      out.push([token, next[token]++]);
  }
  for (let r = 0; r < kinds.length; r++) {
    const kind = kinds[r]!;
    const left = (counts[kind] ?? 0) - next[kind]!;
    if (left <= 0) continue;
    // After the last sibling of the same kind, else after the last sibling of an earlier kind.
    let at = -1;
    for (let i = out.length - 1; i >= 0 && at < 0; i--) if (out[i]![0] === kind) at = i + 1;
    for (let i = out.length - 1; i >= 0 && at < 0; i--)
      if (kinds.indexOf(out[i]![0]) < r) at = i + 1;
    if (at < 0) at = kind === EXTRA ? out.length : 0;
    const added: Array<[string, number]> = [];
    for (let n = 0; n < left; n++) added.push([kind, next[kind]!++]);
    out.splice(at, 0, ...added);
  }
  return out;
}
