/**
 * A WebAssembly version of the Twofish block-run kernels, assembled at run time from the
 * instructions below (no compiler, no binary blob: this file is the source). It exists for
 * cold start: a fresh process runs JavaScript in the interpreter until the optimising compiler
 * has finished with the JavaScript kernel (tens of milliseconds), while WebAssembly is
 * compiled by V8's baseline compiler (Liftoff) straight away and runs at a useful speed from
 * the first call. Once warm it is about as fast as the JavaScript kernel or faster (see
 * docs/twofish.md and bench/RESULTS.md).
 *
 * Same algorithm as kernel.ts (Twofish paper §4.1-§4.3, full keying §7.3). WebAssembly memory
 * is little-endian on every host, which is also Twofish's word order, so this path needs no
 * byte swapping. Binary format: WebAssembly Core Specification 2.0, §5 "Binary Format".
 *
 * Memory layout (one instance per process, shared by all keys; JavaScript is single-threaded
 * per isolate; the caller copies the expanded key in for each call and wipes it afterwards):
 * - [0, 4096): the four key-dependent S-box x MDS tables (1024 words);
 * - [4096, 4256): subkeys K_0..K_39;
 * - [4256, 4272): chaining value (CBC, little-endian words) or counter (CTR, four big-endian
 *   32-bit numbers, most significant first), read at the start of a run and written back;
 * - [DATA, DATA + DATA_BYTES): the data being processed in place.
 *
 * @module
 */

/** Byte offset of the data area in the kernel's memory. */
export const DATA = 4352;
/** Size of the data area: the largest run one kernel call processes. */
export const DATA_BYTES = 65536;
const SUBKEYS = 4096;
const CV = 4256;

// WebAssembly opcodes (Core Specification §5.4).
const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i32Rotl: 0x77,
  i32Rotr: 0x78,
} as const;
const VOID = 0x40;
const I32 = 0x7f;

/**
 * A growable byte buffer with the WebAssembly encodings this module needs. Writing through a
 * cursor (rather than concatenating arrays) keeps assembly cheap even before V8 has optimised
 * this code, which matters because assembly happens on the first Twofish call of a process.
 */
class Bytes {
  buf: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  n = 0;
  #room(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.n + extra));
    bigger.set(this.buf);
    this.buf = bigger;
  }
  byte(b: number): this {
    this.#room(1);
    this.buf[this.n++] = b;
    return this;
  }
  append(b: Uint8Array): this {
    this.#room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }
  /** Unsigned LEB128 (§5.2.2). */
  uleb(n: number): this {
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
    return this;
  }
  /** Signed LEB128 of a 32-bit integer (§5.2.2). */
  sleb(n: number): this {
    n |= 0;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  /** A name (§5.2.4): length, then the (ASCII) characters. */
  name(s: string): this {
    this.uleb(s.length);
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
    return this;
  }
  /** Length-prefixed contents (a section body, a function body). */
  sized(inner: Bytes): this {
    return this.uleb(inner.n).append(inner.bytes());
  }
  bytes(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.n);
  }
}

/** Instruction emitter for function bodies. */
class Body extends Bytes {
  op(b: number): this {
    return this.byte(b);
  }
  get(local: number): this {
    return this.byte(OP.localGet).uleb(local);
  }
  set(local: number): this {
    return this.byte(OP.localSet).uleb(local);
  }
  tee(local: number): this {
    return this.byte(OP.localTee).uleb(local);
  }
  const(n: number): this {
    return this.byte(OP.i32Const).sleb(n);
  }
  /** i32.load with a static offset (alignment 2^2); the dynamic address is on the stack. */
  load(offset: number): this {
    return this.byte(OP.i32Load).byte(2).uleb(offset);
  }
  store(offset: number): this {
    return this.byte(OP.i32Store).byte(2).uleb(offset);
  }
  /** Pushes subkey K_i. */
  subkey(i: number): this {
    return this.const(0).load(SUBKEYS + 4 * i);
  }
}

// Locals of every kernel function: parameters first.
const FROM = 0;
const TO = 1;
const A = 2;
const B = 3;
const C = 4;
const D = 5;
const T0 = 6;
const T1 = 7;
const C0 = 8; // chaining value / counter words
const C1 = 9;
const C2 = 10;
const C3 = 11;
const W0 = 12; // W0..W0+3: saved ciphertext words (CBC decryption)
const LOCALS_AFTER_PARAMS = 14;

/**
 * Pushes one S-box x MDS lookup for byte `j` of local `x` into table `t` (§7.3: the table
 * index is the byte; the address is 4 x byte + 1024 x table).
 */
function lookup(f: Body, x: number, j: number, t: number): void {
  f.get(x);
  if (j === 0) f.const(2).op(OP.i32Shl);
  else f.const(8 * j - 2).op(OP.i32ShrU);
  f.const(1020).op(OP.i32And);
  f.load(1024 * t);
}

/** t0 = g(x) and t1 = g(ROL(y, 8)) (§4.2: the two g evaluations of F). */
function gPair(f: Body, x: number, y: number): void {
  lookup(f, x, 0, 0);
  lookup(f, x, 1, 1);
  f.op(OP.i32Xor);
  lookup(f, x, 2, 2);
  f.op(OP.i32Xor);
  lookup(f, x, 3, 3);
  f.op(OP.i32Xor).set(T0);
  // Byte k of ROL(y, 8) is byte k - 1 of y (mod 4).
  lookup(f, y, 3, 0);
  lookup(f, y, 0, 1);
  f.op(OP.i32Xor);
  lookup(f, y, 1, 2);
  f.op(OP.i32Xor);
  lookup(f, y, 2, 3);
  f.op(OP.i32Xor).set(T1);
}

/** Pushes T0 + T1 + K_k (F0 of §4.2) or T0 + 2 T1 + K_k (F1). */
function fWord(f: Body, twice: boolean, k: number): void {
  f.get(T0).get(T1).op(OP.i32Add);
  if (twice) f.get(T1).op(OP.i32Add);
  f.subkey(k).op(OP.i32Add);
}

/** The 16 encryption rounds on locals A..D (§4.1, Figure 1; no swap, roles alternate). */
function encryptRounds(): Uint8Array {
  const f = new Body();
  for (let r = 0; r < 16; r++) {
    const [x, y, u, v] = r % 2 === 0 ? [A, B, C, D] : [C, D, A, B];
    gPair(f, x, y);
    // u = ROR(u ^ F0, 1); v = ROL(v, 1) ^ F1
    f.get(u);
    fWord(f, false, 2 * r + 8);
    f.op(OP.i32Xor).const(1).op(OP.i32Rotr).set(u);
    f.get(v).const(1).op(OP.i32Rotl);
    fWord(f, true, 2 * r + 9);
    f.op(OP.i32Xor).set(v);
  }
  return f.bytes();
}

/** The 16 decryption rounds, in reverse order (§4.1 run backwards). */
function decryptRounds(): Uint8Array {
  const f = new Body();
  for (let r = 15; r >= 0; r--) {
    const [x, y, u, v] = r % 2 === 0 ? [A, B, C, D] : [C, D, A, B];
    gPair(f, x, y);
    // u = ROL(u, 1) ^ F0; v = ROR(v ^ F1, 1)
    f.get(u).const(1).op(OP.i32Rotl);
    fWord(f, false, 2 * r + 8);
    f.op(OP.i32Xor).set(u);
    f.get(v);
    fWord(f, true, 2 * r + 9);
    f.op(OP.i32Xor).const(1).op(OP.i32Rotr).set(v);
  }
  return f.bytes();
}

/** Pushes the byte swap of local `x` (the counter's big-endian words read little-endian). */
function bswap(f: Body, x: number): void {
  f.get(x).const(8).op(OP.i32Rotl).const(0x00ff00ff).op(OP.i32And);
  f.get(x)
    .const(8)
    .op(OP.i32Rotr)
    .const(0xff00ff00 | 0)
    .op(OP.i32And);
  f.op(OP.i32Or);
}

type KernelMode = 'ecb' | 'cbc' | 'ctr';

/**
 * One kernel function's body: processes the blocks at byte addresses [from, to) in place.
 * `rounds` is the shared 16-round sequence (the same for every mode of one direction).
 */
function kernel(encrypt: boolean, mode: KernelMode, rounds: Uint8Array): Body {
  const f = new Body();
  f.uleb(1).uleb(LOCALS_AFTER_PARAMS).byte(I32); // locals: one group of i32
  const chained = mode !== 'ecb';
  if (chained) {
    for (let i = 0; i < 4; i++)
      f.const(0)
        .load(CV + 4 * i)
        .set(C0 + i);
  }
  f.op(OP.block).op(VOID).op(OP.loop).op(VOID);
  f.get(FROM).get(TO).op(OP.i32GeU).op(OP.brIf).op(1);
  if (encrypt) encryptBlock(f, mode, rounds);
  else decryptBlock(f, mode, rounds);
  f.get(FROM).const(16).op(OP.i32Add).set(FROM);
  f.op(OP.br).op(0).op(OP.end).op(OP.end);
  if (chained) {
    for (let i = 0; i < 4; i++)
      f.const(0)
        .get(C0 + i)
        .store(CV + 4 * i);
  }
  f.op(OP.end);
  return f;
}

/** The loop body of an encrypting kernel: one block at `FROM`, with the mode's chaining. */
function encryptBlock(f: Body, mode: KernelMode, rounds: Uint8Array): void {
  // Input whitening with K_0..K_3 (§4.1), after the mode's input transform.
  const regs = [A, B, C, D];
  for (let i = 0; i < 4; i++) {
    if (mode === 'ctr') bswap(f, C0 + i);
    else {
      f.get(FROM).load(DATA + 4 * i);
      if (mode === 'cbc') f.get(C0 + i).op(OP.i32Xor);
    }
    f.subkey(i).op(OP.i32Xor).set(regs[i]!);
  }
  f.append(rounds);
  // Output whitening with K_4..K_7 after undoing the last swap: (C, D, A, B).
  const outRegs = [C, D, A, B];
  for (let i = 0; i < 4; i++) {
    if (mode === 'ctr') {
      f.get(FROM)
        .get(FROM)
        .load(DATA + 4 * i);
      f.get(outRegs[i]!)
        .op(OP.i32Xor)
        .subkey(4 + i)
        .op(OP.i32Xor);
      f.store(DATA + 4 * i);
    } else if (mode === 'cbc') {
      f.get(FROM)
        .get(outRegs[i]!)
        .subkey(4 + i)
        .op(OP.i32Xor)
        .tee(C0 + i)
        .store(DATA + 4 * i);
    } else {
      f.get(FROM)
        .get(outRegs[i]!)
        .subkey(4 + i)
        .op(OP.i32Xor)
        .store(DATA + 4 * i);
    }
  }
  if (mode === 'ctr') {
    // 128-bit increment: C3 is least significant; carry while a word wraps to 0.
    f.get(C3).const(1).op(OP.i32Add).tee(C3).op(OP.i32Eqz).op(OP.if).op(VOID);
    f.get(C2).const(1).op(OP.i32Add).tee(C2).op(OP.i32Eqz).op(OP.if).op(VOID);
    f.get(C1).const(1).op(OP.i32Add).tee(C1).op(OP.i32Eqz).op(OP.if).op(VOID);
    f.get(C0).const(1).op(OP.i32Add).set(C0);
    f.op(OP.end).op(OP.end).op(OP.end);
  }
}

/** The loop body of a decrypting kernel (ECB or CBC): one block at `FROM`. */
function decryptBlock(f: Body, mode: KernelMode, rounds: Uint8Array): void {
  // Undo the output whitening and the last swap (§4.1).
  const regs = [C, D, A, B];
  for (let i = 0; i < 4; i++) {
    f.get(FROM).load(DATA + 4 * i);
    if (mode === 'cbc') f.tee(W0 + i);
    f.subkey(4 + i)
      .op(OP.i32Xor)
      .set(regs[i]!);
  }
  f.append(rounds);
  const outRegs = [A, B, C, D];
  for (let i = 0; i < 4; i++) {
    f.get(FROM).get(outRegs[i]!).subkey(i).op(OP.i32Xor);
    if (mode === 'cbc') f.get(C0 + i).op(OP.i32Xor);
    f.store(DATA + 4 * i);
  }
  if (mode === 'cbc') {
    for (let i = 0; i < 4; i++) f.get(W0 + i).set(C0 + i);
  }
}

/** The kernel functions, in export order. */
const FUNCTIONS: readonly [string, boolean, KernelMode][] = [
  ['ecbEncrypt', true, 'ecb'],
  ['ecbDecrypt', false, 'ecb'],
  ['cbcEncrypt', true, 'cbc'],
  ['cbcDecrypt', false, 'cbc'],
  ['ctr', true, 'ctr'],
];

/** The module's bytes (§5.5: module structure; exported for the tests). */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  const pages = Math.ceil((DATA + DATA_BYTES) / 65536);
  const m = new Bytes();
  m.byte(0x00).byte(0x61).byte(0x73).byte(0x6d).byte(0x01).byte(0x00).byte(0x00).byte(0x00);
  // Type section: one type, (i32, i32) -> ().
  m.byte(1).sized(new Bytes().uleb(1).byte(0x60).uleb(2).byte(I32).byte(I32).uleb(0));
  // Function section: every function has type 0.
  const fs = new Bytes().uleb(FUNCTIONS.length);
  for (let i = 0; i < FUNCTIONS.length; i++) fs.uleb(0);
  m.byte(3).sized(fs);
  // Memory section: one memory of a fixed number of pages.
  m.byte(5).sized(new Bytes().uleb(1).byte(0x01).uleb(pages).uleb(pages));
  // Export section: the functions, then the memory.
  const ex = new Bytes().uleb(FUNCTIONS.length + 1);
  FUNCTIONS.forEach(([name], i) => ex.name(name).byte(0x00).uleb(i));
  ex.name('memory').byte(0x02).uleb(0);
  m.byte(7).sized(ex);
  // Code section.
  const enc = encryptRounds();
  const dec = decryptRounds();
  const code = new Bytes().uleb(FUNCTIONS.length);
  for (const [, encrypt, mode] of FUNCTIONS) code.sized(kernel(encrypt, mode, encrypt ? enc : dec));
  m.byte(10).sized(code);
  return m.bytes().slice();
}

/** A run function: processes the blocks at byte addresses [DATA + from, DATA + to). */
export type WasmRun = (from: number, to: number) => void;

/** The instantiated kernel. */
export interface WasmKernel {
  readonly ecbEncrypt: WasmRun;
  readonly ecbDecrypt: WasmRun;
  readonly cbcEncrypt: WasmRun;
  readonly cbcDecrypt: WasmRun;
  readonly ctr: WasmRun;
  /** The memory as bytes. */
  readonly bytes: Uint8Array;
  /** The memory as 32-bit words (host order; this path is only used on little-endian hosts). */
  readonly words: Int32Array;
}

let instance: WasmKernel | null | undefined;

/**
 * The kernel, compiled and instantiated on first call; `undefined` when WebAssembly is not
 * available (or refuses to compile synchronously), in which case callers use kernel.ts.
 */
export function wasmKernel(): WasmKernel | undefined {
  if (instance === undefined) {
    instance = null;
    try {
      const wa = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
      if (wa) {
        const inst = new wa.Instance(new wa.Module(kernelModuleBytes()), {});
        const e = inst.exports as unknown as Record<string, WasmRun> & {
          memory: WebAssembly.Memory;
        };
        instance = {
          ecbEncrypt: e.ecbEncrypt!,
          ecbDecrypt: e.ecbDecrypt!,
          cbcEncrypt: e.cbcEncrypt!,
          cbcDecrypt: e.cbcDecrypt!,
          ctr: e.ctr!,
          bytes: new Uint8Array(e.memory.buffer),
          words: new Int32Array(e.memory.buffer),
        };
      }
    } catch {
      instance = null;
    }
  }
  return instance ?? undefined;
}
