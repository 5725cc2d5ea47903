/**
 * Compiles a program into one JavaScript function that runs a whole task:
 * Setup, then Predict/Learn on each train example, then Predict on each
 * validation example, returning the task fitness (and, when asked, each
 * example's absolute error). Straight-line code: every instruction is inlined,
 * vector and matrix loops are unrolled for small F with memory held in local
 * variables (V8 keeps them in registers), and nothing is allocated per example.
 * For larger F the vectors and matrices live in one Float64Array and the
 * element loops stay loops.
 *
 * Executor semantics follow the original: memory starts at zero; before
 * Predict, v0 = features and s0 = 0; before Learn, v0 = features again and
 * s0 = label; a train error that is NaN or above maxAbsError stops training
 * with fitness 0; so does such a validation error. For classification the
 * prediction is passed through a sigmoid before Learn sees it.
 */
import { OPS, floatToIndex, type EmitContext, type Operand } from './ops.js';
import { FEATURES_VECTOR, type Instruction, type MemorySize, type Program } from './program.js';
import type { Task } from './tasks.js';

/** Random source used by the uniform/gaussian setters. */
export interface OpRng {
  uniform(lo: number, hi: number): number;
  normal(): number;
}

/**
 * Runs one task. X/VX hold the train/validation features row by row (F per
 * example), Y/VY the labels. errs[errsOffset ..] (nTrain + nValid entries)
 * receives the absolute errors; entries after an early stop are left untouched.
 */
export type TaskRunner = (
  X: Float64Array,
  Y: Float64Array,
  nTrain: number,
  VX: Float64Array,
  VY: Float64Array,
  nValid: number,
  rng: OpRng,
  errs: Float64Array | null,
  errsOffset: number,
  classify: boolean,
  maxAbsError: number,
) => number;

/** What a PairRunner reads of a task. */
export type TaskArrays = Pick<Task, 'X' | 'Y' | 'VX' | 'VY' | 'classify'>;

/**
 * Runs one program on two tasks at once, both with `nTrain` and `nValid`
 * examples and the same kind: returns what a TaskRunner returns for each, in
 * an array the runner reuses (read it before its next run), and writes errs
 * (if given) at offsetA and offsetB exactly as two TaskRunner calls would.
 */
export type PairRunner = (
  a: TaskArrays,
  b: TaskArrays,
  nTrain: number,
  nValid: number,
  errs: Float64Array | null,
  offsetA: number,
  offsetB: number,
  maxAbsError: number,
) => Readonly<Float64Array>;

export interface CompileOptions {
  F: number;
  memory: MemorySize;
  /** Unroll element loops (and keep memory in locals) up to this F. */
  unrollMax: number;
}

function numberLiteral(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '(-Infinity)';
  return x < 0 || Object.is(x, -0) ? `(${String(x)})` : String(x);
}

/** A compiled program has its data values as numbers (only the interpreter passes variable names). */
function literal(x: Operand): number {
  if (typeof x !== 'number') throw new TypeError(`compile: expected a number, got ${x}`);
  return x;
}

/** Emission state for one program: which locals it used, fresh loop variable names. */
function createEmitContext(opts: CompileOptions): { ctx: EmitContext; locals: Set<string>; unrolled: boolean } {
  const { F, memory } = opts;
  const unrolled = F <= opts.unrollMax;
  const locals = new Set<string>();
  let loopCounter = 0;
  const use = (name: string): string => {
    locals.add(name);
    return name;
  };
  const vOffset = (a: Operand): number => literal(a) * F;
  const mOffset = (a: Operand): number => memory.vectors * F + literal(a) * F * F;
  const ctx: EmitContext = {
    F,
    s: (a) => use(`s${a}`),
    v: (a, i) => (unrolled && typeof i === 'number' ? use(`v${a}_${i}`) : `M[${vOffset(a)} + ${i}]`),
    m: (a, r, c) =>
      unrolled && typeof r === 'number' && typeof c === 'number' ? use(`m${a}_${r}_${c}`) : `M[${mOffset(a)} + (${r}) * ${F} + ${c}]`,
    t: (i) => (unrolled && typeof i === 'number' ? use(`t${i}`) : `T[${i}]`),
    each: (n, body) => {
      if (unrolled) {
        let out = '';
        for (let i = 0; i < n; i++) {
          const stmt = body(i);
          out += /\b(?:const|let)\b/.test(stmt) ? `{ ${stmt} }\n` : `${stmt}\n`;
        }
        return out;
      }
      const k = `k${loopCounter++}`;
      return `for (let ${k} = 0; ${k} < ${n}; ${k}++) { ${body(k)} }\n`;
    },
    sum: (name, n, term) => {
      if (unrolled) {
        const terms: string[] = [];
        for (let i = 0; i < n; i++) terms.push(term(i));
        return `const ${name} = ${terms.join(' + ')};`;
      }
      const k = `k${loopCounter++}`;
      return `let ${name} = 0; for (let ${k} = 0; ${k} < ${n}; ${k}++) { ${name} += ${term(k)}; }`;
    },
    num: (x) => numberLiteral(literal(x)),
    index: (x) => floatToIndex(literal(x), F),
  };
  return { ctx, locals, unrolled };
}

function emitComponent(ctx: EmitContext, code: readonly Instruction[]): string {
  return code.map((x) => `{ ${OPS[x.op].emit(ctx, x)} }`).join('\n');
}

/** JavaScript source of the task runner factory (exposed for tests and debugging). */
export function generateSource(program: Program, opts: CompileOptions): string {
  const { F, memory } = opts;
  const { ctx, locals, unrolled } = createEmitContext(opts);
  const setup = emitComponent(ctx, program.setup);
  const predict = emitComponent(ctx, program.predict);
  const learn = emitComponent(ctx, program.learn);
  const loadFeatures = (src: string): string =>
    unrolled
      ? Array.from({ length: F }, (_, i) => `${ctx.v(FEATURES_VECTOR, i)} = ${src}[xi + ${i}];`).join(' ')
      : `for (let k = 0; k < ${F}; k++) M[${FEATURES_VECTOR * F} + k] = ${src}[xi + k];`;
  const loadTrain = loadFeatures('X');
  const loadValid = loadFeatures('VX');
  ctx.s(0);
  ctx.s(1);
  const declarations = [...locals].sort().map((name) => `${name} = 0`);
  const memorySize = (memory.vectors * F + memory.matrices * F * F) || 1;
  return `"use strict";
const M = new Float64Array(${memorySize});
const T = new Float64Array(${F * F});
return function run(X, Y, nTrain, VX, VY, nValid, rng, errs, errsOffset, classify, maxAbsError) {
  let ${declarations.join(', ')};
  ${unrolled ? '' : 'M.fill(0);'}
  ${setup}
  let xi = 0;
  for (let n = 0; n < nTrain; n++) {
    ${loadTrain}
    s0 = 0;
    ${predict}
    if (classify) s1 = 1 / (1 + Math.exp(-s1));
    const y = Y[n];
    const e = Math.abs(y - s1);
    if (!(e <= maxAbsError)) return 0;
    if (errs !== null) errs[errsOffset + n] = e;
    ${loadTrain}
    s0 = y;
    ${learn}
    xi += ${F};
  }
  let loss = 0;
  xi = 0;
  for (let n = 0; n < nValid; n++) {
    ${loadValid}
    s0 = 0;
    ${predict}
    const y = VY[n];
    let e = 0;
    if (classify) {
      const p = 1 / (1 + Math.exp(-s1));
      e = p > 1 || p < 0 ? Infinity : (y > 0.5) === (p > 0.5) ? 0 : 1;
      loss += e;
    } else {
      e = y - s1;
      loss += e * e;
    }
    const ae = Math.abs(e);
    if (!(ae <= maxAbsError)) return 0;
    if (errs !== null) errs[errsOffset + nTrain + n] = ae;
    xi += ${F};
  }
  if (classify) return 1 - loss / nValid;
  const rmse = Math.sqrt(loss / nValid);
  // 1 - (2/pi) atan(rmse); NaN or infinite loss scores the minimum.
  return rmse === rmse && rmse !== Infinity ? 1 - 0.6366197723675814 * Math.atan(rmse) : 0;
};`;
}

export function compileProgram(program: Program, opts: CompileOptions): TaskRunner {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiling generated code is the point
  return new Function(generateSource(program, opts))() as TaskRunner;
}
