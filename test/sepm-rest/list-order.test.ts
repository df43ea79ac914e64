// The REST lists answer what a full sort would (issue 14 §3, docs/rest-api.md "Paging"): on
// random small states, every page of the computer and group lists, each group and its computers
// are byte-identical to the naive reference (naive_lists.ts), which sorts and builds everything.
// The group cap (`maxGroups`) lists a registration whose group would exceed it in Default Group.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  createSepmRestHandler,
  DEFAULT_GROUP,
  groupPath,
  type SepmRegistrationRecord,
} from '../../src/node/sepm-rest/index.js';
import { sortedRange } from '../../src/node/sepm-rest/select.js';
import { memoryAuth, memoryModel, type MemoryModel } from './harness.js';
import { naiveAnswers, type ListQuery } from './naive_lists.js';

const T0 = 1_764_000_000_000; // the memory model's domain creation time

// Case pairs, a context-sensitive lower case (Σ), spaces to trim, and `*` to match literally.
const letter = fc.constantFrom('a', 'A', 'b', 'B', 'Σ', 'σ', 'ς', ' ', '*', '0');
const word = fc.string({ unit: letter, minLength: 0, maxLength: 3 });
const group = fc.option(
  fc
    .array(fc.oneof(word, fc.constant('My Company'), fc.constant('Default Group')), {
      minLength: 0,
      maxLength: 3,
    })
    .map((parts) => parts.join('\\')),
  { nil: undefined },
);

// Names equal but for case are common, so that the exact-case tie-break is exercised.
const name = fc.oneof(fc.constantFrom('a', 'A', 'ab', 'aB', 'AB', 'σ', 'Σ', ''), word);

const registration = fc.record({
  computerName: fc.option(name, { nil: undefined }),
  preferredGroup: group,
  registeredAt: fc.integer({ min: T0 - 3, max: T0 + 3 }),
  lastHeartbeat: fc.option(fc.integer({ min: T0, max: T0 + 6 }), { nil: undefined }),
  agentCase: fc.boolean(),
});

const query: fc.Arbitrary<ListQuery> = fc.record({
  pageIndex: fc.integer({ min: 1, max: 6 }),
  pageSize: fc.integer({ min: 1, max: 7 }),
  order: fc.constantFrom('ASC' as const, 'DESC' as const),
  computerSort: fc.constantFrom(
    'COMPUTER_NAME' as const,
    'COMPUTER_ID' as const,
    'COMPUTER_DOMAIN_NAME' as const,
    'DOMAIN_ID' as const,
  ),
  groupSort: fc.constantFrom('name' as const, 'fullPathName' as const, 'id' as const),
  computerName: fc.option(fc.constantFrom('a*', '*b', '*', 'A', 'σ*'), { nil: undefined }),
  lastUpdate: fc.option(fc.integer({ min: T0, max: T0 + 6 }), { nil: undefined }),
});

type Registration = typeof registration extends fc.Arbitrary<infer T> ? T : never;

function stateOf(regs: Registration[]): MemoryModel {
  const model = memoryModel();
  regs.forEach((r, i) => {
    // Ids differ only in case for some: the id order is compareText's (case-insensitive first).
    const id = `${i % 3 === 0 ? 'c' : 'C'}${String(i).padStart(3, '0')}`.padEnd(32, '0');
    const record: SepmRegistrationRecord = {
      agentId: r.agentCase ? id.toLowerCase() : id,
      ipAddresses: [`10.0.0.${i}`],
      registeredAt: r.registeredAt,
      ...(r.computerName !== undefined ? { computerName: r.computerName } : {}),
      ...(r.preferredGroup !== undefined ? { preferredGroup: r.preferredGroup } : {}),
      ...(r.lastHeartbeat !== undefined ? { lastHeartbeat: r.lastHeartbeat } : {}),
    };
    model.registrationList.push(record);
  });
  return model;
}

async function answers(model: MemoryModel, paths: Iterable<string>, maxGroups?: number) {
  const auth = memoryAuth(model);
  const handler = createSepmRestHandler({
    model,
    auth,
    ...(maxGroups !== undefined ? { maxGroups } : {}),
  });
  const login = await auth.authenticate(
    { username: 'admin', password: 'admin-pw' },
    { from: '127.0.0.1', domainMatches: true },
  );
  const token = login.ok ? login.token : '';
  const out = new Map<string, string>();
  for (const p of paths) {
    const [path, q] = p.split('?');
    const r = await handler({
      method: 'GET',
      path: '/sepm/api/v1' + path!,
      query: new URLSearchParams(q ?? ''),
      authorization: `Bearer ${token}`,
      remoteAddress: '127.0.0.1',
      body: async () => new Uint8Array(),
    });
    expect(r.status, p).toBe(200);
    out.set(p, JSON.stringify(r.json));
  }
  return out;
}

describe('the scaled REST lists', () => {
  it('answer every page, group and group list byte-identical to a full sort', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(registration, { maxLength: 24 }), query, async (regs, q) => {
        const model = stateOf(regs);
        const want = naiveAnswers(model, q);
        const got = await answers(model, want.keys());
        for (const [path, body] of want) expect(got.get(path), path).toBe(JSON.stringify(body));
      }),
      { numRuns: 300 },
    );
  });

  it('sortedRange is sort then slice, for any window', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer(), { maxLength: 80 }),
        fc.nat(90),
        fc.nat(20),
        (items, from, size) => {
          const cmp = (a: number, b: number) => a - b;
          const want = [...items].sort(cmp).slice(from, from + size);
          expect(sortedRange([...items], from, from + size, cmp)).toEqual(want);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('the group cap', () => {
  it('lists a registration whose group would exceed maxGroups in Default Group; older groups stay', async () => {
    const model = memoryModel();
    const reg = (id: string, at: number, preferredGroup?: string): SepmRegistrationRecord => ({
      agentId: id.padEnd(32, '0'),
      registeredAt: at,
      ...(preferredGroup !== undefined ? { preferredGroup } : {}),
    });
    // Newest first in the model's order: the tree takes them oldest first all the same.
    model.registrationList.push(
      reg('D', T0 + 4, 'Lab\\Deep'), // two new groups: over the cap of 4
      reg('C', T0 + 3, 'Sales'), // one new group: the fourth
      reg('B', T0 + 2, 'lab'), // Lab, spelled as the older one did
      reg('A', T0 + 1, 'Lab'),
    );
    const got = await answers(
      model,
      ['/groups?pageSize=10', '/computers?sort=COMPUTER_ID&pageSize=10'],
      4,
    );
    const groups = JSON.parse(got.get('/groups?pageSize=10')!);
    expect(
      groups.content.map((g: { fullPathName: string; numberOfPhysicalComputers: number }) => [
        g.fullPathName,
        g.numberOfPhysicalComputers,
      ]),
    ).toEqual([
      ['My Company\\Default Group', 1],
      ['My Company\\Lab', 2],
      ['My Company', 0],
      ['My Company\\Sales', 1],
    ]);
    const computers = JSON.parse(got.get('/computers?sort=COMPUTER_ID&pageSize=10')!);
    expect(
      computers.content.map((c: { agentId: string; group: { fullPathName: string } }) => [
        c.agentId[0],
        c.group.fullPathName,
      ]),
    ).toEqual([
      ['A', 'My Company\\Lab'],
      ['B', 'My Company\\Lab'],
      ['C', 'My Company\\Sales'],
      ['D', 'My Company\\Default Group'],
    ]);
  });

  it('never lists more groups than the cap; a computer is in its own group or Default Group', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(registration, { maxLength: 24 }),
        fc.integer({ min: 2, max: 8 }),
        async (regs, cap) => {
          const model = stateOf(regs);
          const got = await answers(
            model,
            ['/groups?pageSize=100', '/computers?pageSize=100'],
            cap,
          );
          const groups = JSON.parse(got.get('/groups?pageSize=100')!);
          expect(groups.totalElements).toBeLessThanOrEqual(cap);
          const computers = JSON.parse(got.get('/computers?pageSize=100')!);
          for (const c of computers.content) {
            const r = model.registrationList.find((x) => x.agentId === c.agentId)!;
            expect([
              groupPath(r.preferredGroup).toLowerCase(),
              DEFAULT_GROUP.toLowerCase(),
            ]).toContain(c.group.fullPathName.toLowerCase());
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a cap below the two fixed groups', () => {
    const model = memoryModel();
    expect(() => createSepmRestHandler({ model, auth: memoryAuth(model), maxGroups: 1 })).toThrow(
      RangeError,
    );
  });
});
