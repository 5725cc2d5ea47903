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
 *
 * The same dispatch loop is built twice from the same op bodies
 * (wasm-emit.ts): over one task in f64, and over two tasks at once in f64x2
 * lanes (wasm-lanes.ts). The pair costs little more than one task, since
 * most of an interpreter's time is its dispatch; an evaluation runs its tasks
 * two by two (execute.ts), about 1.8x faster on the demo.
 */
import type { PairRunner, TaskRunner } from './compile.js';
import { TRAIN_BEGIN, TRAIN_END, TRAIN_MID, VALID_BEGIN, VALID_END, layOut, type Assembled, type ProgramShape, type StepSink } from './interpret.js';
import { NUM_OPS } from './ops.js';
import { FEATURES_VECTOR, type Instruction, type MemorySize, type Program } from './program.js';
import { F64, encodeModule, op, u32 } from './wasm-encoder.js';
import { LANE_LOCAL_TYPES, laneFinish, laneIsaOf, laneStepCode } from './wasm-lanes.js';
import {
  type Code, ERRORS_PER_LANE, type Isa, L, LOCAL_TYPES, type Layout, MATH, MAX_INSTRUCTIONS, P, PARAM_TYPES, SIMD, SUPPORTED, type Steps, WASM_MAX_F,
  constantAt, constantValue, f64Isa, get, ic, ifThen, layout, load, loadI, opBodies, set, simd, stepCode,
} from './wasm-emit.js';

export { WASM_MAX_F } from './wasm-emit.js';

// Node provides WebAssembly; the TypeScript libraries this project compiles with (no DOM) do not declare it.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
};
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}


/** Whether the program's ops are all in `ops` (a table by op id: it runs for every new program) and it fits (setup + 2 x predict + learn + 5 steps). */
function runsWith(program: Program, ops: Uint8Array): boolean {
  const { setup, predict, learn } = program;
  if (5 + setup.length + 2 * predict.length + learn.length > MAX_INSTRUCTIONS) return false;
  return allIn(setup, ops) && allIn(predict, ops) && allIn(learn, ops);
}

function allIn(code: readonly Instruction[], ops: Uint8Array): boolean {
  for (let k = 0; k < code.length; k++) if (ops[code[k].op] !== 1) return false;
  return true;
}

/** Op ids as a table: 1 where `ops` has the id. */
function opTable(ops: Iterable<number>): Uint8Array {
  const table = new Uint8Array(NUM_OPS);
  for (const id of ops) table[id] = 1;
  return table;
}

const SUPPORTED_TABLE = opTable(SUPPORTED);

/** Whether some WebAssembly interpreter can run `program` (its F and ops). */
export function supportsWasm(program: Program, F: number): boolean {
  return F <= WASM_MAX_F && runsWith(program, SUPPORTED_TABLE);
}

/** What a dispatch loop is made of: one task in f64 (stepCode) or two in f64x2 lanes (laneStepCode). */
interface Flavor {
  isa: Isa;
  steps: Steps;
  /** Slot byte addresses in the step table are 8 x slot: shifted left by this for the flavor's slot width. */
  shift: number;
  /** The return value, after the last step. */
  finish: Code;
}

function functionBody(lay: Layout, ops: ReadonlySet<number>, flavor: Flavor): Code {
  const { F } = lay;
  const { steps } = flavor;
  // The constant setters' value, read from the step's data slot (in every lane).
  const datum = load([...get(L.i), ...ic(8), op.i32Mul], lay.data);
  const dataAt = flavor.isa.width === 8 ? datum : [...datum, ...simd(SIMD.splat)];

  // Each case: its body and whether it ends by jumping out (else it falls into the next case).
  const cases: Array<{ ids: number[]; body: (exit: (extra?: number) => Code) => Code; falls?: boolean }> = [];
  for (const [id, body] of opBodies(flavor.isa, F, dataAt)) {
    if (ops.has(id)) cases.push({ ids: [id], body: (exit) => [...body(), ...exit()] });
  }
  cases.push({ ids: [TRAIN_MID], body: (exit) => [...steps.trainMid(get(P.reload)), ...exit()] });
  // The end of an example falls through into the start of the next (as in interpret.ts).
  cases.push({ ids: [TRAIN_END], falls: true, body: () => steps.nextExample });
  cases.push({
    ids: [TRAIN_BEGIN],
    body: (exit) => [
      ...ifThen([...get(L.n), ...get(P.nTrain), op.i32GeS], [
        ...set(L.i, [...get(P.validBegin), ...ic(-1), op.i32Add]),
        ...set(L.n, ic(0)),
        ...set(L.xi, ic(0)),
        ...exit(1),
      ]),
      ...steps.startExample(P.X),
      ...set(L.i, get(P.trainBegin)),
      ...exit(),
    ],
  });
  cases.push({ ids: [VALID_END], falls: true, body: () => steps.validEnd() });
  cases.push({
    ids: [VALID_BEGIN],
    body: (exit) => [
      ...ifThen([...get(L.n), ...get(P.nValid), op.i32GeS], [...set(L.i, get(P.codeLen)), ...exit(1)]),
      ...steps.startExample(P.VX),
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
    ...steps.zeroMemory(),
    // for (i = 0; i < codeLen; i++) dispatch on the opcode
    op.block, op.void,
    op.loop, op.void,
    ...get(L.i), ...get(P.codeLen), op.i32GeS, op.brIf, ...u32(1),
    ...set(L.c, [...get(L.i), ...ic(4), op.i32Shl]),
    ...set(L.o, address(lay.code + 4, flavor.shift)),
    ...set(L.a, address(lay.code + 8, flavor.shift)),
    ...set(L.b, address(lay.code + 12, flavor.shift)),
    op.block, op.void, // next instruction
    ...dispatch,
    ...bodies,
    op.end,
    ...set(L.i, [...get(L.i), ...ic(1), op.i32Add]),
    op.br, ...u32(0),
    op.end,
    op.end,
    ...flavor.finish,
  ];
}

/** A step's operand address from the step table, scaled for the slot width. */
function address(offset: number, shift: number): Code {
  const at = loadI(get(L.c), offset);
  return shift === 0 ? at : [...at, ...ic(shift), op.i32Shl];
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
  /** The same dispatch loop over two tasks at once (wasm-lanes.ts), in a second module sharing the memory. */
  private readonly runLanes: (...args: number[]) => number;
  /** What a pair runner returns (reused: one pair runs at a time in a thread). */
  private readonly pairFitness = new Float64Array(2);
  private f: Float64Array;
  private i: Int32Array;
  /** The program in the module's memory (an assembled form or a live program), and its shape. */
  private loaded: Assembled | Program | null = null;
  private shape: ProgramShape = { count: 0, trainBegin: 0, validBegin: 0, predictWritesFeatures: false };
  private readonly taskAt = new WeakMap<Float64Array, number>();
  private readonly tasks = new WeakMap<Float64Array, TaskAddresses>();
  private free: number;

  /** The ops this instance has cases for, as a table by op id. */
  private readonly opTable: Uint8Array;

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
    const caseOps = new Set([...ops].filter((id) => SUPPORTED.has(id)));
    this.opTable = opTable(caseOps);
    this.lay = layout(F, memorySize);
    const v0 = memorySize.scalars + FEATURES_VECTOR * F;
    const lay = this.lay;
    const math: Record<string, unknown> = Object.fromEntries(MATH.map((name) => [name, Math[name]]));
    const imports = MATH.map((name) => ({ name, type: { params: [F64], results: [F64] } }));
    const type = { params: PARAM_TYPES, results: [F64] };
    const pages = Math.ceil(lay.free / 65536) + 1;
    const one = functionBody(lay, caseOps, { isa: f64Isa(lay.temp), steps: stepCode(lay, v0), shift: 0, finish: get(L.loss) });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(encodeModule({ imports, func: { name: 'run', type, locals: LOCAL_TYPES, body: one }, pages })), { m: math });
    this.memory = instance.exports.memory as WasmMemory;
    const pair = functionBody(lay, caseOps, { isa: laneIsaOf(lay), steps: laneStepCode(lay, v0), shift: 1, finish: laneFinish(lay) });
    const lanes = new WebAssembly.Module(encodeModule({ imports, func: { name: 'run', type, locals: LANE_LOCAL_TYPES, body: pair }, pages, importMemory: true }));
    this.runLanes = new WebAssembly.Instance(lanes, { m: { ...math, memory: this.memory } }).exports.run as (...args: number[]) => number;
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

  /** Writes step k into the module's memory. A function made once, so that layOut can call it for every step of every new program. */
  private readonly put: StepSink = (k, id, out, in1, in2, d0, d1, d2) => {
    const base = this.lay.code / 4 + 4 * k;
    this.i[base] = id;
    this.i[base + 1] = constantAt(id, out, d0, d1, this.F) * 8;
    this.i[base + 2] = in1 * 8;
    this.i[base + 3] = in2 * 8;
    this.f[this.lay.data / 8 + k] = constantValue(id, d0, d1, d2);
  };

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
    this.shape = layOut(p, this.F, this.memorySize, this.put);
    this.loaded = p;
  }

  /** Whether this instance can run `program`. */
  supports(program: Program): boolean {
    return runsWith(program, this.opTable);
  }

  /** A TaskRunner for `p` (a program that `supports` accepted). */
  runner(p: Assembled): TaskRunner {
    return this.taskRunner(this.run, () => this.load(p));
  }

  /** A TaskRunner for a (live) program that `supports` accepted, laid out when it runs: the same steps as `runner(assemble(p))`. */
  programRunner(p: Program): TaskRunner {
    return this.taskRunner(this.run, () => this.loadProgram(p));
  }

  /**
   * A PairRunner for a (live) program that `supports` accepted: two tasks with
   * the same example counts and kind in one run, each with the results the
   * TaskRunner gives it.
   */
  pairRunner(p: Program): PairRunner {
    const fitness = this.pairFitness;
    return (a, b, nTrain, nValid, errs, offsetA, offsetB, maxAbsError) => {
      if (errs !== null && nTrain + nValid > ERRORS_PER_LANE) {
        // More errors than a lane holds: one task at a time.
        const single = this.programRunner(p);
        fitness[0] = single(a.X, a.Y, nTrain, a.VX, a.VY, nValid, null as never, errs, offsetA, a.classify, maxAbsError);
        fitness[1] = single(b.X, b.Y, nTrain, b.VX, b.VY, nValid, null as never, errs, offsetB, b.classify, maxAbsError);
        return fitness;
      }
      const first = this.placeTask(a.X, a.Y, a.VX, a.VY);
      const second = this.placeTask(b.X, b.Y, b.VX, b.VY);
      this.loadProgram(p);
      const { lay, shape } = this;
      const args = lay.args / 4;
      this.i[args] = second.x;
      this.i[args + 1] = second.y;
      this.i[args + 2] = second.vx;
      this.i[args + 3] = second.vy;
      this.runLanes(shape.count, shape.trainBegin, shape.validBegin, first.x, first.y, nTrain, first.vx, first.vy, nValid, errs === null ? -1 : lay.errs, a.classify ? 1 : 0, maxAbsError, shape.predictWritesFeatures ? 1 : 0);
      for (let lane = 0; lane < 2; lane++) {
        const stop = this.i[(lay.result + 16) / 4 + lane];
        if (errs !== null) this.copyErrors(errs, lane === 0 ? offsetA : offsetB, lay.errs / 8 + lane * ERRORS_PER_LANE, stop >= 0 ? stop : nTrain + nValid);
        fitness[lane] = stop >= 0 ? 0 : taskFitness(this.f[lay.result / 8 + lane], a.classify, nValid);
      }
      return fitness;
    };
  }

  /** Entries after an early stop stay as they were: copies back the `written` errors from `from` (an f64 index). */
  private copyErrors(errs: Float64Array, offset: number, from: number, written: number): void {
    for (let k = 0; k < written; k++) errs[offset + k] = this.f[from + k];
  }

  private taskRunner(run: (...args: number[]) => number, load: () => void): TaskRunner {
    return (X, Y, nTrain, VX, VY, nValid, _rng, errs, errsOffset, classify, maxAbsError) => {
      const { x, y, vx, vy } = this.placeTask(X, Y, VX, VY);
      load();
      const shape = this.shape;
      const loss = run(shape.count, shape.trainBegin, shape.validBegin, x, y, nTrain, vx, vy, nValid, errs === null ? -1 : this.lay.errs, classify ? 1 : 0, maxAbsError, shape.predictWritesFeatures ? 1 : 0);
      if (errs !== null) this.copyErrors(errs, errsOffset, this.lay.errs / 8, loss < 0 ? this.i[(this.lay.errs - 8) / 4] : nTrain + nValid);
      return loss < 0 ? 0 : taskFitness(loss, classify, nValid);
    };
  }
}

/** A task's fitness from its validation loss (as interpret.ts). */
function taskFitness(loss: number, classify: boolean, nValid: number): number {
  if (classify) return 1 - loss / nValid;
  const rmse = Math.sqrt(loss / nValid);
  return rmse === rmse && rmse !== Infinity ? 1 - 0.6366197723675814 * Math.atan(rmse) : 0;
}
