/**
 * What the group and computer lists read (docs/rest-api.md "Groups", "Computers"): the group
 * tree of the registrations, and each registration with its group and its sort keys lower-cased
 * once. Built when the model's registrations change (a new array from `registrations()`), kept
 * otherwise, so that a page of a list of 100,000 costs a scan and a selection, not a rebuild
 * (docs/node.md "Abuse limits").
 *
 * @module
 */
import type { SepmDomainRecord, SepmRegistrationRecord, SepmRestModel } from './model.js';
import { groupTree, type GroupNode, type GroupTree } from './groups.js';

/** A registration as the computer lists read it. */
export interface ComputerRow {
  readonly record: SepmRegistrationRecord;
  readonly group: GroupNode;
  /** `computerName`, `''` when none, and lower-cased. */
  readonly name: string;
  readonly nameKey: string;
  /** `agentId` lower-cased. */
  readonly idKey: string;
}

/** The registrations, their groups and their rows. */
export interface Directory {
  readonly domain: SepmDomainRecord;
  readonly tree: GroupTree;
  /** One per registration, in the model's order. */
  readonly rows: readonly ComputerRow[];
  /** The rows of the registrations listed in `group`. */
  rowsOf(group: GroupNode): readonly ComputerRow[];
}

function build(
  domain: SepmDomainRecord,
  registrations: readonly SepmRegistrationRecord[],
  maxGroups: number,
  previous: GroupTree | undefined,
): Directory {
  const tree = groupTree(domain, registrations, {
    maxGroups,
    ...(previous !== undefined ? { previous } : {}),
  });
  const rows = registrations.map((record, i): ComputerRow => {
    const name = record.computerName ?? '';
    return {
      record,
      group: tree.groupOf[i]!,
      name,
      nameKey: name.toLowerCase(),
      idKey: record.agentId.toLowerCase(),
    };
  });
  let byGroup: Map<GroupNode, ComputerRow[]> | undefined;
  return {
    domain,
    tree,
    rows,
    rowsOf(group) {
      if (byGroup === undefined) {
        byGroup = new Map();
        for (const row of rows) {
          const list = byGroup.get(row.group);
          if (list === undefined) byGroup.set(row.group, [row]);
          else list.push(row);
        }
      }
      return byGroup.get(group) ?? [];
    },
  };
}

/**
 * The directory of `model`'s registrations, rebuilt only when `registrations()` returns another
 * array or the domain's creation time changed. A model must not change the array it returned
 * (`readonly`): it returns a new one when registrations come or go.
 */
export function directoryCache(maxGroups: number): (model: SepmRestModel) => Directory {
  let last: { regs: readonly SepmRegistrationRecord[]; dir: Directory } | undefined;
  return (model) => {
    const domain = model.domain();
    const regs = model.registrations();
    if (
      last !== undefined &&
      last.regs === regs &&
      last.dir.domain.id === domain.id &&
      last.dir.domain.name === domain.name &&
      last.dir.domain.createdTime === domain.createdTime
    ) {
      return last.dir;
    }
    const dir = build(domain, regs, maxGroups, last?.dir.tree);
    last = { regs, dir };
    return dir;
  };
}
