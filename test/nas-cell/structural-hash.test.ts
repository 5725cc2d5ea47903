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

/** Whether vertex v lies on a path from the input to the output (computed here, apart from the hash's own pruning). */
function onInputOutputPath(matrix: number[][], v: number): boolean {
  const n = matrix.length;
  const reach = (from: number, step: (u: number) => number[]): Set<number> => {
    const seen = new Set([from]);
    for (const stack = [from]; stack.length > 0; ) for (const w of step(stack.pop()!)) if (!seen.has(w)) seen.add(w), stack.push(w);
    return seen;
  };
  const succ = (u: number) => matrix[u].flatMap((x, w) => (x ? [w] : []));
  const pred = (u: number) => matrix.flatMap((row, w) => (row[u] ? [w] : []));
  return reach(0, succ).has(v) && reach(n - 1, pred).has(v);
}

test('isomorphic relabellings hash alike; an op change changes the hash exactly when its vertex is live', () => {
  const rng = createRng(2);
  const seen = { pruned: 0, live: 0 };
  for (let i = 0; i < 100; i++) {
    const cell = randomCell(rng);
    const h = structuralHash(cell);
    assert.equal(structuralHash(randomIsomorph(cell, rng)), h);
    const changed = { matrix: cell.matrix, ops: cell.ops.slice() };
    const v = 1 + rng.int(cell.ops.length - 2);
    changed.ops[v] = changed.ops[v] === 'maxpool3x3' ? 'conv3x3-bn-relu' : 'maxpool3x3';
    const live = onInputOutputPath(cell.matrix, v);
    assert.equal(structuralHash(changed) !== h, live, `vertex ${v} of ${JSON.stringify(cell)}`);
    seen[live ? 'live' : 'pruned']++;
  }
  // Both branches must occur, or the loop above checks only one of them.
  assert.ok(seen.pruned >= 20 && seen.live >= 20, JSON.stringify(seen));
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
