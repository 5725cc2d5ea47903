import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainInputError } from '../../src/domain/domain.js';
import { createRng } from '../../src/random/rng.js';
import { OPS } from '../../src/evaluators/automl-zero/ops.js';
import { initialProgram, mutateProgram, MUTATION_TYPES, type SearchSpace } from '../../src/evaluators/automl-zero/search-space.js';
import { parseInstruction, parseProgram, printInstruction, printProgram } from '../../src/evaluators/automl-zero/text.js';

const space: SearchSpace = {
  memory: { scalars: 8, vectors: 5, matrices: 4 },
  ops: { setup: OPS.map((o) => o.id), predict: OPS.map((o) => o.id), learn: OPS.map((o) => o.id) },
  sizes: { setup: { init: 6, min: 0, max: 12 }, predict: { init: 5, min: 1, max: 9 }, learn: { init: 7, min: 0, max: 12 } },
  mutationTypes: [...MUTATION_TYPES],
  mutateProb: 1,
  initial: 'random',
};

test('every op prints and parses back to the same instruction', () => {
  for (const op of OPS) {
    const x = { op: op.id, in1: op.in1 ? 2 : 0, in2: op.in2 ? 3 : 0, out: op.out ? 1 : 0, data: [0.5, -0.75, 1e-7].slice(0, op.dataCount) };
    const text = printInstruction(x);
    assert.deepEqual(parseInstruction(text), x, `${op.name}: "${text}"`);
  }
});

test('the issue examples read as the intended ops', () => {
  assert.equal(OPS[parseInstruction('s3 = s1 - s0').op].name, 'SCALAR_DIFF_OP');
  assert.equal(OPS[parseInstruction('v2 = s3 * v0').op].name, 'SCALAR_VECTOR_PRODUCT_OP');
  assert.equal(OPS[parseInstruction('v2 = v3 * v0').op].name, 'VECTOR_PRODUCT_OP');
  assert.equal(OPS[parseInstruction('s1 = dot(v1, v0)').op].name, 'VECTOR_INNER_PRODUCT_OP');
  assert.equal(OPS[parseInstruction('v1 = dot(m0, v0)').op].name, 'MATRIX_VECTOR_PRODUCT_OP');
  assert.deepEqual(parseInstruction('s2 = 0.35'), { op: 56, in1: 0, in2: 0, out: 2, data: [0.35] });
});

test('random and mutated programs round-trip exactly through text', () => {
  const rng = createRng(11);
  let p = initialProgram(space, rng);
  for (let i = 0; i < 300; i++) {
    const text = printProgram(p);
    const back = parseProgram(text);
    assert.deepEqual(back, p);
    assert.equal(printProgram(back), text);
    p = mutateProgram(space, p, rng);
  }
});

test('whitespace, comments and blank lines do not matter; empty components are allowed', () => {
  const p = parseProgram('# linear regression\ndef Setup():\n\ndef Predict():\n   s1=dot( v0 ,v1 )  # predict\ndef Learn():\n');
  assert.equal(printProgram(p), 'def Setup():\ndef Predict():\n  s1 = dot(v0, v1)\ndef Learn():');
});

test('parse errors name the line and say what is wrong', () => {
  assert.throws(() => parseProgram('def Setup():\n  s1 = s2 ^ s3'), (e: unknown) => e instanceof DomainInputError && /line 2/.test(e.message));
  assert.throws(() => parseProgram('s1 = s2 + s3'), (e: unknown) => e instanceof DomainInputError && /before any/.test(e.message));
  assert.throws(() => parseProgram('def Setup():\n  s1 = 2 / s3'), (e: unknown) => e instanceof DomainInputError && /expected 1/.test(e.message));
  assert.throws(() => parseProgram('def Learn():\ndef Learn():'), (e: unknown) => e instanceof DomainInputError && /twice/.test(e.message));
});

test('printed text (the fast path) and any other layout parse alike, errors included', () => {
  const printed = 'def Setup():\n  s2 = 0.2\ndef Predict():\n  s1 = dot(v0, v1)\ndef Learn():\n  v1 = s2 * v0';
  const reordered = 'def Learn():\n  v1 = s2 * v0\ndef Predict():\n  s1 = dot(v0, v1)\ndef Setup():\n  s2 = 0.2';
  assert.deepEqual(parseProgram(printed), parseProgram(reordered));
  assert.equal(printProgram(parseProgram(reordered)), printed);
  // A printed-looking text with a bad line still gets its line number.
  assert.throws(
    () => parseProgram('def Setup():\n  s2 = 0.2\ndef Predict():\n  s1 = dot(v0 v1)\ndef Learn():'),
    (e: unknown) => e instanceof DomainInputError && /line 4/.test(e.message),
  );
  // A body seen before is reused, not re-read: the same instructions come back.
  assert.equal(parseProgram(printed).predict, parseProgram(printed.replace('s2 = 0.2', 's2 = 0.3')).predict);
});
