/**
 * WebAssembly code for AutoML-Zero's ops and executor steps, shared by the two
 * dispatch loops of wasm-interpreter.ts: one task in f64, and two tasks at once
 * in f64x2 lanes (wasm-lanes.ts). Both emit the same op bodies and the same
 * loss code, each written once for an `Isa`, so every lane computes the same
 * operations in the same order as interpret.ts: results are bit-identical.
 *
 * Memory layout (byte addresses, see `layout`): working memory (scalars,
 * vectors, matrices, as interpret.ts), temporaries, the interpreter's code and
 * data, the errors written for a probe, the lanes' memory, then task arrays.
 */
import { floatToIndex } from './ops.js';
import type { MemorySize } from './program.js';
import { memoryLength } from './interpret.js';
import { F64, I32, f64 as f64Bytes, i32 as i32Bytes, op, u32 } from './wasm-encoder.js';

/** Largest F run here: element loops are unrolled like the JavaScript interpreter's (same summation order). */
export const WASM_MAX_F = 4;
/** Instructions a program may have here (setup + 2 x predict + learn + 5 executor steps). */
export const MAX_INSTRUCTIONS = 4096;

export type Code = number[];

// Parameters and locals of the generated function (their index is their position).
export const P = { codeLen: 0, trainBegin: 1, validBegin: 2, X: 3, Y: 4, nTrain: 5, VX: 6, VY: 7, nValid: 8, errs: 9, classify: 10, maxAbs: 11, reload: 12 };
export const L = { i: 13, c: 14, o: 15, a: 16, b: 17, n: 18, xi: 19, loss: 20, e: 21, y: 22, q: 23, w: 24, k: 25 };
export const PARAM_TYPES = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, I32];
export const LOCAL_TYPES = [I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, I32];

export const get = (l: number): Code => [op.localGet, ...u32(l)];
export const set = (l: number, value: Code): Code => [...value, op.localSet, ...u32(l)];
export const ic = (n: number): Code => [op.i32Const, ...i32Bytes(n)];
export const fc = (x: number): Code => [op.f64Const, ...f64Bytes(x)];
export const load = (addr: Code, offset: number): Code => [...addr, op.f64Load, 3, ...u32(offset)];
export const store = (addr: Code, offset: number, value: Code): Code => [...addr, ...value, op.f64Store, 3, ...u32(offset)];
export const loadI = (addr: Code, offset: number): Code => [...addr, op.i32Load, 2, ...u32(offset)];
export const ifThen = (cond: Code, then: Code): Code => [...cond, op.if, op.void, ...then, op.end];

export interface Layout {
  F: number;
  memLen: number;
  /** F x F temporaries for ops whose output may alias an input (as interpret.ts's T). */
  temp: number;
  code: number;
  data: number;
  errs: number;
  /** The lane-pair interpreter's slots (16 bytes each) and temporaries. */
  lanes: number;
  laneTemp: number;
  /** Its second task's four array addresses (i32 each). */
  args: number;
  /** Its results: the two losses (f64 each), then each lane's stop (i32: errors written, or -1). */
  result: number;
  free: number;
}

/** Examples per task whose errors the module can hold for each lane of a pair (twice that for one task). */
export const ERRORS_PER_LANE = 100_000;

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

export function layout(F: number, memory: MemorySize): Layout {
  const memLen = memoryLength(memory, F);
  const temp = align16(memLen * 8);
  const code = temp + align16(F * F * 8);
  const data = code + MAX_INSTRUCTIONS * 16;
  // An i32 before the errors: how many were written when a run stopped early.
  const errs = data + MAX_INSTRUCTIONS * 8 + 8;
  const lanes = align16(errs + 2 * ERRORS_PER_LANE * 8);
  const laneTemp = lanes + 16 * memLen;
  const args = laneTemp + 16 * F * F;
  const result = args + 16;
  return { F, memLen, temp, code, data, errs, lanes, laneTemp, args, result, free: result + 32 };
}

/** Imported from JavaScript's Math (same results by construction); exp also serves the sigmoid. */
export const MATH = ['exp', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'log'] as const;
export const call = (name: (typeof MATH)[number]): Code => [op.call, ...u32(MATH.indexOf(name))];

/** The instructions op bodies are written in: f64 (one value per slot) or f64x2 (two lanes per slot). */
export interface Isa {
  /** Bytes per slot, and the byte address of slot 0 and of the temporaries. */
  width: number;
  base: number;
  temp: number;
  load(addr: Code, offset: number): Code;
  store(addr: Code, offset: number, value: Code): Code;
  /** A constant (in every lane). */
  c(x: number): Code;
  add: Code;
  sub: Code;
  mul: Code;
  div: Code;
  abs: Code;
  neg: Code;
  sqrt: Code;
  lt: Code;
  gt: Code;
  ge: Code;
  /** (whenTrue, whenFalse, condition as `lt`... give it) -> one of the two. */
  select: Code;
  /** Equality and or of two conditions as the comparisons give them (i32 0/1, or lane masks). */
  sameCondition: Code;
  eitherCondition: Code;
  /** Applies an imported Math function (lane by lane). */
  call(name: (typeof MATH)[number]): Code;
}

/** Scalar f64 code: slots from address 0, temporaries at `temp`. */
export function f64Isa(temp: number): Isa {
  return {
    width: 8,
    base: 0,
    temp,
    load,
    store,
    c: fc,
    add: [op.f64Add],
    sub: [op.f64Sub],
    mul: [op.f64Mul],
    div: [op.f64Div],
    abs: [op.f64Abs],
    neg: [op.f64Neg],
    sqrt: [op.f64Sqrt],
    lt: [op.f64Lt],
    gt: [op.f64Gt],
    ge: [op.f64Ge],
    select: [op.select],
    sameCondition: [op.i32Eq],
    eitherCondition: [op.i32Or],
    call,
  };
}

/** A SIMD instruction: the 0xfd prefix, then its opcode (LEB128). */
export const simd = (opcode: number): Code => [0xfd, ...u32(opcode)];
/** SIMD opcodes used (core spec, "Vector Instructions"). */
export const SIMD = {
  load: 0x00, store: 0x0b, const: 0x0c, splat: 0x14, extractLane: 0x21, replaceLane: 0x22,
  i32ExtractLane: 0x1b, lt: 0x49, gt: 0x4a, le: 0x4b, ge: 0x4c, and: 0x4e, andNot: 0x4f, or: 0x50, bitselect: 0x52, anyTrue: 0x53,
  i64Eq: 0xd6, abs: 0xec, neg: 0xed, sqrt: 0xef, add: 0xf0, sub: 0xf1, mul: 0xf2, div: 0xf3,
} as const;
/** v128 loads and stores, 16-byte aligned. */
export const load2 = (addr: Code, offset: number): Code => [...addr, ...simd(SIMD.load), 4, ...u32(offset)];
export const store2 = (addr: Code, offset: number, value: Code): Code => [...addr, ...value, ...simd(SIMD.store), 4, ...u32(offset)];
export const splat = (x: number): Code => [...simd(SIMD.const), ...f64Bytes(x), ...f64Bytes(x)];
/** f(v) lane by lane for an imported f64 function, through the v128 local `scratch`. */
export const callEachLane = (name: (typeof MATH)[number], scratch: number): Code => [
  op.localTee, ...u32(scratch), ...simd(SIMD.extractLane), 0, ...call(name), ...simd(SIMD.splat),
  ...get(scratch), ...simd(SIMD.extractLane), 1, ...call(name), ...simd(SIMD.replaceLane), 1,
];

/** f64x2 code: slot s at base + 16 s, temporaries at `temp`; `scratch` is a v128 local for lane-by-lane calls. */
export function laneIsa(base: number, temp: number, scratch: number): Isa {
  return {
    width: 16,
    base,
    temp,
    load: load2,
    store: store2,
    c: splat,
    add: simd(SIMD.add),
    sub: simd(SIMD.sub),
    mul: simd(SIMD.mul),
    div: simd(SIMD.div),
    abs: simd(SIMD.abs),
    neg: simd(SIMD.neg),
    sqrt: simd(SIMD.sqrt),
    lt: simd(SIMD.lt),
    gt: simd(SIMD.gt),
    ge: simd(SIMD.ge),
    select: simd(SIMD.bitselect),
    sameCondition: simd(SIMD.i64Eq),
    eitherCondition: simd(SIMD.or),
    call: (name) => callEachLane(name, scratch),
  };
}

/** `cond ? whenTrue : whenFalse` in `v`'s instructions (wasm's select, or bitselect on lane masks). */
function picker(v: Isa): (whenTrue: Code, whenFalse: Code, cond: Code) => Code {
  return (whenTrue, whenFalse, cond) => [...whenTrue, ...whenFalse, ...cond, ...v.select];
}

/**
 * Op bodies: the emitters of ops.ts, written out for F <= 4 (unrolled, sums in
 * the same order), in the instructions of `v`: one f64 per slot (the
 * interpreter) or two lanes of f64x2 (the lane-pair interpreter, two tasks at
 * once). Each lane computes exactly what the f64 form computes. Each body is
 * written out when asked for: a search space uses a few of the 58 ops.
 */
export function opBodies(v: Isa, F: number, dataAt: Code): Map<number, () => Code> {
  const at = (l: number, k = 0): Code => v.load(get(l), v.base + v.width * k);
  const each = (body: (k: number) => Code): Code => Array.from({ length: F }, (_, k) => body(k)).flat();
  const out = (k: number, value: Code): Code => v.store(get(L.o), v.base + v.width * k, value);
  const pick = picker(v);
  const sum = (terms: Code[]): Code => terms.flatMap((t, k) => (k === 0 ? t : [...t, ...v.add]));
  const scalarBinary = (opcode: Code): Code => out(0, [...at(L.a), ...at(L.b), ...opcode]);
  const vectorBinary = (opcode: Code): Code => each((k) => out(k, [...at(L.a, k), ...at(L.b, k), ...opcode]));
  // std::min(a, b) = b < a ? b : a; std::max(a, b) = a < b ? b : a (as ops.ts).
  const min = (a: Code, b: Code): Code => pick(b, a, [...b, ...a, ...v.lt]);
  const max = (a: Code, b: Code): Code => pick(b, a, [...a, ...b, ...v.lt]);
  const n = v.c(F);
  const nn = v.c(F * F);
  const range = (count: number): number[] => Array.from({ length: count }, (_, k) => k);
  const cells = range(F).flatMap((r) => range(F).map((k) => [r, k]));
  const eachCell = (body: (r: number, k: number) => Code): Code => cells.flatMap(([r, k]) => body(r, k));
  const m = (l: number, r: number, k: number): Code => at(l, r * F + k);
  const outM = (r: number, k: number, value: Code): Code => out(r * F + k, value);
  const tmp = (k: number): Code => v.load(ic(0), v.temp + v.width * k);
  const toTmp = (k: number, value: Code): Code => v.store(ic(0), v.temp + v.width * k, value);
  const matrixBinary = (opcode: Code): Code => eachCell((r, k) => outM(r, k, [...m(L.a, r, k), ...m(L.b, r, k), ...opcode]));
  const unaryMath = (name: (typeof MATH)[number]): Code => out(0, [...at(L.a), ...v.call(name)]);
  // `let q = 0; q += ...` over all cells, as the matrix norm, mean and standard deviation emitters.
  const fromZero = (term: (r: number, k: number) => Code): Code => [...v.c(0), ...eachCell((r, k) => [...term(r, k), ...v.add])];
  const sqrtMeanSqMinusMeanSq = (count: Code): Code => [...get(L.w), ...count, ...v.div, ...get(L.q), ...count, ...v.div, ...get(L.q), ...count, ...v.div, ...v.mul, ...v.sub, ...v.sqrt];
  const bodies = new Map<number, () => Code>([
    [1, () => scalarBinary(v.add)],
    [2, () => scalarBinary(v.sub)],
    [3, () => scalarBinary(v.mul)],
    [4, () => scalarBinary(v.div)],
    [5, () => out(0, [...at(L.a), ...v.abs])],
    [6, () => out(0, [...v.c(1), ...at(L.a), ...v.div])],
    [15, () => out(0, pick(v.c(1), v.c(0), [...at(L.a), ...v.c(0), ...v.ge]))],
    [16, () => each((k) => out(k, pick(v.c(1), v.c(0), [...at(L.a, k), ...v.c(0), ...v.gt])))],
    [18, () => each((k) => out(k, [...at(L.b, k), ...at(L.a), ...v.mul]))],
    [19, () => each((k) => out(k, at(L.a)))],
    [20, () => each((k) => out(k, [...v.c(1), ...at(L.a, k), ...v.div]))],
    [21, () => out(0, [...sum(Array.from({ length: F }, (_, k) => [...at(L.a, k), ...at(L.a, k), ...v.mul])), ...v.sqrt])],
    [22, () => each((k) => out(k, [...at(L.a, k), ...v.abs]))],
    [23, () => vectorBinary(v.add)],
    [24, () => vectorBinary(v.sub)],
    [25, () => vectorBinary(v.mul)],
    [26, () => vectorBinary(v.div)],
    [27, () => out(0, sum(Array.from({ length: F }, (_, k) => [...at(L.a, k), ...at(L.b, k), ...v.mul])))],
    [44, () => out(0, min(at(L.a), at(L.b)))],
    [45, () => each((k) => out(k, min(at(L.a, k), at(L.b, k))))],
    [47, () => out(0, max(at(L.a), at(L.b)))],
    [48, () => each((k) => out(k, max(at(L.a, k), at(L.b, k))))],
    [50, () => out(0, [...sum(Array.from({ length: F }, (_, k) => at(L.a, k))), ...n, ...v.div])],
    [
      54,
      () => [
        ...set(L.q, sum(Array.from({ length: F }, (_, k) => at(L.a, k)))),
        ...set(L.w, sum(Array.from({ length: F }, (_, k) => [...at(L.a, k), ...at(L.a, k), ...v.mul]))),
        // Math.sqrt(w / F - (q / F) * (q / F))
        ...out(0, sqrtMeanSqMinusMeanSq(n)),
      ],
    ],
    [7, () => unaryMath('sin')],
    [8, () => unaryMath('cos')],
    [9, () => unaryMath('tan')],
    [10, () => unaryMath('asin')],
    [11, () => unaryMath('acos')],
    [12, () => unaryMath('atan')],
    [13, () => unaryMath('exp')],
    [14, () => unaryMath('log')],
    [17, () => eachCell((r, k) => outM(r, k, pick(v.c(1), v.c(0), [...m(L.a, r, k), ...v.c(0), ...v.gt])))],
    [28, () => eachCell((r, k) => outM(r, k, [...at(L.a, r), ...at(L.b, k), ...v.mul]))],
    [29, () => eachCell((r, k) => outM(r, k, [...m(L.b, r, k), ...at(L.a), ...v.mul]))],
    [30, () => eachCell((r, k) => outM(r, k, [...v.c(1), ...m(L.a, r, k), ...v.div]))],
    // The output vector may be the input vector: through temporaries, as the emitter.
    [31, () => [...range(F).flatMap((r) => toTmp(r, sum(range(F).map((k) => [...m(L.a, r, k), ...at(L.b, k), ...v.mul])))), ...range(F).flatMap((r) => out(r, tmp(r)))]],
    [32, () => eachCell((r, k) => outM(r, k, at(L.a, r)))],
    [33, () => eachCell((r, k) => outM(r, k, at(L.a, k)))],
    [34, () => out(0, [...fromZero((r, k) => [...m(L.a, r, k), ...m(L.a, r, k), ...v.mul]), ...v.sqrt])],
    [35, () => range(F).flatMap((k) => out(k, [...sum(range(F).map((r) => [...m(L.a, r, k), ...m(L.a, r, k), ...v.mul])), ...v.sqrt]))],
    [36, () => range(F).flatMap((r) => out(r, [...sum(range(F).map((k) => [...m(L.a, r, k), ...m(L.a, r, k), ...v.mul])), ...v.sqrt]))],
    [37, () => [...eachCell((r, k) => toTmp(r * F + k, m(L.a, k, r))), ...eachCell((r, k) => outM(r, k, tmp(r * F + k)))]],
    [38, () => eachCell((r, k) => outM(r, k, [...m(L.a, r, k), ...v.abs]))],
    [39, () => matrixBinary(v.add)],
    [40, () => matrixBinary(v.sub)],
    [41, () => matrixBinary(v.mul)],
    [42, () => matrixBinary(v.div)],
    [43, () => [...eachCell((r, k) => toTmp(r * F + k, sum(range(F).map((j) => [...m(L.a, r, j), ...m(L.b, j, k), ...v.mul])))), ...eachCell((r, k) => outM(r, k, tmp(r * F + k)))]],
    // The matrix min/max emitters are a < b ? a : b and a > b ? a : b (not the std:: forms).
    [46, () => eachCell((r, k) => outM(r, k, pick(m(L.a, r, k), m(L.b, r, k), [...m(L.a, r, k), ...m(L.b, r, k), ...v.lt])))],
    [49, () => eachCell((r, k) => outM(r, k, pick(m(L.a, r, k), m(L.b, r, k), [...m(L.a, r, k), ...m(L.b, r, k), ...v.gt])))],
    [51, () => out(0, [...fromZero((r, k) => m(L.a, r, k)), ...nn, ...v.div])],
    [52, () => range(F).flatMap((r) => out(r, [...sum(range(F).map((k) => m(L.a, r, k))), ...n, ...v.div]))],
    [
      53,
      () => range(F).flatMap((r) => [
        ...set(L.q, sum(range(F).map((k) => m(L.a, r, k)))),
        ...set(L.w, sum(range(F).map((k) => [...m(L.a, r, k), ...m(L.a, r, k), ...v.mul]))),
        ...out(r, sqrtMeanSqMinusMeanSq(n)),
      ]),
    ],
    [
      55,
      () => [
        ...set(L.q, fromZero((r, k) => m(L.a, r, k))),
        ...set(L.w, fromZero((r, k) => [...m(L.a, r, k), ...m(L.a, r, k), ...v.mul])),
        ...out(0, sqrtMeanSqMinusMeanSq(nn)),
      ],
    ],
    // Constant setters: the element index is resolved when the program is loaded, the value is its data slot.
    [56, () => out(0, dataAt)],
    [57, () => out(0, dataAt)],
    [58, () => out(0, dataAt)],
  ]);
  return bodies;
}

/** Every op except NO_OP (dead anyway) and the six random setters (they draw from a JavaScript generator). */
export const SUPPORTED = new Set(opBodies(f64Isa(0), WASM_MAX_F, []).keys());

/** The next example: L.n one on, L.xi one row of F features on. */
export function nextExample(F: number): Code {
  return [...set(L.n, [...get(L.n), ...ic(1), op.i32Add]), ...set(L.xi, [...get(L.xi), ...ic(8 * F), op.i32Add])];
}

/**
 * The prediction's sigmoid and a validation example's loss term, in `v`'s
 * instructions (L.y holds the label; L.e receives the error, L.loss the sum),
 * the same for one task and for lanes.
 */
export function lossCode(v: Isa) {
  const prediction = v.load(ic(0), v.base + v.width);
  const pick = picker(v);
  const sigmoid: Code = [...v.c(1), ...v.c(1), ...prediction, ...v.neg, ...v.call('exp'), ...v.add, ...v.div];
  return {
    sigmoid,
    squaredError: [...set(L.e, [...get(L.y), ...prediction, ...v.sub]), ...set(L.loss, [...get(L.loss), ...get(L.e), ...get(L.e), ...v.mul, ...v.add])],
    classificationError: [
      ...set(L.q, sigmoid),
      // prob > 1 || prob < 0 ? Infinity : (y > 0.5) === (prob > 0.5) ? 0 : 1
      ...set(L.e, pick(v.c(Infinity), pick(v.c(0), v.c(1), [...get(L.y), ...v.c(0.5), ...v.gt, ...get(L.q), ...v.c(0.5), ...v.gt, ...v.sameCondition]), [
        ...get(L.q), ...v.c(1), ...v.gt, ...get(L.q), ...v.c(0), ...v.lt, ...v.eitherCondition,
      ])),
      ...set(L.loss, [...get(L.loss), ...get(L.e), ...v.add]),
    ],
  };
}

/**
 * The executor's per-example steps, the same code for both executors.
 * Locals: L.n is the example index within the phase, L.xi its byte offset in
 * the feature arrays; an early stop records how many errors were written
 * (always a prefix: train, then validation) and returns -1.
 * `classify`: the condition that the task is a classification (null: code for
 * regression only, which calls no imported function).
 */
export function stepCode(lay: Layout, v0: number, classify: Code | null = get(P.classify)) {
  const { F } = lay;
  const v = f64Isa(lay.temp);
  const { sigmoid, squaredError, classificationError } = lossCode(v);
  const row = (base: number): Code => [...get(base), ...get(L.xi), op.i32Add];
  const nth = (base: number, index: Code): Code => [...get(base), ...index, ...ic(8), op.i32Mul, op.i32Add];
  const stopIfTooLarge = (value: number, written: Code): Code =>
    ifThen([...get(value), ...get(P.maxAbs), op.f64Le, op.i32Eqz], [...ic(0), ...written, op.i32Store, 2, ...u32(lay.errs - 8), ...fc(-1), op.return]);
  const writeError = (index: Code, value: number): Code =>
    ifThen([...get(P.errs), ...ic(0), op.i32GeS], store(nth(P.errs, index), 0, get(value)));
  const loadFeatures = (base: number): Code => Array.from({ length: F }, (_, k) => store(ic(0), 8 * (v0 + k), load(row(base), 8 * k))).flat();
  return {
    /** Before an example's Predict: v0 = its features, s0 = 0. */
    startExample: (base: number): Code => [...loadFeatures(base), ...store(ic(0), 0, fc(0))],
    /** Between Predict and Learn: the train error (stop or record it), then v0 = features again if `reload` (null: never), s0 = label. */
    trainMid: (reload: Code | null): Code => [
      ...(classify === null ? [] : ifThen(classify, store(ic(0), 8, sigmoid))),
      ...set(L.y, load(nth(P.Y, get(L.n)), 0)),
      ...set(L.e, [...get(L.y), ...load(ic(0), 8), op.f64Sub, op.f64Abs]),
      ...stopIfTooLarge(L.e, get(L.n)),
      ...writeError(get(L.n), L.e),
      ...(reload === null ? [] : ifThen(reload, loadFeatures(P.X))),
      ...store(ic(0), 0, get(L.y)),
    ],
    nextExample: nextExample(F),
    /** After a validation example's Predict: its loss term, the early stop and its error, then the next example. */
    validEnd: (): Code => [
      ...set(L.y, load(nth(P.VY, get(L.n)), 0)),
      ...(classify === null ? squaredError : [...classify, op.if, op.void, ...classificationError, op.else, ...squaredError, op.end]),
      ...set(L.w, [...get(L.e), op.f64Abs]),
      ...stopIfTooLarge(L.w, [...get(P.nTrain), ...get(L.n), op.i32Add]),
      ...writeError([...get(P.nTrain), ...get(L.n), op.i32Add], L.w),
      ...nextExample(F),
    ],
    /** Memory starts at zero (L.k counts the slots). */
    zeroMemory: (): Code => [
      ...set(L.k, ic(0)),
      op.loop, op.void,
      ...store([...get(L.k), ...ic(8), op.i32Mul], 0, fc(0)),
      ...set(L.k, [...get(L.k), ...ic(1), op.i32Add]),
      ...get(L.k), ...ic(lay.memLen), op.i32LtS, op.brIf, ...u32(0),
      op.end,
    ],
  };
}

/** The code of the executor's steps (stepCode's, or laneStepCode's for two tasks at once). */
export type Steps = ReturnType<typeof stepCode>;

/**
 * Where a step's output goes, for the constant setters: the element setters'
 * index is part of the output address. Two functions rather than one that
 * returns both: they run for every step of every new program, and a pair
 * object each was one more allocation per step.
 */
export function constantAt(id: number, out: number, d0: number, d1: number, F: number): number {
  if (id === 57) return out + floatToIndex(d0, F);
  if (id === 58) return out + floatToIndex(d0, F) * F + floatToIndex(d1, F);
  return out;
}

/** Which value a step writes (its data value for the constant setters: the first, or the one after the index). */
export function constantValue(id: number, d0: number, d1: number, d2: number): number {
  return id === 57 ? d1 : id === 58 ? d2 : d0;
}

