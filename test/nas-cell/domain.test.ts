import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainInputError } from '../../src/domain/domain.js';
import createNasCellDomain from '../../src/evaluators/nas-cell/index.js';
import { createRng } from '../../src/random/rng.js';
import { README_CELL, randomIsomorph } from './helpers.js';

const TINY = {
  backend: 'wasm',
  stemChannels: 5,
  stacks: 1,
  cellsPerStack: 1,
  trainExamples: 64,
  validationExamples: 40,
  testExamples: 40,
  batchSize: 32,
};

test('bad domainOptions throw DomainInputError naming the field', async () => {
  await assert.rejects(createNasCellDomain({ probe: 'exact' }), (e: unknown) => e instanceof DomainInputError && /^domainOptions\.probe: /.test(e.message));
  await assert.rejects(createNasCellDomain({ stacks: 0 }), /^DomainInputError: domainOptions\.stacks: Too small/);
  await assert.rejects(createNasCellDomain({ trainExamples: 9000 }), /domainOptions\.trainExamples: Too big/);
  await assert.rejects(createNasCellDomain({ chanels: 8 }), /domainOptions\.chanels: unknown option/);
});

test('the domain samples, mutates, validates, parses and describes cells', async () => {
  const domain = await createNasCellDomain({ maxVertices: 5 });
  assert.equal(domain.name, 'nas-cell');
  const rng = createRng(3);
  const cell = domain.random(rng);
  assert.equal(cell.matrix.length, 5);
  assert.equal(domain.validate!(domain.mutate(cell, rng)), null);
  assert.match(domain.validate!(README_CELL)!, /^matrix: 7 vertices, at most 5 allowed/);
  assert.deepEqual(domain.parse!(JSON.stringify(cell)), cell);
  assert.throws(() => domain.parse!('{"matrix": [[0]]'), DomainInputError);
  assert.throws(() => domain.parse!('{"matrix": [[0,1],[0,0]], "ops": ["input", "out"]}'), /ops\[1\]: must be "output"/);
  assert.match(domain.describe(cell), /^\dv \de: /);
});

test('the forward probe is the default and its key names its configuration', async () => {
  const domain = await createNasCellDomain({});
  assert.match(domain.probeKey!, /^forward:b2s5i4o8k10seed101$/);
  const outputs = await domain.probe(README_CELL);
  assert.equal(outputs.length, 20);
  const other = await createNasCellDomain({ forwardProbe: { seed: 7 } });
  assert.notEqual(other.probeKey, domain.probeKey);
  assert.notDeepEqual(await other.probe(README_CELL), outputs);
});

test('evaluate trains on MNIST and reports fitness and metrics', async () => {
  const domain = await createNasCellDomain(TINY);
  const ctx = { seed: 5, rng: createRng(5), signal: new AbortController().signal };
  const result = await domain.evaluate(README_CELL, ctx);
  assert.ok(result.fitness >= 0 && result.fitness <= 1);
  assert.equal(result.metrics!.backend, 'wasm');
  assert.equal(result.metrics!.structuralHash, '28cfc7874f6d200472e1a9dcd8650aa0');
  assert.ok((result.metrics!.parameters as number) > 100);
  assert.ok(typeof result.metrics!.testAccuracy === 'number');
  assert.ok(result.cost! > 0);
  const again = await domain.evaluate(README_CELL, { ...ctx, rng: createRng(5) });
  assert.equal(again.fitness, result.fitness);
});

test('the short-train probe hashes four accuracies, repeatably and isomorphism-invariantly', async () => {
  const domain = await createNasCellDomain({ ...TINY, probe: 'short-train', shortTrain: { trainExamples: 64, validationExamples: 40 } });
  assert.match(domain.probeKey!, /^short-train:e1t64v40seed0\|.*\|backend:wasm$/);
  const a = Array.from(await domain.probe(README_CELL));
  const b = Array.from(await domain.probe(randomIsomorph(README_CELL, createRng(8))));
  assert.equal(a.length, 4);
  // Repeatable, and isomorphic cells train the same canonical network.
  assert.deepEqual(a, b);
  assert.ok(a.every((v) => v >= 0 && v <= 1));
});
