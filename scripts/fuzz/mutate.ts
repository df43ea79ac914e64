/**
 * Deterministic mutations for the fuzzer: a small seeded PRNG and byte-level mutators (bit flips,
 * truncations, splices, length-field edits, huge counts, repeated chunks, dictionary tokens).
 * The same (seed, target, index) always yields the same input, so any failure can be replayed.
 *
 * @module
 */

/** A seeded PRNG (mulberry32: 32-bit state, good enough to pick mutations, not for crypto). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** A uniform integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.u32() % n;
  }
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}

/** FNV-1a of a string: mixes the target name into the per-input seed. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The seed of input `index` of target `name` under the run seed `seed`. */
export function inputSeed(seed: number, name: string, index: number): number {
  return (Math.imul(seed ^ hashName(name), 0x9e3779b1) + Math.imul(index, 0x85ebca6b)) >>> 0;
}

/** Integers that break length and count fields: zero, one, sign bits, all ones, powers of two. */
const INTERESTING = [
  0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
  0xffffffff,
];

/** Upper bound on a mutated input, so that repeated chunks cannot grow without limit. */
export const MAX_MUTATED_BYTES = 256 * 1024;

function writeBE(out: Uint8Array, at: number, value: number, width: number): void {
  for (let i = 0; i < width && at + i < out.length; i++) {
    out[at + i] = Math.floor(value / 2 ** (8 * (width - 1 - i))) & 0xff;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(Math.min(n, MAX_MUTATED_BYTES));
  let at = 0;
  for (const p of parts) {
    if (at >= out.length) break;
    const take = p.subarray(0, out.length - at);
    out.set(take, at);
    at += take.length;
  }
  return out;
}

/** One mutation: name (for reports) and the function. */
export interface Mutator {
  readonly name: string;
  apply(input: Uint8Array, rng: Rng, ctx: MutationContext): Uint8Array;
}

/** What a mutator may draw on besides the input: the other samples and the target's tokens. */
export interface MutationContext {
  readonly samples: readonly Uint8Array[];
  readonly dictionary: readonly Uint8Array[];
}

/** The mutators, each drawn with equal probability. */
export const MUTATORS: readonly Mutator[] = [
  {
    name: 'bitflip',
    apply(input, rng) {
      if (input.length === 0) return input;
      const out = input.slice();
      const n = 1 + rng.below(4);
      for (let i = 0; i < n; i++) {
        const at = rng.below(out.length);
        out[at]! ^= 1 << rng.below(8);
      }
      return out;
    },
  },
  {
    name: 'byte',
    apply(input, rng) {
      if (input.length === 0) return input;
      const out = input.slice();
      out[rng.below(out.length)] = rng.pick([0, 0xff, 0x7f, 0x80, 0x01, rng.below(256)]);
      return out;
    },
  },
  {
    name: 'truncate',
    apply(input, rng) {
      return input.slice(0, rng.below(input.length + 1));
    },
  },
  {
    name: 'drop-head',
    apply(input, rng) {
      return input.slice(rng.below(Math.min(input.length, 64) + 1));
    },
  },
  {
    name: 'delete',
    apply(input, rng) {
      if (input.length < 2) return input;
      const at = rng.below(input.length);
      const len = 1 + rng.below(Math.min(64, input.length - at));
      return concat(input.subarray(0, at), input.subarray(at + len));
    },
  },
  {
    name: 'insert-random',
    apply(input, rng) {
      const at = rng.below(input.length + 1);
      const junk = new Uint8Array(1 + rng.below(32));
      for (let i = 0; i < junk.length; i++) junk[i] = rng.below(256);
      return concat(input.subarray(0, at), junk, input.subarray(at));
    },
  },
  {
    name: 'splice',
    apply(input, rng, ctx) {
      const other = rng.pick(ctx.samples);
      const a = rng.below(input.length + 1);
      const b = rng.below(other.length + 1);
      return concat(input.subarray(0, a), other.subarray(b));
    },
  },
  {
    name: 'length-field',
    apply(input, rng) {
      if (input.length === 0) return input;
      const out = input.slice();
      const width = rng.pick([1, 2, 4]);
      const at = rng.below(out.length);
      const base = rng.pick(INTERESTING);
      // Off-by-one around an interesting value, or around the input's own length.
      const value = rng.below(3) === 0 ? out.length - at + rng.below(3) - 1 : base;
      writeBE(out, at, (value + rng.below(3) - 1) >>> 0, width);
      return out;
    },
  },
  {
    name: 'der-length',
    apply(input, rng) {
      // A DER long-form length (0x84 + 4 bytes) right after a byte that looks like a tag.
      const tags = [0x30, 0x31, 0x02, 0x04, 0x06, 0xa0, 0x03];
      const candidates: number[] = [];
      for (let i = 0; i + 1 < input.length && candidates.length < 256; i++) {
        if (tags.includes(input[i]!)) candidates.push(i + 1);
      }
      if (candidates.length === 0) return input;
      const at = rng.pick(candidates);
      const len = rng.pick([0xffffffff, 0x7fffffff, 0x01000000, input.length, 0]);
      const head = new Uint8Array([0x84, 0, 0, 0, 0]);
      writeBE(head, 1, len, 4);
      // Replace the old length byte (short form) with the long form.
      return concat(input.subarray(0, at), head, input.subarray(at + 1));
    },
  },
  {
    name: 'huge-count',
    apply(input, rng) {
      if (input.length < 4) return input;
      const out = input.slice();
      writeBE(out, rng.below(out.length - 3), rng.pick([0x7fffffff, 0xffffffff, 0x00ffffff]), 4);
      return out;
    },
  },
  {
    name: 'repeat-chunk',
    apply(input, rng) {
      if (input.length === 0) return input;
      const at = rng.below(input.length);
      const len = 1 + rng.below(Math.min(256, input.length - at));
      const chunk = input.subarray(at, at + len);
      const times = rng.pick([2, 8, 64, 1024]);
      const parts: Uint8Array[] = [input.subarray(0, at + len)];
      for (let i = 1; i < times; i++) parts.push(chunk);
      parts.push(input.subarray(at + len));
      return concat(...parts);
    },
  },
  {
    name: 'token',
    apply(input, rng, ctx) {
      if (ctx.dictionary.length === 0) return input;
      const token = rng.pick(ctx.dictionary);
      const at = rng.below(input.length + 1);
      if (rng.below(2) === 0) return concat(input.subarray(0, at), token, input.subarray(at));
      return concat(input.subarray(0, at), token, input.subarray(at + token.length));
    },
  },
];

/** Mutates one sample with 1 to 4 stacked mutations; returns the input and the mutators used. */
export function mutate(
  sample: Uint8Array,
  rng: Rng,
  ctx: MutationContext,
): { input: Uint8Array; steps: string[] } {
  let input = sample;
  const steps: string[] = [];
  const n = 1 + rng.below(4);
  for (let i = 0; i < n; i++) {
    const m = rng.pick(MUTATORS);
    input = m.apply(input, rng, ctx);
    steps.push(m.name);
  }
  return { input, steps };
}
