/**
 * The WebAssembly interpreter must agree bit for bit with the JavaScript one
 * (whose ops are checked by hand in ops.test.ts): fitness and every
 * per-example error, early stops included, for random programs over every op
 * it supports (all but the random setters), F = 1..4, regression and
 * classification.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/random/rng.js';
import factory from '../../src/evaluators/automl-zero/index.js';
import { Interpreter } from '../../src/evaluators/automl-zero/interpret.js';
import { pruneDeadCode } from '../../src/evaluators/automl-zero/liveness.js';
import { initialProgram, type SearchSpace } from '../../src/evaluators/automl-zero/search-space.js';
import { generateTasks, type Task } from '../../src/evaluators/automl-zero/tasks.js';
import type { Program } from '../../src/evaluators/automl-zero/program.js';
import { printProgram, parseProgram } from '../../src/evaluators/automl-zero/text.js';
import { WasmInterpreter, supportsWasm } from '../../src/evaluators/automl-zero/wasm-interpreter.js';

/** Every op but NO_OP and the random setters (59-64). */
const SUPPORTED_OPS = Array.from({ length: 58 }, (_, k) => k + 1);
const memory = { scalars: 5, vectors: 4, matrices: 3 };

function space(): SearchSpace {
  const size = (n: number) => ({ init: n, min: n, max: n });
  return {
    memory,
    ops: { setup: SUPPORTED_OPS, predict: SUPPORTED_OPS, learn: SUPPORTED_OPS },
    sizes: { setup: size(8), predict: size(5), learn: size(8) },
    mutationTypes: ['alter-param'],
    mutateProb: 1,
    initial: 'random',
  };
}

function compare(F: number, programs: number, seed: number): void {
  const js = new Interpreter(F, memory);
  const wasm = new WasmInterpreter(F, memory);
  const tasks = generateTasks(
    [
      { type: 'scalar-nonlinear', count: 2, trainExamples: 15, validExamples: 7, seed: 5 },
      { type: 'scalar-linear', count: 1, trainExamples: 15, validExamples: 7, seed: 6 },
    ],
    F,
  );
  const rng = createRng(seed);
  let nonTrivial = 0;
  let earlyStops = 0;
  for (let i = 0; i < programs; i++) {
    // Half the programs as drawn, half with dead code removed (what the search runs).
    const drawn = initialProgram(space(), rng);
    const program = i % 2 === 0 ? drawn : pruneDeadCode(drawn, memory);
    assert.ok(supportsWasm(program, F));
    const assembled = js.assemble(program);
    comparePairs(js, wasm, assembled, program, tasks, `program ${i}, F=${F}`);
    for (const t of tasks) {
      for (const classify of [false, true]) {
        const e1 = new Float64Array(t.nTrain + t.nValid + 3).fill(-1);
        const e2 = new Float64Array(t.nTrain + t.nValid + 3).fill(-1);
        const f1 = js.runner(assembled)(t.X, t.Y, t.nTrain, t.VX, t.VY, t.nValid, createRng(1), e1, 2, classify, 100);
        const f2 = wasm.runner(assembled)(t.X, t.Y, t.nTrain, t.VX, t.VY, t.nValid, createRng(1), e2, 2, classify, 100);
        // The search's path: the program laid out straight into the module's memory, no assembled arrays.
        const e3 = new Float64Array(t.nTrain + t.nValid + 3).fill(-1);
        const f3 = wasm.programRunner(program)(t.X, t.Y, t.nTrain, t.VX, t.VY, t.nValid, createRng(1), e3, 2, classify, 100);
        const where = `program ${i}, F=${F}, classify ${classify}\n${printProgram(program)}`;
        assert.ok(Object.is(f1, f2), `${where}: fitness ${f1} (js) vs ${f2} (wasm)`);
        assert.deepEqual(Array.from(e2), Array.from(e1), `${where}: per-example errors differ`);
        assert.ok(Object.is(f1, f3), `${where}: fitness ${f1} (js) vs ${f3} (wasm, laid out directly)`);
        assert.deepEqual(Array.from(e3), Array.from(e1), `${where}: per-example errors differ (laid out directly)`);
        if (f1 > 0) nonTrivial++;
        if (e1.includes(-1, 2)) earlyStops++;
      }
    }
  }
  // Both kinds of run must be well represented for the comparison to mean something.
  assert.ok(nonTrivial > programs, `only ${nonTrivial} non-zero fitnesses`);
  assert.ok(earlyStops > programs / 10, `only ${earlyStops} early stops`);
}

/**
 * Every ordered pair of tasks (a task with itself too) run at once in f64x2
 * lanes: each lane's fitness and errors equal the JavaScript interpreter's for
 * its task, also when one lane stops early and the other does not.
 */
function comparePairs(js: Interpreter, wasm: WasmInterpreter, assembled: ReturnType<Interpreter['assemble']>, program: Program, tasks: Task[], where: string): void {
  const pair = wasm.pairRunner(program);
  for (const classify of [false, true]) {
    const alone = tasks.map((t) => {
      const errs = new Float64Array(t.nTrain + t.nValid).fill(-1);
      const fitness = js.runner(assembled)(t.X, t.Y, t.nTrain, t.VX, t.VY, t.nValid, createRng(1), errs, 0, classify, 100);
      return { fitness, errs: Array.from(errs) };
    });
    for (let a = 0; a < tasks.length; a++) {
      for (let b = 0; b < tasks.length; b++) {
        const [ta, tb] = [tasks[a], tasks[b]].map((t) => ({ ...t, classify }));
        const n = ta.nTrain + ta.nValid;
        const errs = new Float64Array(2 * n + 3).fill(-1);
        const fitness = Array.from(pair(ta, tb, ta.nTrain, ta.nValid, errs, 1, n + 3, 100));
        const label = `${where}, classify ${classify}, tasks ${a} and ${b}\n${printProgram(program)}`;
        assert.ok(Object.is(fitness[0], alone[a].fitness), `${label}: lane 0 fitness ${fitness[0]} vs ${alone[a].fitness}`);
        assert.ok(Object.is(fitness[1], alone[b].fitness), `${label}: lane 1 fitness ${fitness[1]} vs ${alone[b].fitness}`);
        assert.deepEqual(Array.from(errs.subarray(1, 1 + n)), alone[a].errs, `${label}: lane 0 errors`);
        assert.deepEqual(Array.from(errs.subarray(n + 3)), alone[b].errs, `${label}: lane 1 errors`);
        assert.deepEqual([errs[0], errs[n + 1], errs[n + 2]], [-1, -1, -1], `${label}: wrote outside its errors`);
        // Without errors: the same fitnesses.
        const quiet = Array.from(pair(ta, tb, ta.nTrain, ta.nValid, null, 0, 0, 100));
        assert.deepEqual(quiet, fitness, `${label}: fitness without errors`);
      }
    }
  }
}

for (const F of [1, 2, 3, 4]) {
  test(`wasm equals the JavaScript interpreter on 120 random programs (F = ${F})`, () => compare(F, 120, 10 + F));
}

test('programs with random ops, or larger F, are left to the JavaScript interpreter, with the same results', async () => {
  const withRandom = parseProgram('def Setup():\n  s2 = uniform(-0.5, 0.5)\ndef Predict():\n  s3 = sin(s2)\n  s1 = dot(v0, v1)\ndef Learn():\n  v1 = s3 * v0');
  assert.equal(supportsWasm(withRandom, 4), false);
  assert.equal(supportsWasm(parseProgram('def Predict():\n  s1 = dot(v0, v1)'), 5), false);
  assert.equal(supportsWasm(parseProgram('def Predict():\n  s1 = dot(v0, v1)'), 4), true);
  // An instance specialized to a search space's ops refuses programs with other ops.
  const dotOnly = new WasmInterpreter(4, memory, [27]);
  assert.equal(dotOnly.supports(parseProgram('def Predict():\n  s1 = dot(v0, v1)')), true);
  assert.equal(dotOnly.supports(parseProgram('def Predict():\n  s1 = dot(v0, v1)\ndef Learn():\n  s2 = s0 - s1')), false);
  const options = { ops: ['SCALAR_UNIFORM_SET_OP', 'SCALAR_SIN_OP', 'SCALAR_CONST_SET_OP', 'VECTOR_INNER_PRODUCT_OP', 'SCALAR_VECTOR_PRODUCT_OP'] };
  const ctx = () => ({ seed: 1, rng: createRng(1), signal: new AbortController().signal });
  const fast = await factory(options);
  const jsOnly = await factory({ ...options, wasm: false });
  const demo = 'def Setup():\n  s2 = 0.2\ndef Predict():\n  s1 = dot(v0, v1)\ndef Learn():\n  v1 = s2 * v0';
  // A program from a file may use ops outside the search space: it runs in JavaScript.
  const outside = 'def Setup():\n  s2 = 0.2\ndef Predict():\n  s3 = cos(s2)\n  s1 = dot(v0, v1)\ndef Learn():\n  v1 = s3 * v0';
  for (const text of [printProgram(withRandom), demo, outside]) {
    assert.equal((await fast.evaluate(fast.parse!(text), ctx())).fitness, (await jsOnly.evaluate(jsOnly.parse!(text), ctx())).fitness);
    assert.deepEqual(Array.from(await fast.probe(fast.parse!(text))), Array.from(await jsOnly.probe(jsOnly.parse!(text))));
  }
});
