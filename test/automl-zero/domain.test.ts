import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainInputError } from '../../src/domain/domain.js';
import { createRng } from '../../src/random/rng.js';
import factory from '../../src/evaluators/automl-zero/index.js';
import { pruneDeadCode } from '../../src/evaluators/automl-zero/liveness.js';
import { applyMutation, initialProgram, MUTATION_TYPES } from '../../src/evaluators/automl-zero/search-space.js';
import { parseOptions } from '../../src/evaluators/automl-zero/options.js';
import { parseProgram, printProgram } from '../../src/evaluators/automl-zero/text.js';
import { runSearch } from '../../src/search/run-search.js';
import { wireForm } from '../../src/workers/evaluation-task.js';
import { GD } from './programs.js';

const ctx = (seed = 1) => ({ seed, rng: createRng(seed), signal: new AbortController().signal });

test('hand-written gradient-descent linear regression scores above 0.999 on the demo tasks', async () => {
  const domain = await factory({});
  for (const executor of ['interpreted', 'compiled']) {
    const d = executor === 'compiled' ? await factory({ executor }) : domain;
    const result = await d.evaluate(d.parse!(GD), ctx());
    assert.ok(result.fitness > 0.999, `${executor}: fitness ${result.fitness}`);
  }
  // A program that never learns stays far below.
  const noLearn = await domain.evaluate(domain.parse!('def Setup():\ndef Predict():\n  s1 = dot(v0, v1)\ndef Learn():'), ctx());
  assert.ok(noLearn.fitness < 0.6, `no learning: ${noLearn.fitness}`);
});

test('NaN or runaway predictions score 0', async () => {
  const domain = await factory({});
  const blowUp = domain.parse!('def Setup():\n  s2 = 10\ndef Predict():\n  s1 = s3 * s2\ndef Learn():\n  s3 = s1 + s2');
  assert.equal((await domain.evaluate(blowUp, ctx())).fitness, 0);
  const d = await factory({ ops: ['SCALAR_DIVISION_OP', 'SCALAR_CONST_SET_OP'] });
  const zeroOverZero = d.parse!('def Setup():\ndef Predict():\n  s1 = s2 / s3\ndef Learn():');
  assert.equal((await d.evaluate(zeroOverZero, ctx())).fitness, 0);
});

test('dead-code removal keeps exactly what reaches a prediction', () => {
  const memory = { scalars: 4, vectors: 3, matrices: 1 };
  const p = parseProgram(`def Setup():
  s3 = 0.5
  s2 = 0.2
def Predict():
  s1 = dot(v0, v1)
  s3 = 0.7
def Learn():
  s3 = s0 - s1
  s3 = s2 * s3
  v2 = s3 * v0
  v1 = v1 + v2
  v2 = gaussian(0, 1, n_features)`);
  const live = printProgram(pruneDeadCode(p, memory));
  // Setup's s3 and Predict's s3 are overwritten before use; the random op stays (it moves the random stream).
  assert.equal(
    live,
    'def Setup():\n  s2 = 0.2\ndef Predict():\n  s1 = dot(v0, v1)\ndef Learn():\n  s3 = s0 - s1\n  s3 = s2 * s3\n  v2 = s3 * v0\n  v1 = v1 + v2\n  v2 = gaussian(0, 1, n_features)',
  );
});

test('options: defaults are the AutoML-Zero demo; bad fields are named', () => {
  const c = parseOptions({});
  assert.equal(c.F, 4);
  assert.deepEqual(c.space.memory, { scalars: 4, vectors: 3, matrices: 1 });
  assert.deepEqual(c.space.sizes.learn, { init: 8, min: 8, max: 8 });
  assert.equal(c.space.ops.setup.length, 6);
  assert.throws(() => parseOptions({ features: 0 }), (e: unknown) => e instanceof DomainInputError && /^domainOptions\.features:/.test(e.message));
  assert.throws(() => parseOptions({ ops: ['NOT_AN_OP'] }), (e: unknown) => e instanceof DomainInputError && /domainOptions\.ops\.0/.test(e.message));
  assert.throws(() => parseOptions({ sizes: { setup: { init: 9, min: 1, max: 5 }, predict: 1, learn: 1 } }), /sizes\.setup/);
  assert.throws(() => parseOptions({ tasks: [{ type: 'projected-binary', digitPairs: [[3, 3]] }] }), /digitPairs/);
  assert.throws(() => parseOptions({ bogus: 1 }), DomainInputError);
});

test('validate names the problem; candidates from random and mutate are valid', async () => {
  const domain = await factory({});
  assert.match(domain.validate!({})!, /^program:/);
  assert.match(domain.validate!({ program: 'def Setup():\n  s9 = 0.5' })!, /s9.*4 scalars/);
  assert.match(domain.validate!({ program: 'def Setup():\n  s1 = s2 ^ 2' })!, /line 2/);
  const rng = createRng(3);
  let c = domain.random(rng);
  for (let i = 0; i < 200; i++) {
    assert.equal(domain.validate!(c), null);
    c = domain.mutate(c, rng);
  }
  assert.equal(typeof domain.describe(c), 'string');
  assert.ok(!domain.describe(c).includes('\n'));
});

test('each mutation type keeps sizes within range and ops within the allowed lists', () => {
  const config = parseOptions({
    ops: { setup: ['SCALAR_CONST_SET_OP'], predict: ['VECTOR_INNER_PRODUCT_OP', 'SCALAR_SUM_OP'], learn: ['VECTOR_SUM_OP', 'MATRIX_VECTOR_PRODUCT_OP'] },
    sizes: { setup: { init: 2, min: 1, max: 3 }, predict: { init: 2, min: 1, max: 4 }, learn: { init: 3, min: 0, max: 5 } },
  });
  const space = config.space;
  const rng = createRng(5);
  for (const type of MUTATION_TYPES) {
    let p = initialProgram(space, rng);
    let changed = 0;
    for (let i = 0; i < 200; i++) {
      const before = printProgram(p);
      applyMutation(space, p, type, rng);
      if (printProgram(p) !== before) changed++;
      for (const c of ['setup', 'predict', 'learn'] as const) {
        assert.ok(p[c].length >= space.sizes[c].min && p[c].length <= space.sizes[c].max, `${type}: ${c} size ${p[c].length}`);
        for (const x of p[c]) assert.ok(space.ops[c].includes(x.op), `${type}: op ${x.op} in ${c}`);
      }
      p = parseProgram(printProgram(p));
    }
    if (type === 'identity') assert.equal(changed, 0);
    // Inserts and removes stop at the size bounds, so they change a program only a few times in a row.
    else assert.ok(changed >= (type.startsWith('insert') || type.startsWith('remove') ? 2 : 20), `${type} changed the program only ${changed} times in 200`);
  }
});

test('no-op initial programs are all NO_OPs of the initial sizes and score the all-zero predictor', async () => {
  const domain = await factory({ initial: 'no-op' });
  const c = domain.random(createRng(1));
  const p = parseProgram(c.program);
  assert.equal(p.setup.length, 10);
  assert.ok([...p.setup, ...p.predict, ...p.learn].every((x) => x.op === 0));
  const f = (await domain.evaluate(c, ctx())).fitness;
  assert.ok(f > 0 && f < 0.5);
});

test('mutate applies one mutation with probability mutateProb', async () => {
  const rng = createRng(8);
  const never = await factory({ mutateProb: 0 });
  const c = never.random(rng);
  for (let i = 0; i < 20; i++) assert.equal(never.mutate(c, rng).program, c.program);
  const always = await factory({ mutateProb: 1, mutationTypes: ['randomize-component'] });
  let differ = 0;
  for (let i = 0; i < 50; i++) if (always.mutate(c, rng).program !== c.program) differ++;
  assert.ok(differ > 40);
});

test('binary classification from projected MNIST digit pairs', async () => {
  const domain = await factory({
    tasks: [{ type: 'projected-binary', count: 2, trainExamples: 200, validExamples: 100, seed: 4, digitPairs: [[0, 1], [3, 8]] }],
    probe: { trainExamples: 5, validExamples: 5 },
  });
  // Logistic-regression-like learning: s1 is the sigmoid of the logit when Learn runs.
  const logistic = domain.parse!(GD.replace('s2 = 0.2', 's2 = 0.5'));
  const result = await domain.evaluate(logistic, ctx());
  assert.ok(result.fitness > 0.75, `accuracy ${result.fitness}`);
  const constant = await domain.evaluate(domain.parse!('def Setup():\ndef Predict():\ndef Learn():'), ctx());
  assert.ok(constant.fitness > 0.3 && constant.fitness < 0.7, `constant predictor: ${constant.fitness}`);
  assert.equal((await domain.probe(logistic)).length, 2 * 11);
});

test('tasks are deterministic across domain instances, and the probe key names the task set', async () => {
  const a = await factory({ tasks: [{ type: 'scalar-nonlinear', count: 3, seed: 9 }] });
  const b = await factory({ tasks: [{ type: 'scalar-nonlinear', count: 3, seed: 9 }] });
  const c = a.parse!(GD);
  assert.deepEqual(Array.from(await a.probe(c)), Array.from(await b.probe(c)));
  assert.equal(a.probeKey, b.probeKey);
  const other = await factory({ tasks: [{ type: 'scalar-nonlinear', count: 3, seed: 10 }] });
  assert.notEqual(other.probeKey, a.probeKey);
  assert.notDeepEqual(Array.from(await other.probe(c)), Array.from(await a.probe(c)));
});

test('dead-code removal agrees between its small-memory (bitmask) and large-memory paths', () => {
  const small = parseOptions({ ops: { setup: ['SCALAR_CONST_SET_OP', 'VECTOR_GAUSSIAN_SET_OP', 'MATRIX_CONST_SET_OP'], predict: ['VECTOR_INNER_PRODUCT_OP', 'SCALAR_SUM_OP', 'MATRIX_VECTOR_PRODUCT_OP', 'VECTOR_CONST_SET_OP'], learn: ['SCALAR_DIFF_OP', 'SCALAR_VECTOR_PRODUCT_OP', 'VECTOR_SUM_OP', 'VECTOR_OUTER_PRODUCT_OP', 'MATRIX_SUM_OP'] }, memory: { scalars: 4, vectors: 3, matrices: 2 } }).space;
  const large = { scalars: 20, vectors: 10, matrices: 5 }; // 35 slots: the array path
  const rng = createRng(12);
  let pruned = 0;
  for (let i = 0; i < 300; i++) {
    const p = initialProgram(small, rng);
    const a = printProgram(pruneDeadCode(p, small.memory));
    assert.equal(a, printProgram(pruneDeadCode(p, large)));
    if (a !== printProgram(p)) pruned++;
  }
  assert.ok(pruned > 100);
});

test('finalEvaluate scores on unseen tasks (100 x 1000 examples by default); finalTasks: [] turns it off', async () => {
  const domain = await factory({});
  const gd = domain.parse!(GD);
  const final = await domain.finalEvaluate!(gd);
  assert.ok(final.fitness > 0.999, `held-out fitness ${final.fitness}`);
  assert.deepEqual([final.metrics?.tasks, final.metrics?.trainExamples], [100, 1000]);
  // Unseen means other tasks: a program tuned to nothing in particular scores differently there.
  const constant = domain.parse!('def Setup():\ndef Predict():\n  s1 = 0.5\ndef Learn():');
  assert.notEqual((await domain.finalEvaluate!(constant)).fitness, (await domain.evaluate(constant, ctx())).fitness);
  assert.equal((await factory({ finalTasks: [] })).finalEvaluate, undefined);
});

test('made candidates print only when read, and travel and record as {"program": text}', async () => {
  const domain = await factory({});
  const rng = createRng(3);
  let c = domain.random(rng);
  const chain = [c];
  for (let i = 0; i < 50; i++) chain.push((c = domain.mutate(c, rng)));
  for (const [i, x] of chain.entries()) {
    // Read some parents first, so children print both from a printed parent and from scratch.
    if (i % 3 !== 0) continue;
    const text = x.program;
    assert.equal(text, printProgram(parseProgram(text)));
    assert.deepEqual(JSON.parse(JSON.stringify(x)), { program: text });
    assert.deepEqual(structuredClone(wireForm(x)), { program: text });
  }
  for (const x of chain) assert.equal(x.program, printProgram(parseProgram(x.program)));
  assert.deepEqual(wireForm({ program: 'def Setup():' }), { program: 'def Setup():' }); // plain data as is
});

test('a search with a worker thread evaluates made candidates like inline', async () => {
  const run = (workers: number) =>
    runSearch({
      domain: 'automl-zero',
      search: { algorithm: 'regularized-evolution', populationSize: 300, tournamentSize: 5 },
      budget: { maxProposals: 300 },
      cache: { enabled: false },
      workers,
      batchSize: 300,
      seed: 4,
    });
  const [inline, threaded] = [await run(0), await run(1)];
  assert.equal(threaded.failed, 0);
  assert.equal(threaded.evaluations, 300);
  // Every proposal fills the population (random samples), so both runs evaluate the same candidates.
  assert.equal(threaded.best!.fitness, inline.best!.fitness);
  assert.equal((threaded.best!.candidate as { program: string }).program, (inline.best!.candidate as { program: string }).program);
});
