/**
 * The compiled backend (generated JavaScript, unrolled or looped) must agree
 * bit for bit with the interpreter, whose ops are checked by hand in
 * ops.test.ts. Random programs over all 65 ops, on regression and
 * classification tasks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/random/rng.js';
import { compileProgram, generateSource } from '../../src/evaluators/automl-zero/compile.js';
import { Interpreter } from '../../src/evaluators/automl-zero/interpret.js';
import { OPS } from '../../src/evaluators/automl-zero/ops.js';
import { initialProgram, type SearchSpace } from '../../src/evaluators/automl-zero/search-space.js';
import { generateTasks } from '../../src/evaluators/automl-zero/tasks.js';
import { printProgram } from '../../src/evaluators/automl-zero/text.js';

function allOpsSpace(): SearchSpace {
  const all = OPS.map((op) => op.id);
  const size = (n: number) => ({ init: n, min: n, max: n });
  return {
    memory: { scalars: 5, vectors: 4, matrices: 3 },
    ops: { setup: all, predict: all, learn: all },
    sizes: { setup: size(8), predict: size(6), learn: size(8) },
    mutationTypes: ['alter-param'],
    mutateProb: 1,
    initial: 'random',
  } satisfies SearchSpace;
}

function compare(F: number, unrollMax: number, programs: number, seed: number): void {
  const space = allOpsSpace();
  const tasks = generateTasks(
    [
      { type: 'scalar-nonlinear', count: 2, trainExamples: 12, validExamples: 6, seed: 5 },
      { type: 'scalar-affine', count: 1, trainExamples: 12, validExamples: 6, seed: 6 },
    ],
    F,
  );
  const rng = createRng(seed);
  let nonTrivial = 0;
  for (let i = 0; i < programs; i++) {
    const program = initialProgram(space, rng);
    const compiled = compileProgram(program, { F, memory: space.memory, unrollMax });
    const interpreter = new Interpreter(F, space.memory);
    const interpreted = interpreter.runner(interpreter.assemble(program));
    for (const t of tasks) {
      for (const classify of [false, true]) {
        const e1 = new Float64Array(t.nTrain + t.nValid).fill(-1);
        const e2 = new Float64Array(t.nTrain + t.nValid).fill(-1);
        const f1 = compiled(t.X, t.Y, t.nTrain, t.VX, t.VY, t.nValid, createRng(9, i), e1, 0, classify, 100);
        const f2 = interpreted(t.X, t.Y, t.nTrain, t.VX, t.VY, t.nValid, createRng(9, i), e2, 0, classify, 100);
        assert.ok(Object.is(f1, f2), `program ${i}, F=${F}: fitness ${f1} (compiled) vs ${f2} (interpreted)\n${printProgram(program)}`);
        assert.deepEqual(Array.from(e1), Array.from(e2), `program ${i}, F=${F}: per-example errors differ\n${printProgram(program)}`);
        if (f1 > 0) nonTrivial++;
      }
    }
  }
  // A comparison of programs that all fail at once would prove little.
  assert.ok(nonTrivial > programs / 4, `only ${nonTrivial} non-zero fitnesses`);
}

test('compiled (unrolled, F = 3) equals interpreted on 150 random all-op programs', () => compare(3, 8, 150, 1));
test('compiled (loops, F = 10) equals interpreted on 60 random all-op programs', () => compare(10, 8, 60, 2));

test('small F is unrolled into locals, large F keeps loops over a Float64Array', () => {
  const space = allOpsSpace();
  const program = { setup: [], predict: [{ op: 27, in1: 0, in2: 1, out: 1, data: [] }], learn: [] }; // s1 = dot(v0, v1)
  const unrolled = generateSource(program, { F: 4, memory: space.memory, unrollMax: 8 });
  assert.match(unrolled, /v0_0 \* v1_0 \+ v0_1 \* v1_1/);
  assert.doesNotMatch(unrolled, /M\[/);
  const looped = generateSource(program, { F: 16, memory: space.memory, unrollMax: 8 });
  assert.match(looped, /for \(let k\d+ = 0; k\d+ < 16;/);
});
