import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastStructuralFingerprint, forEachFullCell } from '../../src/evaluators/nas-cell/space-enumeration.js';
import { hashModule, structuralHash } from '../../src/evaluators/nas-cell/structural-hash.js';
import { createRng } from '../../src/random/rng.js';
import { randomCell } from '../../src/evaluators/nas-cell/sampling.js';
import { README_CELL, randomIsomorph } from './helpers.js';

test('reproduces the published NAS-Bench-101 hash of the README cell', () => {
  assert.equal(structuralHash(README_CELL), '28cfc7874f6d200472e1a9dcd8650aa0');
});

test('isomorphic relabellings hash alike, an op change does not', () => {
  const rng = createRng(2);
  for (let i = 0; i < 50; i++) {
    const cell = randomCell(rng);
    const h = structuralHash(cell);
    assert.equal(structuralHash(randomIsomorph(cell, rng)), h);
    const changed = { matrix: cell.matrix, ops: cell.ops.slice() };
    const v = 1 + rng.int(5);
    changed.ops[v] = changed.ops[v] === 'maxpool3x3' ? 'conv3x3-bn-relu' : 'maxpool3x3';
    // Only a pruned vertex's op can change without changing the hash.
    const pruned = structuralHash(changed) === h;
    if (pruned) assert.equal(structuralHash({ matrix: cell.matrix, ops: cell.ops.map((op, k) => (k === v ? 'conv1x1-bn-relu' : op)) }), h);
  }
});

test('pruned vertices do not change the hash', () => {
  const base = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] };
  const withDeadEnd = {
    matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]],
    ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
  };
  assert.equal(structuralHash(withDeadEnd), structuralHash(base));
});

test('the fast enumeration fingerprint induces the same partition as the MD5 hash (V <= 5)', () => {
  const fastToMd5 = new Map<number, string>();
  const md5ToFast = new Map<string, number>();
  let graphs = 0;
  forEachFullCell(5, 9, (n, succ, preds, succs, labels) => {
    graphs++;
    const fast = fastStructuralFingerprint(preds, succs, labels);
    const matrix = Array.from({ length: n }, (_, u) => Array.from({ length: n }, (_, v) => (succ[u] & (1 << v) ? 1 : 0)));
    const md5 = hashModule(matrix, Array.from(labels));
    assert.equal(fastToMd5.get(fast) ?? md5, md5);
    assert.equal(md5ToFast.get(md5) ?? fast, fast);
    fastToMd5.set(fast, md5);
    md5ToFast.set(md5, fast);
  });
  assert.equal(graphs, 3364);
  assert.equal(fastToMd5.size, 2532);
});
