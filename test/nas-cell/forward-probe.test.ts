import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFunctionalHasher } from '../../src/hash/functional-hash.js';
import { planCell } from '../../src/evaluators/nas-cell/cell-plan.js';
import { DEFAULT_FORWARD_PROBE, forwardProbe, forwardProbeKey } from '../../src/evaluators/nas-cell/forward-probe.js';
import { randomCell } from '../../src/evaluators/nas-cell/sampling.js';
import { structuralHash } from '../../src/evaluators/nas-cell/structural-hash.js';
import { createRng } from '../../src/random/rng.js';
import { README_CELL, randomIsomorph } from './helpers.js';

const C3 = 'conv3x3-bn-relu';
const C1 = 'conv1x1-bn-relu';
const MP = 'maxpool3x3';

test('the probe is deterministic and returns batch x classes finite logits', () => {
  const a = forwardProbe(README_CELL);
  const b = forwardProbe(README_CELL);
  assert.equal(a.length, DEFAULT_FORWARD_PROBE.batch * DEFAULT_FORWARD_PROBE.classes);
  assert.deepEqual(a, b);
  assert.ok(a.every(Number.isFinite));
});

test('isomorphic cells give bit-identical probe outputs', () => {
  const rng = createRng(9);
  for (let i = 0; i < 60; i++) {
    const cell = randomCell(rng);
    assert.deepEqual(forwardProbe(randomIsomorph(cell, rng)), forwardProbe(cell));
  }
});

test('cells that differ only in pruned vertices give bit-identical probe outputs', () => {
  const base = { matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ops: ['input', C3, C1, 'output'] };
  const padded = {
    matrix: [
      [0, 1, 0, 1, 1, 0],
      [0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 1], // vertex 2 is unreachable from the input
      [0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0], // vertex 4 is a dead end
      [0, 0, 0, 0, 0, 0],
    ],
    ops: ['input', C3, MP, C1, MP, 'output'],
  };
  assert.deepEqual(forwardProbe(padded), forwardProbe(base));
});

test('parallel twins get distinct weights, numbered canonically', () => {
  // Two conv3x3 vertices fed by the input: same functional position, different twin numbers.
  const plan = planCell({ matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ops: ['input', C3, C3, 'output'] }, 4, 8);
  const twins = plan.vertices.slice(1, 3);
  assert.equal(twins[0].position, twins[1].position);
  assert.deepEqual(twins.map((v) => v.twin).sort(), [0, 1]);
  // Twins are different functions after training: a cell with twins differs from one with a single conv.
  const single = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', C3, 'output'] };
  const twin = { matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ops: ['input', C3, C3, 'output'] };
  assert.notDeepEqual(forwardProbe(twin), forwardProbe(single));
});

test('a parameter-free twin merges functionally: two maxpools of one tensor are one maxpool', () => {
  // From the V = 7 enumeration: in>c3>mp>{c3, out}, c3>out equals the same cell with the maxpool duplicated.
  const single = { matrix: [[0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]], ops: ['input', C3, MP, C3, 'output'] };
  const duplicated = {
    matrix: [[0, 1, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0]],
    ops: ['input', C3, MP, MP, C3, 'output'],
  };
  assert.notEqual(structuralHash(single), structuralHash(duplicated));
  assert.deepEqual(forwardProbe(duplicated), forwardProbe(single));
});

test('structurally different random cells do not collide at the default mantissa bits', async () => {
  const hasher = await createFunctionalHasher();
  const hash = hasher.forKey({ domain: 'nas-cell', version: '1', probeKey: forwardProbeKey(DEFAULT_FORWARD_PROBE), mantissaBits: 24 });
  const rng = createRng(21);
  const byFunction = new Map<string, string>();
  for (let i = 0; i < 300; i++) {
    const cell = randomCell(rng);
    const s = structuralHash(cell);
    const f = hash(forwardProbe(cell));
    const seen = byFunction.get(f);
    if (seen !== undefined) assert.equal(seen, s, `functional collision between different structures: ${JSON.stringify(cell)}`);
    byFunction.set(f, s);
  }
});
