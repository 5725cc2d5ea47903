/**
 * The interpreter of interpret.ts as a WebAssembly function, for F <= 4 and
 * every op but the six random setters (they draw from a JavaScript
 * generator). WebAssembly memory needs no bounds check per access and
 * `br_table` dispatches in a few cycles, so the same program runs about 2x
 * faster than in the JavaScript interpreter. Programs with a random op, or a
 * larger F, run in the JavaScript interpreter (supportsWasm).
 *
 * It runs the same assembled program (interpret.ts's Assembled) with the same
 * semantics, operation for operation and in the same order, so results are
 * bit-identical (tested against the JavaScript interpreter on random programs).
 * The final fitness formula stays in JavaScript (it needs Math.atan).
 */
import type { TaskRunner } from './compile.js';
import { TRAIN_BEGIN, TRAIN_END, TRAIN_MID, VALID_BEGIN, VALID_END, layOut, memoryLength, type Assembled, type ProgramShape } from './interpret.js';
import { floatToIndex } from './ops.js';
import { COMPONENTS, FEATURES_VECTOR, type MemorySize, type Program } from './program.js';
import { F64, I32, encodeModule, f64 as f64Bytes, i32 as i32Bytes, op, u32 } from './wasm-encoder.js';

// Node provides WebAssembly; the TypeScript libraries this project compiles with (no DOM) do not declare it.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
};
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Largest F run here: element loops are unrolled like the JavaScript interpreter's (same summation order). */
export const WASM_MAX_F = 4;
/** Instructions a program may have here (setup + 2 x predict + learn + 5 executor steps). */
const MAX_INSTRUCTIONS = 4096;

type Code = number[];

// Parameters and locals of the generated function (their index is their position).
const P = { codeLen: 0, trainBegin: 1, validBegin: 2, X: 3, Y: 4, nTrain: 5, VX: 6, VY: 7, nValid: 8, errs: 9, classify: 10, maxAbs: 11, reload: 12 };
const L = { i: 13, c: 14, o: 15, a: 16, b: 17, n: 18, xi: 19, loss: 20, e: 21, y: 22, q: 23, w: 24, k: 25 };
const PARAM_TYPES = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, I32];
const LOCAL_TYPES = [I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, I32];

const get = (l: number): Code => [op.localGet, ...u32(l)];
const set = (l: number, value: Code): Code => [...value, op.localSet, ...u32(l)];
const ic = (n: number): Code => [op.i32Const, ...i32Bytes(n)];
const fc = (x: number): Code => [op.f64Const, ...f64Bytes(x)];
const load = (addr: Code, offset: number): Code => [...addr, op.f64Load, 3, ...u32(offset)];
const store = (addr: Code, offset: number, value: Code): Code => [...addr, ...value, op.f64Store, 3, ...u32(offset)];
const loadI = (addr: Code, offset: number): Code => [...addr, op.i32Load, 2, ...u32(offset)];
const at = (l: number, k = 0): Code => load(get(l), 8 * k);
const slot = (s: number): Code => load(ic(0), 8 * s);
const ifThen = (cond: Code, then: Code): Code => [...cond, op.if, op.void, ...then, op.end];
const sum = (terms: Code[]): Code => terms.flatMap((t, k) => (k === 0 ? t : [...t, op.f64Add]));
/** select(whenTrue, whenFalse, cond) as JavaScript's `cond ? whenTrue : whenFalse`. */
const pick = (whenTrue: Code, whenFalse: Code, cond: Code): Code => [...whenTrue, ...whenFalse, ...cond, op.select];

interface Layout {
  F: number;
  memLen: number;
  /** F x F temporaries for ops whose output may alias an input (as interpret.ts's T). */
  temp: number;
  code: number;
  data: number;
  errs: number;
  free: number;
}

function layout(F: number, memory: MemorySize): Layout {
  const memLen = memoryLength(memory, F);
  const temp = Math.ceil((memLen * 8) / 16) * 16;
  const code = temp + Math.ceil((F * F * 8) / 16) * 16;
  const data = code + MAX_INSTRUCTIONS * 16;
  // An i32 before the errors: how many were written when a run stopped early.
  const errs = data + MAX_INSTRUCTIONS * 8 + 8;
  return { F, memLen, temp, code, data, errs, free: errs + 2 * 100_000 * 8 };
}

/** Imported from JavaScript's Math (same results by construction); exp also serves the sigmoid. */
const MATH = ['exp', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'log'] as const;
const call = (name: (typeof MATH)[number]): Code => [op.call, ...u32(MATH.indexOf(name))];

/** Op bodies: the emitters of ops.ts, written out for F <= 4 (unrolled, sums in the same order). */
function opBodies(F: number, dataAt: Code, temp: number): Map<number, Code> {
  const each = (body: (k: number) => Code): Code => Array.from({ length: F }, (_, k) => body(k)).flat();
  const out = (k: number, value: Code): Code => store(get(L.o), 8 * k, value);
  const scalarBinary = (opcode: number): Code => out(0, [...at(L.a), ...at(L.b), opcode]);
  const vectorBinary = (opcode: number): Code => each((k) => out(k, [...at(L.a, k), ...at(L.b, k), opcode]));
  // std::min(a, b) = b < a ? b : a; std::max(a, b) = a < b ? b : a (as ops.ts).
  const min = (a: Code, b: Code): Code => pick(b, a, [...b, ...a, op.f64Lt]);
  const max = (a: Code, b: Code): Code => pick(b, a, [...a, ...b, op.f64Lt]);
  const n = fc(F);
  const nn = fc(F * F);
  const range = (count: number): number[] => Array.from({ length: count }, (_, k) => k);
  const cells = range(F).flatMap((r) => range(F).map((k) => [r, k]));
  const eachCell = (body: (r: number, k: number) => Code): Code => cells.flatMap(([r, k]) => body(r, k));
  const m = (l: number, r: number, k: number): Code => at(l, r * F + k);
  const outM = (r: number, k: number, value: Code): Code => out(r * F + k, value);
  const tmp = (k: number): Code => load(ic(0), temp + 8 * k);
  const toTmp = (k: number, value: Code): Code => store(ic(0), temp + 8 * k, value);
  const matrixBinary = (opcode: number): Code => eachCell((r, k) => outM(r, k, [...m(L.a, r, k), ...m(L.b, r, k), opcode]));
  const unaryMath = (name: (typeof MATH)[number]): Code => out(0, [...at(L.a), ...call(name)]);
  // `let q = 0; q += ...` over all cells, as the matrix norm, mean and standard deviation emitters.
  const fromZero = (term: (r: number, k: number) => Code): Code => [...fc(0), ...eachCell((r, k) => [...term(r, k), op.f64Add])];
  const sqrtMeanSqMinusMeanSq = (count: Code): Code => [...get(L.w), ...count, op.f64Div, ...get(L.q), ...count, op.f64Div, ...get(L.q), ...count, op.f64Div, op.f64Mul, op.f64Sub, op.f64Sqrt];
  const bodies = new Map<number, Code>([
    [1, scalarBinary(op.f64Add)],
    [2, scalarBinary(op.f64Sub)],
    [3, scalarBinary(op.f64Mul)],
    [4, scalarBinary(op.f64Div)],
    [5, out(0, [...at(L.a), op.f64Abs])],
    [6, out(0, [...fc(1), ...at(L.a), op.f64Div])],
    [15, out(0, pick(fc(1), fc(0), [...at(L.a), ...fc(0), op.f64Ge]))],
    [16, each((k) => out(k, pick(fc(1), fc(0), [...at(L.a, k), ...fc(0), op.f64Gt])))],
    [18, each((k) => out(k, [...at(L.b, k), ...at(L.a), op.f64Mul]))],
    [19, each((k) => out(k, at(L.a)))],
    [20, each((k) => out(k, [...fc(1), ...at(L.a, k), op.f64Div]))],
    [21, out(0, [...sum(Array.from({ length: F }, (_, k) => [...at(L.a, k), ...at(L.a, k), op.f64Mul])), op.f64Sqrt])],
    [22, each((k) => out(k, [...at(L.a, k), op.f64Abs]))],
    [23, vectorBinary(op.f64Add)],
    [24, vectorBinary(op.f64Sub)],
    [25, vectorBinary(op.f64Mul)],
    [26, vectorBinary(op.f64Div)],
    [27, out(0, sum(Array.from({ length: F }, (_, k) => [...at(L.a, k), ...at(L.b, k), op.f64Mul])))],
    [44, out(0, min(at(L.a), at(L.b)))],
    [45, each((k) => out(k, min(at(L.a, k), at(L.b, k))))],
    [47, out(0, max(at(L.a), at(L.b)))],
    [48, each((k) => out(k, max(at(L.a, k), at(L.b, k))))],
    [50, out(0, [...sum(Array.from({ length: F }, (_, k) => at(L.a, k))), ...n, op.f64Div])],
    [
      54,
      [
        ...set(L.q, sum(Array.from({ length: F }, (_, k) => at(L.a, k)))),
        ...set(L.w, sum(Array.from({ length: F }, (_, k) => [...at(L.a, k), ...at(L.a, k), op.f64Mul]))),
        // Math.sqrt(w / F - (q / F) * (q / F))
        ...out(0, sqrtMeanSqMinusMeanSq(n)),
      ],
    ],
    [7, unaryMath('sin')],
    [8, unaryMath('cos')],
    [9, unaryMath('tan')],
    [10, unaryMath('asin')],
    [11, unaryMath('acos')],
    [12, unaryMath('atan')],
    [13, unaryMath('exp')],
    [14, unaryMath('log')],
    [17, eachCell((r, k) => outM(r, k, pick(fc(1), fc(0), [...m(L.a, r, k), ...fc(0), op.f64Gt])))],
    [28, eachCell((r, k) => outM(r, k, [...at(L.a, r), ...at(L.b, k), op.f64Mul]))],
    [29, eachCell((r, k) => outM(r, k, [...m(L.b, r, k), ...at(L.a), op.f64Mul]))],
    [30, eachCell((r, k) => outM(r, k, [...fc(1), ...m(L.a, r, k), op.f64Div]))],
    // The output vector may be the input vector: through temporaries, as the emitter.
    [31, [...range(F).flatMap((r) => toTmp(r, sum(range(F).map((k) => [...m(L.a, r, k), ...at(L.b, k), op.f64Mul])))), ...range(F).flatMap((r) => out(r, tmp(r)))]],
    [32, eachCell((r, k) => outM(r, k, at(L.a, r)))],
    [33, eachCell((r, k) => outM(r, k, at(L.a, k)))],
    [34, out(0, [...fromZero((r, k) => [...m(L.a, r, k), ...m(L.a, r, k), op.f64Mul]), op.f64Sqrt])],
    [35, range(F).flatMap((k) => out(k, [...sum(range(F).map((r) => [...m(L.a, r, k), ...m(L.a, r, k), op.f64Mul])), op.f64Sqrt]))],
    [36, range(F).flatMap((r) => out(r, [...sum(range(F).map((k) => [...m(L.a, r, k), ...m(L.a, r, k), op.f64Mul])), op.f64Sqrt]))],
    [37, [...eachCell((r, k) => toTmp(r * F + k, m(L.a, k, r))), ...eachCell((r, k) => outM(r, k, tmp(r * F + k)))]],
    [38, eachCell((r, k) => outM(r, k, [...m(L.a, r, k), op.f64Abs]))],
    [39, matrixBinary(op.f64Add)],
    [40, matrixBinary(op.f64Sub)],
    [41, matrixBinary(op.f64Mul)],
    [42, matrixBinary(op.f64Div)],
    [43, [...eachCell((r, k) => toTmp(r * F + k, sum(range(F).map((j) => [...m(L.a, r, j), ...m(L.b, j, k), op.f64Mul])))), ...eachCell((r, k) => outM(r, k, tmp(r * F + k)))]],
    // The matrix min/max emitters are a < b ? a : b and a > b ? a : b (not the std:: forms).
    [46, eachCell((r, k) => outM(r, k, pick(m(L.a, r, k), m(L.b, r, k), [...m(L.a, r, k), ...m(L.b, r, k), op.f64Lt])))],
    [49, eachCell((r, k) => outM(r, k, pick(m(L.a, r, k), m(L.b, r, k), [...m(L.a, r, k), ...m(L.b, r, k), op.f64Gt])))],
    [51, out(0, [...fromZero((r, k) => m(L.a, r, k)), ...nn, op.f64Div])],
    [52, range(F).flatMap((r) => out(r, [...sum(range(F).map((k) => m(L.a, r, k))), ...n, op.f64Div]))],
    [
      53,
      range(F).flatMap((r) => [
        ...set(L.q, sum(range(F).map((k) => m(L.a, r, k)))),
        ...set(L.w, sum(range(F).map((k) => [...m(L.a, r, k), ...m(L.a, r, k), op.f64Mul]))),
        ...out(r, sqrtMeanSqMinusMeanSq(n)),
      ]),
    ],
    [
      55,
      [
        ...set(L.q, fromZero((r, k) => m(L.a, r, k))),
        ...set(L.w, fromZero((r, k) => [...m(L.a, r, k), ...m(L.a, r, k), op.f64Mul])),
        ...out(0, sqrtMeanSqMinusMeanSq(nn)),
      ],
    ],
    // Constant setters: the element index is resolved when the program is loaded, the value is its data slot.
    [56, out(0, dataAt)],
    [57, out(0, dataAt)],
    [58, out(0, dataAt)],
  ]);
  return bodies;
}

/** Every op except NO_OP (dead anyway) and the six random setters (they draw from a JavaScript generator). */
const SUPPORTED = new Set(opBodies(WASM_MAX_F, [], 0).keys());

/** Whether the program's ops are all in `ops` and it fits (setup + 2 x predict + learn + 5 steps). */
function runsWith(program: Program, ops: ReadonlySet<number>): boolean {
  let count = 5 + program.predict.length;
  for (const c of COMPONENTS) {
    count += program[c].length;
    for (const x of program[c]) if (!ops.has(x.op)) return false;
  }
  return count <= MAX_INSTRUCTIONS;
}

/** Whether some WebAssembly interpreter can run `program` (its F and ops). */
export function supportsWasm(program: Program, F: number): boolean {
  return F <= WASM_MAX_F && runsWith(program, SUPPORTED);
}

function functionBody(lay: Layout, v0: number, ops: ReadonlySet<number>): Code {
  const { F } = lay;
  const row = (base: number): Code => [...get(base), ...get(L.xi), op.i32Add];
  const loadFeatures = (base: number): Code => Array.from({ length: F }, (_, k) => store(ic(0), 8 * (v0 + k), load(row(base), 8 * k))).flat();
  const nth = (base: number, index: Code): Code => [...get(base), ...index, ...ic(8), op.i32Mul, op.i32Add];
  const dataAt = load([...get(L.i), ...ic(8), op.i32Mul], lay.data);
  const sigmoidOfPrediction: Code = [...fc(1), ...fc(1), ...slot(1), op.f64Neg, ...call('exp'), op.f64Add, op.f64Div];
  // An early stop records how many errors were written (always a prefix: train, then validation) and returns -1.
  const stopIfTooLarge = (value: number, written: Code): Code =>
    ifThen([...get(value), ...get(P.maxAbs), op.f64Le, op.i32Eqz], [...ic(0), ...written, op.i32Store, 2, ...u32(lay.errs - 8), ...fc(-1), op.return]);
  const writeError = (index: Code, value: number): Code =>
    ifThen([...get(P.errs), ...ic(0), op.i32GeS], store(nth(P.errs, index), 0, get(value)));

  // Each case: its body and whether it ends by jumping out (else it falls into the next case).
  const cases: Array<{ ids: number[]; body: (exit: (extra?: number) => Code) => Code; falls?: boolean }> = [];
  for (const [id, body] of opBodies(F, dataAt, lay.temp)) {
    if (ops.has(id)) cases.push({ ids: [id], body: (exit) => [...body, ...exit()] });
  }
  cases.push({
    ids: [TRAIN_MID],
    body: (exit) => [
      ...ifThen(get(P.classify), store(ic(0), 8, sigmoidOfPrediction)),
      ...set(L.y, load(nth(P.Y, get(L.n)), 0)),
      ...set(L.e, [...get(L.y), ...slot(1), op.f64Sub, op.f64Abs]),
      ...stopIfTooLarge(L.e, get(L.n)),
      ...writeError(get(L.n), L.e),
      ...ifThen(get(P.reload), loadFeatures(P.X)),
      ...store(ic(0), 0, get(L.y)),
      ...exit(),
    ],
  });
  // The end of an example falls through into the start of the next (as in interpret.ts).
  cases.push({
    ids: [TRAIN_END],
    falls: true,
    body: () => [...set(L.n, [...get(L.n), ...ic(1), op.i32Add]), ...set(L.xi, [...get(L.xi), ...ic(8 * F), op.i32Add])],
  });
  cases.push({
    ids: [TRAIN_BEGIN],
    body: (exit) => [
      ...ifThen([...get(L.n), ...get(P.nTrain), op.i32GeS], [
        ...set(L.i, [...get(P.validBegin), ...ic(-1), op.i32Add]),
        ...set(L.n, ic(0)),
        ...set(L.xi, ic(0)),
        ...exit(1),
      ]),
      ...loadFeatures(P.X),
      ...store(ic(0), 0, fc(0)),
      ...set(L.i, get(P.trainBegin)),
      ...exit(),
    ],
  });
  cases.push({
    ids: [VALID_END],
    falls: true,
    body: () => [
      ...set(L.y, load(nth(P.VY, get(L.n)), 0)),
      ...get(P.classify),
      op.if, op.void,
      ...set(L.q, sigmoidOfPrediction),
      // prob > 1 || prob < 0 ? Infinity : (y > 0.5) === (prob > 0.5) ? 0 : 1
      ...set(L.e, pick(fc(Infinity), pick(fc(0), fc(1), [...get(L.y), ...fc(0.5), op.f64Gt, ...get(L.q), ...fc(0.5), op.f64Gt, op.i32Eq]), [
        ...get(L.q), ...fc(1), op.f64Gt, ...get(L.q), ...fc(0), op.f64Lt, op.i32Or,
      ])),
      ...set(L.loss, [...get(L.loss), ...get(L.e), op.f64Add]),
      op.else,
      ...set(L.e, [...get(L.y), ...slot(1), op.f64Sub]),
      ...set(L.loss, [...get(L.loss), ...get(L.e), ...get(L.e), op.f64Mul, op.f64Add]),
      op.end,
      ...set(L.w, [...get(L.e), op.f64Abs]),
      ...stopIfTooLarge(L.w, [...get(P.nTrain), ...get(L.n), op.i32Add]),
      ...writeError([...get(P.nTrain), ...get(L.n), op.i32Add], L.w),
      ...set(L.n, [...get(L.n), ...ic(1), op.i32Add]),
      ...set(L.xi, [...get(L.xi), ...ic(8 * F), op.i32Add]),
    ],
  });
  cases.push({
    ids: [VALID_BEGIN],
    body: (exit) => [
      ...ifThen([...get(L.n), ...get(P.nValid), op.i32GeS], [...set(L.i, get(P.codeLen)), ...exit(1)]),
      ...loadFeatures(P.VX),
      ...store(ic(0), 0, fc(0)),
      ...set(L.i, get(P.validBegin)),
      ...exit(),
    ],
  });
  const unsupported = cases.length;
  cases.push({ ids: [], body: () => [op.unreachable] });

  const K = cases.length;
  const table = Array.from({ length: 70 }, (_, id) => {
    const j = cases.findIndex((c) => c.ids.includes(id));
    return j < 0 ? unsupported : j;
  });
  const dispatch: Code = [...Array.from({ length: K }, () => [op.block, op.void]).flat(), ...loadI(get(L.c), lay.code), op.brTable, ...u32(table.length), ...table.flatMap((j) => u32(j)), ...u32(unsupported)];
  const bodies: Code = cases.flatMap((c, j) => {
    // From case j, the block after all cases ("next instruction") is K - 1 - j levels out.
    const exit = (extra = 0): Code => [op.br, ...u32(K - 1 - j + extra)];
    return [op.end, ...c.body(exit)];
  });
  return [
    // Memory starts at zero.
    ...set(L.k, ic(0)),
    op.loop, op.void,
    ...store([...get(L.k), ...ic(8), op.i32Mul], 0, fc(0)),
    ...set(L.k, [...get(L.k), ...ic(1), op.i32Add]),
    ...get(L.k), ...ic(lay.memLen), op.i32LtS, op.brIf, ...u32(0),
    op.end,
    // for (i = 0; i < codeLen; i++) dispatch on the opcode
    op.block, op.void,
    op.loop, op.void,
    ...get(L.i), ...get(P.codeLen), op.i32GeS, op.brIf, ...u32(1),
    ...set(L.c, [...get(L.i), ...ic(4), op.i32Shl]),
    ...set(L.o, loadI(get(L.c), lay.code + 4)),
    ...set(L.a, loadI(get(L.c), lay.code + 8)),
    ...set(L.b, loadI(get(L.c), lay.code + 12)),
    op.block, op.void, // next instruction
    ...dispatch,
    ...bodies,
    op.end,
    ...set(L.i, [...get(L.i), ...ic(1), op.i32Add]),
    op.br, ...u32(0),
    op.end,
    op.end,
    ...get(L.loss),
  ];
}

interface TaskAddresses {
  arrays: Float64Array[];
  x: number;
  y: number;
  vx: number;
  vy: number;
}

/**
 * One per domain instance (per thread). Task arrays are copied into the
 * module's memory once, on first use; a program is written there when it
 * runs and stays until another one runs.
 */
export class WasmInterpreter {
  private readonly lay: Layout;
  private readonly memory: WasmMemory;
  private readonly run: (...args: number[]) => number;
  private f: Float64Array;
  private i: Int32Array;
  /** The program in the module's memory (an assembled form or a live program), and its shape. */
  private loaded: Assembled | Program | null = null;
  private shape: ProgramShape = { count: 0, trainBegin: 0, validBegin: 0, predictWritesFeatures: false };
  private readonly taskAt = new WeakMap<Float64Array, number>();
  private readonly tasks = new WeakMap<Float64Array, TaskAddresses>();
  private free: number;

  /** The ops this instance has cases for. */
  private readonly ops: ReadonlySet<number>;

  /**
   * `ops`: the ops programs may use (a search space's): the function gets cases
   * for those only, which keeps it small (about 10% faster for the demo's six
   * than with all 58). Other programs are refused by `supports`.
   */
  constructor(
    readonly F: number,
    readonly memorySize: MemorySize,
    ops: Iterable<number> = SUPPORTED,
  ) {
    if (F > WASM_MAX_F) throw new RangeError(`wasm interpreter: F = ${F} > ${WASM_MAX_F}`);
    this.ops = new Set([...ops].filter((id) => SUPPORTED.has(id)));
    this.lay = layout(F, memorySize);
    const v0 = memorySize.scalars + FEATURES_VECTOR * F;
    const bytes = encodeModule({
      imports: MATH.map((name) => ({ name, type: { params: [F64], results: [F64] } })),
      func: { name: 'run', type: { params: PARAM_TYPES, results: [F64] }, locals: LOCAL_TYPES, body: functionBody(this.lay, v0, this.ops) },
      pages: Math.ceil(this.lay.free / 65536) + 1,
    });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: Object.fromEntries(MATH.map((name) => [name, Math[name]])) });
    this.memory = instance.exports.memory as WasmMemory;
    this.run = instance.exports.run as (...args: number[]) => number;
    this.f = new Float64Array(this.memory.buffer);
    this.i = new Int32Array(this.memory.buffer);
    this.free = this.lay.free;
  }

  /** Byte address of a task array in the module's memory (copied on first use). */
  private place(array: Float64Array): number {
    let address = this.taskAt.get(array);
    if (address !== undefined) return address;
    address = this.free;
    const end = address + array.length * 8;
    if (end > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / 65536));
      this.f = new Float64Array(this.memory.buffer);
      this.i = new Int32Array(this.memory.buffer);
    }
    this.f.set(array, address / 8);
    this.free = end;
    this.taskAt.set(array, address);
    return address;
  }

  /** A task's four arrays, placed together and found by its first (one lookup per run). */
  private placeTask(X: Float64Array, Y: Float64Array, VX: Float64Array, VY: Float64Array): TaskAddresses {
    let task = this.tasks.get(X);
    if (task === undefined || task.arrays[1] !== Y || task.arrays[2] !== VX || task.arrays[3] !== VY) {
      task = { arrays: [X, Y, VX, VY], x: this.place(X), y: this.place(Y), vx: this.place(VX), vy: this.place(VY) };
      this.tasks.set(X, task);
    }
    return task;
  }

  /** Writes step k into the module's memory. */
  private put(k: number, id: number, out: number, in1: number, in2: number, d0: number, d1: number, d2: number): void {
    let at = out;
    let value = d0;
    // Element setters: the element index is part of the output address; the value is the last datum.
    if (id === 57) {
      at += floatToIndex(d0, this.F);
      value = d1;
    } else if (id === 58) {
      at += floatToIndex(d0, this.F) * this.F + floatToIndex(d1, this.F);
      value = d2;
    }
    const base = this.lay.code / 4 + 4 * k;
    this.i[base] = id;
    this.i[base + 1] = at * 8;
    this.i[base + 2] = in1 * 8;
    this.i[base + 3] = in2 * 8;
    this.f[this.lay.data / 8 + k] = value;
  }

  private load(p: Assembled): void {
    if (this.loaded === p) return;
    const { code, data } = p;
    const count = code.length >> 2;
    for (let k = 0; k < count; k++) this.put(k, code[4 * k], code[4 * k + 1], code[4 * k + 2], code[4 * k + 3], data[3 * k], data[3 * k + 1], data[3 * k + 2]);
    this.loaded = p;
    this.shape = { count, trainBegin: p.trainBegin, validBegin: p.validBegin, predictWritesFeatures: p.predictWritesFeatures };
  }

  /** Loads a program's steps straight from its instructions (interpret.ts's layOut): no assembled arrays. */
  private loadProgram(p: Program): void {
    if (this.loaded === p) return;
    let k = 0;
    this.shape = layOut(p, this.F, this.memorySize, (id, out, in1, in2, d0, d1, d2) => this.put(k++, id, out, in1, in2, d0, d1, d2));
    this.loaded = p;
  }

  /** Whether this instance can run `program`. */
  supports(program: Program): boolean {
    return runsWith(program, this.ops);
  }

  /** A TaskRunner for `p` (a program that `supports` accepted). */
  runner(p: Assembled): TaskRunner {
    return this.taskRunner(() => this.load(p));
  }

  /** A TaskRunner for a (live) program that `supports` accepted, laid out when it runs: the same steps as `runner(assemble(p))`. */
  programRunner(p: Program): TaskRunner {
    return this.taskRunner(() => this.loadProgram(p));
  }

  private taskRunner(load: () => void): TaskRunner {
    return (X, Y, nTrain, VX, VY, nValid, _rng, errs, errsOffset, classify, maxAbsError) => {
      const { x, y, vx, vy } = this.placeTask(X, Y, VX, VY);
      load();
      const shape = this.shape;
      const loss = this.run(shape.count, shape.trainBegin, shape.validBegin, x, y, nTrain, vx, vy, nValid, errs === null ? -1 : this.lay.errs, classify ? 1 : 0, maxAbsError, shape.predictWritesFeatures ? 1 : 0);
      if (errs !== null) {
        // Entries after an early stop stay as they were: copy back what was written.
        const written = loss < 0 ? this.i[(this.lay.errs - 8) / 4] : nTrain + nValid;
        const errBase = this.lay.errs / 8;
        for (let k = 0; k < written; k++) errs[errsOffset + k] = this.f[errBase + k];
      }
      if (loss < 0) return 0;
      if (classify) return 1 - loss / nValid;
      const rmse = Math.sqrt(loss / nValid);
      return rmse === rmse && rmse !== Infinity ? 1 - 0.6366197723675814 * Math.atan(rmse) : 0;
    };
  }
}
