import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCell, isFullCell, pruneCell, validateCell } from '../../src/evaluators/nas-cell/cell.js';
import { README_CELL } from './helpers.js';

const C3 = 'conv3x3-bn-relu';
const C1 = 'conv1x1-bn-relu';
const MP = 'maxpool3x3';

test('the README cell is valid and full', () => {
  assert.equal(validateCell(README_CELL), null);
  assert.equal(isFullCell(README_CELL.matrix), true);
});

test('validation names the field for each kind of error', () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /^cell: expected an object/],
    [{ matrix: [[0, 1], [0, 0]] }, /^ops: expected an array/],
    [{ matrix: [[0, 1], [1, 0]], ops: ['input', 'output'] }, /^matrix\[1\]\[0\]: must be 0, the matrix must be strictly upper triangular/],
    [{ matrix: [[1, 1], [0, 0]], ops: ['input', 'output'] }, /^matrix\[0\]\[0\]: must be 0/],
    [{ matrix: [[0, 2], [0, 0]], ops: ['input', 'output'] }, /^matrix\[0\]\[1\]: expected 0 or 1/],
    [{ matrix: [[0, 1, 0], [0, 0, 1]], ops: ['input', C3, 'output'] }, /^matrix: 2 vertices|^matrix\[0\]: expected a row of 2/],
    [{ matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv5x5', 'output'] }, /^ops\[1\]: unknown op "conv5x5", allowed: conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3/],
    [{ matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ops: [C3, C3, 'output'] }, /^ops\[0\]: must be "input"/],
    [{ matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ops: ['input', C3, C3] }, /^ops\[2\]: must be "output"/],
    [{ matrix: [[0, 1, 0], [0, 0, 0], [0, 0, 0]], ops: ['input', C3, 'output'] }, /^matrix: no path from the input/],
    [{ matrix: Array.from({ length: 8 }, () => new Array(8).fill(0)), ops: [] }, /^matrix: 8 vertices, at most 7 allowed/],
  ];
  for (const [candidate, pattern] of cases) {
    const message = validateCell(candidate);
    assert.ok(message, `expected an error for ${JSON.stringify(candidate)}`);
    assert.match(message, pattern);
    assert.ok(!message.includes('\n'), 'one line');
  }
});

test('more than 9 edges after pruning is rejected, dangling extra edges are not', () => {
  // Full DAG on 7 vertices: 21 edges.
  const dense = { matrix: Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => (j > i ? 1 : 0))), ops: ['input', C3, C3, C3, C3, C3, 'output'] };
  assert.equal(validateCell(dense), 'matrix: 21 edges after pruning, at most 9 allowed');
  // 9 useful edges plus edges among vertices that never reach the output: valid after pruning.
  const m = Array.from({ length: 7 }, () => new Array(7).fill(0));
  m[0][1] = m[1][6] = m[0][6] = 1; // 3 useful edges
  m[0][2] = m[0][3] = m[0][4] = m[0][5] = m[2][3] = m[2][4] = m[3][4] = m[4][5] = 1; // dead ends (no path to output)
  assert.equal(validateCell({ matrix: m, ops: ['input', C1, C3, C3, C3, MP, 'output'] }), null);
});

test('pruning removes vertices off every input-output path', () => {
  const cell = {
    matrix: [
      [0, 1, 1, 0, 0],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0], // dead end: reachable from input, does not reach output
      [0, 0, 0, 0, 1], // unreachable from input
      [0, 0, 0, 0, 0],
    ],
    ops: ['input', C3, MP, C1, 'output'],
  };
  assert.equal(isFullCell(cell.matrix), false);
  assert.deepEqual(pruneCell(cell), { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', C3, 'output'] });
  assert.equal(describeCell(cell), '3v 2e: in>c3#1 c3#1>out');
});
