/**
 * Every op against hand-computed values (F = 3, so transposes and row/column
 * confusions show). Inputs are set by constant-set instructions in Setup and
 * the op under test runs last; memory is read from the interpreter. The
 * compiled backend is checked against the interpreter in compile.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/random/rng.js';
import { Interpreter } from '../../src/evaluators/automl-zero/interpret.js';
import { NUM_OPS, OPS } from '../../src/evaluators/automl-zero/ops.js';
import { parseInstruction } from '../../src/evaluators/automl-zero/text.js';

const F = 3;
const memory = { scalars: 6, vectors: 4, matrices: 3 };
const S2 = 2;
const S3 = -0.5;
const V1 = [1, -2, 3];
const V2 = [0.5, 4, -1];
const M0 = [[1, 2, 3], [4, 5, 6], [7, 8, -9]];
const M1 = [[0.5, -1, 2], [3, 0, -2], [1, 1, 1]];

const frac = (i: number): number => (i + 0.5) / F;
const inputLines = [
  `s2 = ${S2}`,
  `s3 = ${S3}`,
  ...V1.map((x, i) => `v1[${frac(i)}] = ${x}`),
  ...V2.map((x, i) => `v2[${frac(i)}] = ${x}`),
  ...M0.flatMap((row, r) => row.map((x, c) => `m0[${frac(r)}, ${frac(c)}] = ${x}`)),
  ...M1.flatMap((row, r) => row.map((x, c) => `m1[${frac(r)}, ${frac(c)}] = ${x}`)),
];

interface Memory {
  s: number[];
  v: number[][];
  m: number[][][];
}

function runSetup(lines: string[]): Memory {
  const setup = [...inputLines, ...lines].map((l) => parseInstruction(l));
  const interpreter = new Interpreter(F, memory);
  const none = new Float64Array(0);
  interpreter.runner(interpreter.assemble({ setup, predict: [], learn: [] }))(none, none, 0, none, none, 0, createRng(1), null, 0, false, 100);
  const mem = Array.from(interpreter.mem);
  const S = memory.scalars;
  return {
    s: mem.slice(0, S),
    v: Array.from({ length: memory.vectors }, (_, a) => mem.slice(S + a * F, S + (a + 1) * F)),
    m: Array.from({ length: memory.matrices }, (_, a) =>
      Array.from({ length: F }, (_, r) => mem.slice(S + memory.vectors * F + a * F * F + r * F, S + memory.vectors * F + a * F * F + (r + 1) * F)),
    ),
  };
}

function close(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    assert.ok(Object.is(actual, expected), `${what}: expected ${expected}, got ${actual}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: expected ${expected}, got ${actual}`);
}

type Expect = { s4: number } | { v3: number[] } | { m2: number[][] } | { v1: number[] } | { m0: number[][] };

const CASES: Array<[string, Expect]> = [
  ['s4 = s2 + s3', { s4: 1.5 }],
  ['s4 = s2 - s3', { s4: 2.5 }],
  ['s4 = s2 * s3', { s4: -1 }],
  ['s4 = s2 / s3', { s4: -4 }],
  ['s4 = abs(s3)', { s4: 0.5 }],
  ['s4 = 1 / s2', { s4: 0.5 }],
  ['s4 = sin(s2)', { s4: 0.9092974268256817 }],
  ['s4 = cos(s2)', { s4: -0.4161468365471424 }],
  ['s4 = tan(s2)', { s4: -2.185039863261519 }],
  ['s4 = arcsin(s3)', { s4: -Math.PI / 6 }],
  ['s4 = arccos(s3)', { s4: (2 * Math.PI) / 3 }],
  ['s4 = arctan(s2)', { s4: 1.1071487177940904 }],
  ['s4 = exp(s3)', { s4: 0.6065306597126334 }],
  ['s4 = log(s2)', { s4: Math.LN2 }],
  ['s4 = heaviside(s3)', { s4: 0 }],
  ['s4 = heaviside(s5)', { s4: 1 }], // scalar heaviside is x >= 0: zero gives 1
  ['v3 = heaviside(v1)', { v3: [1, 0, 1] }],
  ['m2 = heaviside(m0)', { m2: [[1, 1, 1], [1, 1, 1], [1, 1, 0]] }],
  ['v3 = s2 * v1', { v3: [2, -4, 6] }],
  ['v3 = bcast(s3)', { v3: [-0.5, -0.5, -0.5] }],
  ['v3 = 1 / v2', { v3: [2, 0.25, -1] }],
  ['s4 = norm(v1)', { s4: Math.sqrt(14) }],
  ['v3 = abs(v1)', { v3: [1, 2, 3] }],
  ['v3 = v1 + v2', { v3: [1.5, 2, 2] }],
  ['v3 = v1 - v2', { v3: [0.5, -6, 4] }],
  ['v3 = v1 * v2', { v3: [0.5, -8, -3] }],
  ['v3 = v1 / v2', { v3: [2, -0.5, -3] }],
  ['s4 = dot(v1, v2)', { s4: -10.5 }],
  ['m2 = outer(v1, v2)', { m2: [[0.5, 4, -1], [-1, -8, 2], [1.5, 12, -3]] }],
  ['m2 = s2 * m1', { m2: [[1, -2, 4], [6, 0, -4], [2, 2, 2]] }],
  ['m2 = 1 / m1', { m2: [[2, -1, 0.5], [1 / 3, Infinity, -0.5], [1, 1, 1]] }],
  ['v3 = dot(m0, v1)', { v3: [6, 12, -36] }],
  ['v1 = dot(m0, v1)', { v1: [6, 12, -36] }], // output aliases the input vector
  ['m2 = bcast(v1, axis=0)', { m2: [[1, 1, 1], [-2, -2, -2], [3, 3, 3]] }],
  ['m2 = bcast(v1, axis=1)', { m2: [[1, -2, 3], [1, -2, 3], [1, -2, 3]] }],
  ['s4 = norm(m1)', { s4: Math.sqrt(21.25) }],
  ['v3 = norm(m1, axis=0)', { v3: [Math.sqrt(10.25), Math.SQRT2, 3] }],
  ['v3 = norm(m1, axis=1)', { v3: [Math.sqrt(5.25), Math.sqrt(13), Math.sqrt(3)] }],
  ['m2 = transpose(m0)', { m2: [[1, 4, 7], [2, 5, 8], [3, 6, -9]] }],
  ['m0 = transpose(m0)', { m0: [[1, 4, 7], [2, 5, 8], [3, 6, -9]] }], // in place
  ['m2 = abs(m0)', { m2: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] }],
  ['m2 = m0 + m1', { m2: [[1.5, 1, 5], [7, 5, 4], [8, 9, -8]] }],
  ['m2 = m0 - m1', { m2: [[0.5, 3, 1], [1, 5, 8], [6, 7, -10]] }],
  ['m2 = m0 * m1', { m2: [[0.5, -2, 6], [12, 0, -12], [7, 8, -9]] }],
  ['m2 = m0 / m1', { m2: [[2, -2, 1.5], [4 / 3, Infinity, -3], [7, 8, -9]] }],
  ['m2 = matmul(m0, m1)', { m2: [[9.5, 2, 1], [23, 2, 4], [18.5, -16, -11]] }],
  ['m0 = matmul(m0, m1)', { m0: [[9.5, 2, 1], [23, 2, 4], [18.5, -16, -11]] }], // output aliases an input
  ['s4 = minimum(s2, s3)', { s4: -0.5 }],
  ['v3 = minimum(v1, v2)', { v3: [0.5, -2, -1] }],
  ['m2 = minimum(m0, m1)', { m2: [[0.5, -1, 2], [3, 0, -2], [1, 1, -9]] }],
  ['s4 = maximum(s2, s3)', { s4: 2 }],
  ['v3 = maximum(v1, v2)', { v3: [1, 4, 3] }],
  ['m2 = maximum(m0, m1)', { m2: [[1, 2, 3], [4, 5, 6], [7, 8, 1]] }],
  ['s4 = mean(v1)', { s4: 2 / 3 }],
  ['s4 = mean(m0)', { s4: 3 }],
  ['v3 = mean(m0, axis=1)', { v3: [2, 5, 2] }],
  ['v3 = std(m0, axis=1)', { v3: [Math.sqrt(2 / 3), Math.sqrt(2 / 3), Math.sqrt(182 / 3)] }],
  ['s4 = std(v1)', { s4: Math.sqrt(38 / 9) }],
  ['s4 = std(m0)', { s4: Math.sqrt(204 / 9) }],
  ['s4 = 0.35', { s4: 0.35 }],
  ['v3[0.5] = 0.7', { v3: [0, 0.7, 0] }], // index = floor(F * 0.5) = 1
  ['m2[0.9, 0.1] = -0.25', { m2: [[0, 0, 0], [0, 0, 0], [-0.25, 0, 0]] }],
  ['s4 = uniform(0.2, 0.2)', { s4: 0.2 }],
  ['v3 = uniform(-0.3, -0.3, n_features)', { v3: [-0.3, -0.3, -0.3] }],
  ['m2 = uniform(1.5, 1.5, (n_features, n_features))', { m2: [[1.5, 1.5, 1.5], [1.5, 1.5, 1.5], [1.5, 1.5, 1.5]] }],
  ['s4 = gaussian(0.3, 0)', { s4: 0.3 }],
  ['v3 = gaussian(-2, 0, n_features)', { v3: [-2, -2, -2] }],
  ['m2 = gaussian(4, 0, (n_features, n_features))', { m2: [[4, 4, 4], [4, 4, 4], [4, 4, 4]] }],
];

test('the table covers all 65 ops but NO_OP', () => {
  const covered = new Set(CASES.map(([line]) => parseInstruction(line).op));
  assert.equal(NUM_OPS, 65);
  for (const op of OPS.slice(1)) assert.ok(covered.has(op.id), `${op.name} has no hand-computed case`);
});

for (const [line, expect] of CASES) {
  test(`${OPS[parseInstruction(line).op].name}: ${line}`, () => {
    const mem = runSetup([line]);
    const [[slot, value]] = Object.entries(expect) as Array<[string, number | number[] | number[][]]>;
    const address = Number(slot.slice(1));
    if (slot[0] === 's') close(mem.s[address], value as number, slot);
    if (slot[0] === 'v') (value as number[]).forEach((x, i) => close(mem.v[address][i], x, `${slot}[${i}]`));
    if (slot[0] === 'm') (value as number[][]).forEach((row, r) => row.forEach((x, c) => close(mem.m[address][r][c], x, `${slot}[${r}][${c}]`)));
  });
}

test('NO_OP changes nothing', () => {
  assert.deepEqual(runSetup(['noop']), runSetup([]));
});

test('random setters draw within their bounds', () => {
  const mem = runSetup(['s4 = uniform(-1, 2)', 'v3 = uniform(0.5, 0.75, n_features)', 'm2 = gaussian(10, 0.001, (n_features, n_features))']);
  assert.ok(mem.s[4] >= -1 && mem.s[4] < 2);
  for (const x of mem.v[3]) assert.ok(x >= 0.5 && x < 0.75);
  for (const row of mem.m[2]) for (const x of row) assert.ok(Math.abs(x - 10) < 0.01);
  // Elements of one vector are independent draws, not one draw broadcast.
  assert.notEqual(mem.v[3][0], mem.v[3][1]);
});
