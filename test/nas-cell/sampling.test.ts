import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateCell } from '../../src/evaluators/nas-cell/cell.js';
import { expandCell, mutateCell, randomCell } from '../../src/evaluators/nas-cell/sampling.js';
import { structuralHash } from '../../src/evaluators/nas-cell/structural-hash.js';
import { createRng } from '../../src/random/rng.js';

test('random cells are valid, 7x7 and reproducible from the seed', () => {
  const a = createRng(5);
  const b = createRng(5);
  const hashes = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const cell = randomCell(a);
    assert.equal(validateCell(cell), null);
    assert.equal(cell.matrix.length, 7);
    assert.deepEqual(randomCell(b), cell);
    hashes.add(structuralHash(cell));
  }
  assert.ok(hashes.size > 100, `random cells should be diverse, got ${hashes.size} distinct of 200`);
});

test('mutation flips edges with probability rate/7 and resamples ops to a different op with rate/5', () => {
  const rng = createRng(11);
  const parent = randomCell(rng);
  let edgeFlips = 0;
  let opChanges = 0;
  let children = 0;
  for (let i = 0; i < 2000; i++) {
    const child = mutateCell(parent, rng, 1);
    assert.equal(validateCell(child), null);
    children++;
    for (let u = 0; u < 7; u++) for (let v = u + 1; v < 7; v++) edgeFlips += child.matrix[u][v] !== parent.matrix[u][v] ? 1 : 0;
    for (let v = 1; v < 6; v++) opChanges += child.ops[v] !== parent.ops[v] ? 1 : 0;
  }
  // Validity retries bias the rates a little; the expectations are 21/7 = 3 flips and 5/5 = 1 op change per child.
  const flipsPerChild = edgeFlips / children;
  const opsPerChild = opChanges / children;
  assert.ok(flipsPerChild > 2 && flipsPerChild < 4, `edge flips per child ${flipsPerChild}`);
  assert.ok(opsPerChild > 0.8 && opsPerChild < 1.2, `op changes per child ${opsPerChild}`);
});

test('an op mutation never keeps the same op', () => {
  const rng = createRng(3);
  const parent = randomCell(rng);
  for (let i = 0; i < 300; i++) {
    // Rate 5 makes every op mutate (probability 5/5 = 1); edges flip with 5/7.
    const child = mutateCell(parent, rng, 5);
    for (let v = 1; v < 6; v++) assert.notEqual(child.ops[v], parent.ops[v]);
  }
});

test('smaller cells are expanded so mutation can reach the whole space', () => {
  const rng = createRng(1);
  const small = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] };
  const big = expandCell(small, 7, rng);
  assert.equal(big.matrix.length, 7);
  assert.equal(structuralHash(big), structuralHash(small));
  assert.equal(mutateCell(small, rng).matrix.length, 7);
});
