import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enumerateSpace, formatSpaceEnumeration } from '../../src/evaluators/nas-cell/space-enumeration.js';

test('structural counts match NAS-Bench-101 per vertex count up to V = 5', async () => {
  const result = await enumerateSpace({ maxVertices: 5, functional: false });
  // Published per-size counts: 1, 6, 84, 2441 (then 62010 and 359082, 423624 in all at V = 7).
  assert.deepEqual(result.structuralByVertices, { 2: 1, 3: 6, 4: 84, 5: 2441 });
  assert.equal(result.structuralHashes, 2532);
  assert.equal(result.labelledGraphs, 3364);
  assert.equal(result.functionalHashes, null);
});

test('functional hashes of V <= 5 cells: no merges, and the report says so', async () => {
  const result = await enumerateSpace({ maxVertices: 5 });
  // Up to 5 vertices no two distinct structures compute the same function under the forward probe
  // (the first merges, parameter-free maxpool twins, need 6 vertices: see docs/domains/nas-cell.md).
  assert.equal(result.functionalHashes, result.structuralHashes);
  assert.deepEqual(result.examples, []);
  const report = formatSpaceEnumeration(result);
  assert.match(report, /^labelled graphs: +3364$/m);
  assert.match(report, /^structural hashes: +2532 /m);
  assert.match(report, /^functional hashes: +2532 /m);
  assert.match(report, /^merges beyond structural: 0$/m);
});

test('maxVertices is checked', async () => {
  await assert.rejects(enumerateSpace({ maxVertices: 8 }), /maxVertices: expected an integer from 2 to 7/);
});
