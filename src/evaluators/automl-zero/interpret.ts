/**
 * The interpreter: runs an assembled program (opcodes and pre-resolved
 * memory offsets) in one loop, the executor's own per-example steps included
 * as opcodes, so a whole task runs without a function call per example. The
 * step that ends an example also starts the next, so an example costs one
 * dispatch per live instruction plus two (train) or one (validation).
 *
 * Why an interpreter besides compile.ts: a freshly compiled JavaScript
 * function runs in V8's bytecode interpreter until it gets hot, and
 * generating, parsing and warming it up costs far more than the ~2,000
 * examples a search runs each program on. This interpreter is a single
 * function that is hot after the first few programs.
 *
 * It is generated once per feature count F from the ops' own emitters
 * (ops.ts), the same ones compile.ts uses, so the two executors cannot
 * disagree on an op; for small F every element loop is unrolled, which
 * roughly halves the time per instruction.
 */
import type { TaskRunner } from './compile.js';
import { OPS, floatToIndex, type EmitContext, type Operand } from './ops.js';
import { FEATURES_VECTOR, type Instruction, type MemorySize, type Program } from './program.js';
import type { SlotType } from './ops.js';

export interface Assembled {
  /**
   * Per instruction: op, out offset, in1 offset, in2 offset. Laid out as
   * setup, TRAIN_BEGIN, predict, TRAIN_MID, learn, TRAIN_END, VALID_BEGIN,
   * predict, VALID_END. A plain array (not a typed array): it lives on the
   * JavaScript heap, where small allocations are cheap.
   */
  code: number[];
  /** Per instruction: three data values. */
  data: number[];
  /** Index of TRAIN_BEGIN and of VALID_BEGIN. */
  trainBegin: number;
  validBegin: number;
  /** Whether Predict writes v0: only then must the features be loaded again before Learn. */
  predictWritesFeatures: boolean;
}

// Executor steps, numbered right after the 65 ops so the switch stays dense (a jump table).
export const TRAIN_BEGIN = 65;
export const TRAIN_MID = 66;
export const TRAIN_END = 67;
export const VALID_BEGIN = 68;
export const VALID_END = 69;

/** Memory layout shared by the assembler and the interpreter: scalars, then vectors, then matrices. */
export function memoryOffset(memory: MemorySize, F: number, type: SlotType | null, address: number): number {
  if (type === 's') return address;
  if (type === 'v') return memory.scalars + address * F;
  if (type === 'm') return memory.scalars + memory.vectors * F + address * F * F;
  return 0;
}

export function memoryLength(memory: MemorySize, F: number): number {
  return memory.scalars + memory.vectors * F + memory.matrices * F * F;
}

/** Receives a program's steps in order: step k's op id, memory offsets and three data values. */
export type StepSink = (k: number, id: number, out: number, in1: number, in2: number, d0: number, d1: number, d2: number) => void;

/** Where the parts of a laid-out program begin (in steps), and what run() needs to know of it. */
export interface ProgramShape {
  count: number;
  trainBegin: number;
  validBegin: number;
  predictWritesFeatures: boolean;
}

/**
 * The program's steps in the executor's order (setup, TRAIN_BEGIN, predict,
 * TRAIN_MID, learn, TRAIN_END, VALID_BEGIN, predict, VALID_END), with memory
 * offsets resolved: the one definition of that layout, for assemble() and for
 * the WebAssembly interpreter, which writes the steps straight into its memory.
 * No closure per call: it runs for every new program.
 */
export function layOut(program: Program, F: number, memory: MemorySize, put: StepSink): ProgramShape {
  let k = putInstructions(program.setup, F, memory, put, 0);
  const trainBegin = k;
  put(k++, TRAIN_BEGIN, 0, 0, 0, 0, 0, 0);
  k = putInstructions(program.predict, F, memory, put, k);
  put(k++, TRAIN_MID, 0, 0, 0, 0, 0, 0);
  k = putInstructions(program.learn, F, memory, put, k);
  put(k++, TRAIN_END, 0, 0, 0, 0, 0, 0);
  const validBegin = k;
  put(k++, VALID_BEGIN, 0, 0, 0, 0, 0, 0);
  k = putInstructions(program.predict, F, memory, put, k);
  put(k++, VALID_END, 0, 0, 0, 0, 0, 0);
  return { count: k, trainBegin, validBegin, predictWritesFeatures: writesFeatures(program.predict) };
}

/** Puts `list`'s instructions as steps k, k + 1, ...; returns the next step's number. */
function putInstructions(list: readonly Instruction[], F: number, memory: MemorySize, put: StepSink, k: number): number {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    const op = OPS[x.op];
    put(k++, x.op, memoryOffset(memory, F, op.out, x.out), memoryOffset(memory, F, op.in1, x.in1), memoryOffset(memory, F, op.in2, x.in2), x.data[0] ?? 0, x.data[1] ?? 0, x.data[2] ?? 0);
  }
  return k;
}

/** Whether Predict writes v0: only then must the features be loaded again before Learn. */
function writesFeatures(predict: readonly Instruction[]): boolean {
  for (let i = 0; i < predict.length; i++) if (OPS[predict[i].op].out === 'v' && predict[i].out === FEATURES_VECTOR) return true;
  return false;
}

/** The number of steps layOut gives. */
export function stepCount(program: Program): number {
  return program.setup.length + 2 * program.predict.length + program.learn.length + 5;
}

export function assemble(program: Program, F: number, memory: MemorySize): Assembled {
  // Sized once: growing by push reallocated each array several times, a fifth of a search's allocations.
  const count = stepCount(program);
  const code = new Array<number>(4 * count);
  const data = new Array<number>(3 * count);
  const { trainBegin, validBegin, predictWritesFeatures } = layOut(program, F, memory, (k, id, out, in1, in2, d0, d1, d2) => {
    code[4 * k] = id;
    code[4 * k + 1] = out;
    code[4 * k + 2] = in1;
    code[4 * k + 3] = in2;
    data[3 * k] = d0;
    data[3 * k + 1] = d1;
    data[3 * k + 2] = d2;
  });
  return { code, data, trainBegin, validBegin, predictWritesFeatures };
}

/** The generated interpreter: a program, its working memory, then a TaskRunner's arguments. */
type InterpreterFunction = (p: Assembled, mem: Float64Array, T: Float64Array, idx: (x: number) => number, ...task: Parameters<TaskRunner>) => number;

/** Unroll element loops up to this F: beyond it the generated function grows past what V8 optimizes well. */
const UNROLL_MAX = 4;

const ELEMENT_ASSIGNMENT = /^(mem\[[^\]]+\]) = ([^;]*);$/;

/**
 * Unrolled element statements with every read before any write. V8 cannot
 * prove that an op's output slot does not alias its inputs, so after each
 * store into mem it would load the inputs again; reading first avoids that
 * (about 1.4x on the demo's programs). The result is the same: each element
 * of an elementwise op reads only its own input elements, and the other ops
 * already compute into temporaries (equivalent to reading first).
 */
function readsFirst(statements: string[]): string {
  const parts = statements.map((s) => ELEMENT_ASSIGNMENT.exec(s));
  if (parts.some((m) => m === null)) return statements.map((s) => `{ ${s} }\n`).join('');
  const reads = parts.map((m, i) => `const e${i} = ${m![2]};`).join(' ');
  const writes = parts.map((m, i) => `${m![1]} = e${i};`).join(' ');
  return `{ ${reads} ${writes} }\n`;
}

/** Emission context where operands are variables: o/a/b hold memory offsets, data is read by index. */
function interpreterContext(F: number): EmitContext {
  const unrolled = F <= UNROLL_MAX;
  let loopCounter = 0;
  const plus = (base: Operand, i: number | string): string => (i === 0 ? `mem[${base}]` : `mem[${base} + ${i}]`);
  return {
    F,
    s: (a) => `mem[${a}]`,
    v: (a, i) => plus(a, i),
    m: (a, r, c) => (typeof r === 'number' && typeof c === 'number' ? plus(a, r * F + c) : `mem[${a} + (${r}) * ${F} + ${c}]`),
    t: (i) => `T[${i}]`,
    each: (n, body) => {
      if (unrolled) return readsFirst(Array.from({ length: n }, (_, i) => body(i)));
      const k = `k${loopCounter++}`;
      return `for (let ${k} = 0; ${k} < ${n}; ${k}++) { ${body(k)} }\n`;
    },
    sum: (name, n, term) => {
      if (unrolled) return `const ${name} = ${Array.from({ length: n }, (_, i) => term(i)).join(' + ')};`;
      const k = `k${loopCounter++}`;
      return `let ${name} = 0; for (let ${k} = 0; ${k} < ${n}; ${k}++) { ${name} += ${term(k)}; }`;
    },
    num: (x) => String(x),
    index: (x) => `idx(${x})`,
  };
}

/** Statements that copy the current example's features into v0. */
function loadFeatures(F: number, v0: number, source: string): string {
  if (F > UNROLL_MAX) return `for (let k = 0; k < ${F}; k++) mem[${v0} + k] = ${source}[xi + k];`;
  return Array.from({ length: F }, (_, k) => `mem[${v0 + k}] = ${source}[xi + ${k}];`).join(' ');
}

/** JavaScript source of the interpreter for one F and memory size (exposed for debugging). */
export function generateInterpreterSource(F: number, memory: MemorySize): string {
  const ctx = interpreterContext(F);
  const operands = { out: 'o', in1: 'a', in2: 'b', data: ['data[d]', 'data[d + 1]', 'data[d + 2]'] };
  const cases = OPS.map((op) => `case ${op.id}: { ${op.emit(ctx, operands)} break; }`).join('\n');
  const v0 = memoryOffset(memory, F, 'v', FEATURES_VECTOR);
  return `"use strict";
return function interpret(p, mem, T, idx, X, Y, nTrain, VX, VY, nValid, rng, errs, errsOffset, classify, maxAbsError) {
  const code = p.code, data = p.data, end = code.length >> 2, reload = p.predictWritesFeatures;
  mem.fill(0);
  let n = 0; // example index within the current phase
  let xi = 0; // its offset in the feature arrays
  let loss = 0;
  for (let i = 0; i < end; i++) {
    const c = 4 * i, d = 3 * i;
    const o = code[c + 1], a = code[c + 2], b = code[c + 3];
    switch (code[c]) {
${cases}
      case ${TRAIN_MID}: {
        if (classify) mem[1] = 1 / (1 + Math.exp(-mem[1]));
        const label = Y[n];
        const e = Math.abs(label - mem[1]);
        if (!(e <= maxAbsError)) return 0;
        if (errs !== null) errs[errsOffset + n] = e;
        if (reload) { ${loadFeatures(F, v0, 'X')} }
        mem[0] = label;
        break;
      }
      // The end of an example falls through into the start of the next, which then
      // jumps straight to Predict: one dispatch per example for the two steps.
      case ${TRAIN_END}:
        n++;
        xi += ${F};
      // falls through
      case ${TRAIN_BEGIN}:
        if (n >= nTrain) {
          i = p.validBegin - 1; // continue at VALID_BEGIN
          n = 0;
          xi = 0;
          break;
        }
        ${loadFeatures(F, v0, 'X')}
        mem[0] = 0;
        i = p.trainBegin; // first Predict instruction next
        break;
      case ${VALID_END}: {
        const y = VY[n];
        let e = 0; // a number from the start, so V8 keeps it unboxed
        if (classify) {
          const prob = 1 / (1 + Math.exp(-mem[1]));
          e = prob > 1 || prob < 0 ? Infinity : (y > 0.5) === (prob > 0.5) ? 0 : 1;
          loss += e;
        } else {
          e = y - mem[1];
          loss += e * e;
        }
        const ae = Math.abs(e);
        if (!(ae <= maxAbsError)) return 0;
        if (errs !== null) errs[errsOffset + nTrain + n] = ae;
        n++;
        xi += ${F};
      }
      // falls through
      case ${VALID_BEGIN}:
        if (n >= nValid) {
          i = end; // done
          break;
        }
        ${loadFeatures(F, v0, 'VX')}
        mem[0] = 0;
        i = p.validBegin; // first Predict instruction next
        break;
    }
  }
  if (classify) return 1 - loss / nValid;
  const rmse = Math.sqrt(loss / nValid);
  return rmse === rmse && rmse !== Infinity ? 1 - 0.6366197723675814 * Math.atan(rmse) : 0;
};`;
}

/**
 * One interpreter per domain instance (per thread): the generated function and
 * the working memory it runs in. Runs never overlap within a thread, so every
 * program shares the memory.
 */
export class Interpreter {
  /** Working memory of the last run (tests read it). */
  readonly mem: Float64Array;
  private readonly temp: Float64Array;
  private readonly interpret: InterpreterFunction;
  private readonly idx: (x: number) => number;

  constructor(
    readonly F: number,
    readonly memory: MemorySize,
  ) {
    this.mem = new Float64Array(memoryLength(memory, F));
    this.temp = new Float64Array(F * F);
    this.idx = (x) => floatToIndex(x, F);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generating the interpreter from the op emitters is the point
    this.interpret = new Function(generateInterpreterSource(F, memory))() as InterpreterFunction;
  }

  assemble(program: Program): Assembled {
    return assemble(program, this.F, this.memory);
  }

  /** A TaskRunner (same contract as a compiled one) for `p`. */
  runner(p: Assembled): TaskRunner {
    const { interpret, mem, temp, idx } = this;
    return (X, Y, nTrain, VX, VY, nValid, rng, errs, errsOffset, classify, maxAbsError) =>
      interpret(p, mem, temp, idx, X, Y, nTrain, VX, VY, nValid, rng, errs, errsOffset, classify, maxAbsError);
  }
}
