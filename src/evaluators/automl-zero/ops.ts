/**
 * The AutoML-Zero instruction set: 65 ops (ids 0-64, as in the original
 * `Op` enum), each with its operand types, its text template and the code it
 * compiles to. Semantics follow the original executor op by op, including its
 * quirks (scalar heaviside is `x >= 0`, vector/matrix heaviside `x > 0`;
 * standard deviations as sqrt(E[x^2] - E[x]^2); constant-set indices given as
 * a fraction of F), so that evolved programs mean the same thing here.
 */

/** Memory types: scalar, vector (F), matrix (F x F, row-major). */
export type SlotType = 's' | 'v' | 'm';

export interface OpDef {
  id: number;
  /** The original enum name, e.g. SCALAR_SUM_OP. */
  name: string;
  in1: SlotType | null;
  in2: SlotType | null;
  out: SlotType | null;
  /** Number of float data fields (constants, indices, distribution parameters). */
  dataCount: number;
  /** Text form; {o} {a} {b} are the out/in1/in2 slots, {d0} {d1} {d2} the data. */
  template: string;
  /** Draws from the program's RNG: never removed as dead code, since that would shift the stream. */
  random: boolean;
  /** Writes only part of its output slot (one element): the rest of the slot stays live. */
  partialWrite: boolean;
  emit: Emitter;
}

/**
 * An operand as emitted code sees it: a slot number when compiling one program
 * (compile.ts), or the name of a variable that holds a memory offset or a data
 * value when generating the interpreter (interpret.ts). One emitter per op
 * serves both, so the two executors cannot disagree on an op's meaning.
 */
export type Operand = number | string;

/** What an op emitter may use to produce straight-line JavaScript. */
export interface EmitContext {
  F: number;
  /** Scalar slot as an lvalue/rvalue. */
  s(a: Operand): string;
  /** Vector element (i: literal index when unrolled, loop variable otherwise). */
  v(a: Operand, i: number | string): string;
  /** Matrix element (row r, column c). */
  m(a: Operand, r: number | string, c: number | string): string;
  /** Temporary element i (for ops whose output may alias an input). */
  t(i: number | string): string;
  /** Statements for i in 0..n-1: unrolled for small F, a loop otherwise. */
  each(n: number, body: (i: number | string) => string): string;
  /** Declares `name` = sum over i of term(i). */
  sum(name: string, n: number, term: (i: number | string) => string): string;
  /** Source for a float data value. */
  num(x: Operand): string;
  /** Element index (0..F-1) from a data value in [0, 1), as the original's FloatToIndex. */
  index(x: Operand): number | string;
}

export interface InstructionArgs {
  out: Operand;
  in1: Operand;
  in2: Operand;
  data: readonly Operand[];
}

export type Emitter = (c: EmitContext, x: InstructionArgs) => string;

/** float32 cast of the original (`FloatToIndex`), clamped so a boundary value cannot index past F. */
export function floatToIndex(value: number, F: number): number {
  const index = Math.trunc(Math.fround(Math.fround(F) * Math.fround(value)));
  return Math.min(F - 1, Math.max(0, Number.isFinite(index) ? index : 0));
}

const fn = (f: string): Emitter => (c, x) => `${c.s(x.out)} = ${f}(${c.s(x.in1)});`;
const sBin = (op: string): Emitter => (c, x) => `${c.s(x.out)} = ${c.s(x.in1)} ${op} ${c.s(x.in2)};`;
// std::min(a, b) is (b < a) ? b : a and std::max(a, b) is (a < b) ? b : a: NaN handling follows from that.
const stdMin = (a: string, b: string): string => `(${b} < ${a} ? ${b} : ${a})`;
const stdMax = (a: string, b: string): string => `(${a} < ${b} ? ${b} : ${a})`;

const vMap = (expr: (a: string, b: string) => string): Emitter => (c, x) =>
  c.each(c.F, (i) => `${c.v(x.out, i)} = ${expr(c.v(x.in1, i), c.v(x.in2, i))};`);
const vMap1 = (expr: (a: string) => string): Emitter => (c, x) =>
  c.each(c.F, (i) => `${c.v(x.out, i)} = ${expr(c.v(x.in1, i))};`);

/** Elementwise over a matrix; the body gets row and column. */
const mEach = (c: EmitContext, body: (r: number | string, col: number | string) => string): string =>
  c.each(c.F, (r) => c.each(c.F, (col) => body(r, col)));
const mMap = (expr: (a: string, b: string) => string): Emitter => (c, x) =>
  mEach(c, (r, k) => `${c.m(x.out, r, k)} = ${expr(c.m(x.in1, r, k), c.m(x.in2, r, k))};`);
const mMap1 = (expr: (a: string) => string): Emitter => (c, x) =>
  mEach(c, (r, k) => `${c.m(x.out, r, k)} = ${expr(c.m(x.in1, r, k))};`);

/** Index of a temporary for matrix element (r, c). */
const ti = (F: number, r: number | string, col: number | string): number | string =>
  typeof r === 'number' && typeof col === 'number' ? r * F + col : `${r} * ${F} + ${col}`;

const sqrtMeanSqMinusMeanSq = (n: number, sumName: string, sqName: string): string =>
  `Math.sqrt(${sqName} / ${n} - (${sumName} / ${n}) * (${sumName} / ${n}))`;

type Spec = [name: string, in1: SlotType | null, in2: SlotType | null, out: SlotType | null, dataCount: number, template: string, emit: Emitter];

const SPECS: Spec[] = [
  ['NO_OP', null, null, null, 0, 'noop', () => ''],
  ['SCALAR_SUM_OP', 's', 's', 's', 0, '{o} = {a} + {b}', sBin('+')],
  ['SCALAR_DIFF_OP', 's', 's', 's', 0, '{o} = {a} - {b}', sBin('-')],
  ['SCALAR_PRODUCT_OP', 's', 's', 's', 0, '{o} = {a} * {b}', sBin('*')],
  ['SCALAR_DIVISION_OP', 's', 's', 's', 0, '{o} = {a} / {b}', sBin('/')],
  ['SCALAR_ABS_OP', 's', null, 's', 0, '{o} = abs({a})', fn('Math.abs')],
  ['SCALAR_RECIPROCAL_OP', 's', null, 's', 0, '{o} = 1 / {a}', (c, x) => `${c.s(x.out)} = 1 / ${c.s(x.in1)};`],
  ['SCALAR_SIN_OP', 's', null, 's', 0, '{o} = sin({a})', fn('Math.sin')],
  ['SCALAR_COS_OP', 's', null, 's', 0, '{o} = cos({a})', fn('Math.cos')],
  ['SCALAR_TAN_OP', 's', null, 's', 0, '{o} = tan({a})', fn('Math.tan')],
  ['SCALAR_ARCSIN_OP', 's', null, 's', 0, '{o} = arcsin({a})', fn('Math.asin')],
  ['SCALAR_ARCCOS_OP', 's', null, 's', 0, '{o} = arccos({a})', fn('Math.acos')],
  ['SCALAR_ARCTAN_OP', 's', null, 's', 0, '{o} = arctan({a})', fn('Math.atan')],
  ['SCALAR_EXP_OP', 's', null, 's', 0, '{o} = exp({a})', fn('Math.exp')],
  ['SCALAR_LOG_OP', 's', null, 's', 0, '{o} = log({a})', fn('Math.log')],
  ['SCALAR_HEAVYSIDE_OP', 's', null, 's', 0, '{o} = heaviside({a})', (c, x) => `${c.s(x.out)} = ${c.s(x.in1)} >= 0 ? 1 : 0;`],
  ['VECTOR_HEAVYSIDE_OP', 'v', null, 'v', 0, '{o} = heaviside({a})', vMap1((a) => `${a} > 0 ? 1 : 0`)],
  ['MATRIX_HEAVYSIDE_OP', 'm', null, 'm', 0, '{o} = heaviside({a})', mMap1((a) => `${a} > 0 ? 1 : 0`)],
  ['SCALAR_VECTOR_PRODUCT_OP', 's', 'v', 'v', 0, '{o} = {a} * {b}', (c, x) =>
    c.each(c.F, (i) => `${c.v(x.out, i)} = ${c.v(x.in2, i)} * ${c.s(x.in1)};`)],
  ['SCALAR_BROADCAST_OP', 's', null, 'v', 0, '{o} = bcast({a})', (c, x) =>
    c.each(c.F, (i) => `${c.v(x.out, i)} = ${c.s(x.in1)};`)],
  ['VECTOR_RECIPROCAL_OP', 'v', null, 'v', 0, '{o} = 1 / {a}', vMap1((a) => `1 / ${a}`)],
  ['VECTOR_NORM_OP', 'v', null, 's', 0, '{o} = norm({a})', (c, x) =>
    `${c.sum('q', c.F, (i) => `${c.v(x.in1, i)} * ${c.v(x.in1, i)}`)} ${c.s(x.out)} = Math.sqrt(q);`],
  ['VECTOR_ABS_OP', 'v', null, 'v', 0, '{o} = abs({a})', vMap1((a) => `Math.abs(${a})`)],
  ['VECTOR_SUM_OP', 'v', 'v', 'v', 0, '{o} = {a} + {b}', vMap((a, b) => `${a} + ${b}`)],
  ['VECTOR_DIFF_OP', 'v', 'v', 'v', 0, '{o} = {a} - {b}', vMap((a, b) => `${a} - ${b}`)],
  ['VECTOR_PRODUCT_OP', 'v', 'v', 'v', 0, '{o} = {a} * {b}', vMap((a, b) => `${a} * ${b}`)],
  ['VECTOR_DIVISION_OP', 'v', 'v', 'v', 0, '{o} = {a} / {b}', vMap((a, b) => `${a} / ${b}`)],
  ['VECTOR_INNER_PRODUCT_OP', 'v', 'v', 's', 0, '{o} = dot({a}, {b})', (c, x) =>
    `${c.sum('q', c.F, (i) => `${c.v(x.in1, i)} * ${c.v(x.in2, i)}`)} ${c.s(x.out)} = q;`],
  ['VECTOR_OUTER_PRODUCT_OP', 'v', 'v', 'm', 0, '{o} = outer({a}, {b})', (c, x) =>
    mEach(c, (r, k) => `${c.m(x.out, r, k)} = ${c.v(x.in1, r)} * ${c.v(x.in2, k)};`)],
  ['SCALAR_MATRIX_PRODUCT_OP', 's', 'm', 'm', 0, '{o} = {a} * {b}', (c, x) =>
    mEach(c, (r, k) => `${c.m(x.out, r, k)} = ${c.m(x.in2, r, k)} * ${c.s(x.in1)};`)],
  ['MATRIX_RECIPROCAL_OP', 'm', null, 'm', 0, '{o} = 1 / {a}', mMap1((a) => `1 / ${a}`)],
  // The output vector may be the input vector: compute into temporaries first.
  ['MATRIX_VECTOR_PRODUCT_OP', 'm', 'v', 'v', 0, '{o} = dot({a}, {b})', (c, x) =>
    c.each(c.F, (r) => `${c.sum('q', c.F, (k) => `${c.m(x.in1, r, k)} * ${c.v(x.in2, k)}`)} ${c.t(r)} = q;`) +
    c.each(c.F, (r) => `${c.v(x.out, r)} = ${c.t(r)};`)],
  ['VECTOR_COLUMN_BROADCAST_OP', 'v', null, 'm', 0, '{o} = bcast({a}, axis=0)', (c, x) =>
    mEach(c, (r, k) => `${c.m(x.out, r, k)} = ${c.v(x.in1, r)};`)],
  ['VECTOR_ROW_BROADCAST_OP', 'v', null, 'm', 0, '{o} = bcast({a}, axis=1)', (c, x) =>
    mEach(c, (r, k) => `${c.m(x.out, r, k)} = ${c.v(x.in1, k)};`)],
  ['MATRIX_NORM_OP', 'm', null, 's', 0, '{o} = norm({a})', (c, x) =>
    `let q = 0; ${mEach(c, (r, k) => `q += ${c.m(x.in1, r, k)} * ${c.m(x.in1, r, k)};`)} ${c.s(x.out)} = Math.sqrt(q);`],
  ['MATRIX_COLUMN_NORM_OP', 'm', null, 'v', 0, '{o} = norm({a}, axis=0)', (c, x) =>
    c.each(c.F, (k) => `${c.sum('q', c.F, (r) => `${c.m(x.in1, r, k)} * ${c.m(x.in1, r, k)}`)} ${c.v(x.out, k)} = Math.sqrt(q);`)],
  ['MATRIX_ROW_NORM_OP', 'm', null, 'v', 0, '{o} = norm({a}, axis=1)', (c, x) =>
    c.each(c.F, (r) => `${c.sum('q', c.F, (k) => `${c.m(x.in1, r, k)} * ${c.m(x.in1, r, k)}`)} ${c.v(x.out, r)} = Math.sqrt(q);`)],
  ['MATRIX_TRANSPOSE_OP', 'm', null, 'm', 0, '{o} = transpose({a})', (c, x) =>
    mEach(c, (r, k) => `${c.t(ti(c.F, r, k))} = ${c.m(x.in1, k, r)};`) +
    mEach(c, (r, k) => `${c.m(x.out, r, k)} = ${c.t(ti(c.F, r, k))};`)],
  ['MATRIX_ABS_OP', 'm', null, 'm', 0, '{o} = abs({a})', mMap1((a) => `Math.abs(${a})`)],
  ['MATRIX_SUM_OP', 'm', 'm', 'm', 0, '{o} = {a} + {b}', mMap((a, b) => `${a} + ${b}`)],
  ['MATRIX_DIFF_OP', 'm', 'm', 'm', 0, '{o} = {a} - {b}', mMap((a, b) => `${a} - ${b}`)],
  ['MATRIX_PRODUCT_OP', 'm', 'm', 'm', 0, '{o} = {a} * {b}', mMap((a, b) => `${a} * ${b}`)],
  ['MATRIX_DIVISION_OP', 'm', 'm', 'm', 0, '{o} = {a} / {b}', mMap((a, b) => `${a} / ${b}`)],
  // The output may alias either input: compute into temporaries first.
  ['MATRIX_MATRIX_PRODUCT_OP', 'm', 'm', 'm', 0, '{o} = matmul({a}, {b})', (c, x) =>
    mEach(c, (r, k) => `${c.sum('q', c.F, (j) => `${c.m(x.in1, r, j)} * ${c.m(x.in2, j, k)}`)} ${c.t(ti(c.F, r, k))} = q;`) +
    mEach(c, (r, k) => `${c.m(x.out, r, k)} = ${c.t(ti(c.F, r, k))};`)],
  ['SCALAR_MIN_OP', 's', 's', 's', 0, '{o} = minimum({a}, {b})', (c, x) => `${c.s(x.out)} = ${stdMin(c.s(x.in1), c.s(x.in2))};`],
  ['VECTOR_MIN_OP', 'v', 'v', 'v', 0, '{o} = minimum({a}, {b})', vMap(stdMin)],
  ['MATRIX_MIN_OP', 'm', 'm', 'm', 0, '{o} = minimum({a}, {b})', mMap((a, b) => `(${a} < ${b} ? ${a} : ${b})`)],
  ['SCALAR_MAX_OP', 's', 's', 's', 0, '{o} = maximum({a}, {b})', (c, x) => `${c.s(x.out)} = ${stdMax(c.s(x.in1), c.s(x.in2))};`],
  ['VECTOR_MAX_OP', 'v', 'v', 'v', 0, '{o} = maximum({a}, {b})', vMap(stdMax)],
  ['MATRIX_MAX_OP', 'm', 'm', 'm', 0, '{o} = maximum({a}, {b})', mMap((a, b) => `(${a} > ${b} ? ${a} : ${b})`)],
  ['VECTOR_MEAN_OP', 'v', null, 's', 0, '{o} = mean({a})', (c, x) =>
    `${c.sum('q', c.F, (i) => c.v(x.in1, i))} ${c.s(x.out)} = q / ${c.F};`],
  ['MATRIX_MEAN_OP', 'm', null, 's', 0, '{o} = mean({a})', (c, x) =>
    `let q = 0; ${mEach(c, (r, k) => `q += ${c.m(x.in1, r, k)};`)} ${c.s(x.out)} = q / ${c.F * c.F};`],
  ['MATRIX_ROW_MEAN_OP', 'm', null, 'v', 0, '{o} = mean({a}, axis=1)', (c, x) =>
    c.each(c.F, (r) => `${c.sum('q', c.F, (k) => c.m(x.in1, r, k))} ${c.v(x.out, r)} = q / ${c.F};`)],
  ['MATRIX_ROW_ST_DEV_OP', 'm', null, 'v', 0, '{o} = std({a}, axis=1)', (c, x) =>
    c.each(c.F, (r) =>
      `${c.sum('q', c.F, (k) => c.m(x.in1, r, k))} ${c.sum('w', c.F, (k) => `${c.m(x.in1, r, k)} * ${c.m(x.in1, r, k)}`)} ` +
      `${c.v(x.out, r)} = ${sqrtMeanSqMinusMeanSq(c.F, 'q', 'w')};`)],
  ['VECTOR_ST_DEV_OP', 'v', null, 's', 0, '{o} = std({a})', (c, x) =>
    `${c.sum('q', c.F, (i) => c.v(x.in1, i))} ${c.sum('w', c.F, (i) => `${c.v(x.in1, i)} * ${c.v(x.in1, i)}`)} ` +
    `${c.s(x.out)} = ${sqrtMeanSqMinusMeanSq(c.F, 'q', 'w')};`],
  ['MATRIX_ST_DEV_OP', 'm', null, 's', 0, '{o} = std({a})', (c, x) =>
    `let q = 0, w = 0; ${mEach(c, (r, k) => `q += ${c.m(x.in1, r, k)}; w += ${c.m(x.in1, r, k)} * ${c.m(x.in1, r, k)};`)} ` +
    `${c.s(x.out)} = ${sqrtMeanSqMinusMeanSq(c.F * c.F, 'q', 'w')};`],
  ['SCALAR_CONST_SET_OP', null, null, 's', 1, '{o} = {d0}', (c, x) => `${c.s(x.out)} = ${c.num(x.data[0])};`],
  ['VECTOR_CONST_SET_OP', null, null, 'v', 2, '{o}[{d0}] = {d1}', (c, x) =>
    `${c.v(x.out, c.index(x.data[0]))} = ${c.num(x.data[1])};`],
  ['MATRIX_CONST_SET_OP', null, null, 'm', 3, '{o}[{d0}, {d1}] = {d2}', (c, x) =>
    `${c.m(x.out, c.index(x.data[0]), c.index(x.data[1]))} = ${c.num(x.data[2])};`],
  ['SCALAR_UNIFORM_SET_OP', null, null, 's', 2, '{o} = uniform({d0}, {d1})', (c, x) =>
    `${c.s(x.out)} = rng.uniform(${c.num(x.data[0])}, ${c.num(x.data[1])});`],
  ['VECTOR_UNIFORM_SET_OP', null, null, 'v', 2, '{o} = uniform({d0}, {d1}, n_features)', (c, x) =>
    c.each(c.F, (i) => `${c.v(x.out, i)} = rng.uniform(${c.num(x.data[0])}, ${c.num(x.data[1])});`)],
  ['MATRIX_UNIFORM_SET_OP', null, null, 'm', 2, '{o} = uniform({d0}, {d1}, (n_features, n_features))', (c, x) =>
    mEach(c, (r, k) => `${c.m(x.out, r, k)} = rng.uniform(${c.num(x.data[0])}, ${c.num(x.data[1])});`)],
  ['SCALAR_GAUSSIAN_SET_OP', null, null, 's', 2, '{o} = gaussian({d0}, {d1})', (c, x) =>
    `${c.s(x.out)} = ${c.num(x.data[0])} + ${c.num(x.data[1])} * rng.normal();`],
  ['VECTOR_GAUSSIAN_SET_OP', null, null, 'v', 2, '{o} = gaussian({d0}, {d1}, n_features)', (c, x) =>
    c.each(c.F, (i) => `${c.v(x.out, i)} = ${c.num(x.data[0])} + ${c.num(x.data[1])} * rng.normal();`)],
  ['MATRIX_GAUSSIAN_SET_OP', null, null, 'm', 2, '{o} = gaussian({d0}, {d1}, (n_features, n_features))', (c, x) =>
    mEach(c, (r, k) => `${c.m(x.out, r, k)} = ${c.num(x.data[0])} + ${c.num(x.data[1])} * rng.normal();`)],
];

export const OPS: readonly OpDef[] = SPECS.map(([name, in1, in2, out, dataCount, template, emit], id) => ({
  id,
  name,
  in1,
  in2,
  out,
  dataCount,
  template,
  emit,
  random: name.includes('UNIFORM_SET') || name.includes('GAUSSIAN_SET'),
  partialWrite: name === 'VECTOR_CONST_SET_OP' || name === 'MATRIX_CONST_SET_OP',
}));

export const NO_OP = 0;
export const NUM_OPS = OPS.length;

const BY_NAME = new Map<string, OpDef>();
for (const op of OPS) {
  BY_NAME.set(op.name, op);
  BY_NAME.set(op.name.replace(/_OP$/, ''), op);
}

/** Looks an op up by its original enum name, with or without the `_OP` suffix (case-insensitive). */
export function opByName(name: string): OpDef | undefined {
  return BY_NAME.get(name.toUpperCase());
}

/** The kind of op, which decides how its parameters are randomized and altered (as in the original). */
export type OpKind = 'none' | 'data' | 'unary' | 'binary';

export function opKind(op: OpDef): OpKind {
  if (op.id === NO_OP) return 'none';
  if (op.in1 === null) return 'data';
  return op.in2 === null ? 'unary' : 'binary';
}
