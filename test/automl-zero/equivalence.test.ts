/**
 * The functional probe through the real hasher: programs that differ only in
 * dead code, in slot naming, or in the order of independent instructions
 * must share a hash; programs that compute something different must not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFunctionalHasher } from '../../src/hash/functional-hash.js';
import factory from '../../src/evaluators/automl-zero/index.js';
import type { AutomlZeroCandidate } from '../../src/evaluators/automl-zero/index.js';
import { GD } from './programs.js';

const domain = await factory({});
const hasher = await createFunctionalHasher();
const hashOf = hasher.forKey({ domain: domain.name, version: domain.version, probeKey: domain.probeKey, mantissaBits: domain.mantissaBits });
const hash = async (program: string): Promise<string> => hashOf(await domain.probe(domain.parse!(program) as AutomlZeroCandidate));


test('dead code does not change the hash', async () => {
  const withDeadCode = `def Setup():
  s3 = 0.9
  s2 = 0.2
  v2 = s3 * v0
def Predict():
  s1 = dot(v0, v1)
  s3 = dot(v1, v1)
def Learn():
  s3 = s0 - s1
  s3 = s2 * s3
  v2 = s3 * v0
  v1 = v1 + v2
  s3 = s1 * s0`;
  assert.equal(await hash(withDeadCode), await hash(GD));
});

test('renaming memory slots does not change the hash', async () => {
  // s2 <-> s3 and v1 <-> v2 swapped throughout.
  const renamed = `def Setup():
  s3 = 0.2
def Predict():
  s1 = dot(v0, v2)
def Learn():
  s2 = s0 - s1
  s2 = s3 * s2
  v1 = s2 * v0
  v2 = v2 + v1`;
  assert.equal(await hash(renamed), await hash(GD));
});

test('reordering independent instructions does not change the hash', async () => {
  // The learning rate is set in Learn, in a different place: it does not depend on the error.
  const a = `def Setup():
def Predict():
  s1 = dot(v0, v1)
def Learn():
  s2 = 0.2
  s3 = s0 - s1
  v2 = s2 * v0
  v2 = s3 * v2
  v1 = v1 + v2`;
  const b = `def Setup():
def Predict():
  s1 = dot(v0, v1)
def Learn():
  s3 = s0 - s1
  s2 = 0.2
  v2 = s2 * v0
  v2 = s3 * v2
  v1 = v1 + v2`;
  assert.equal(await hash(a), await hash(b));
});

test('functionally different programs get different hashes', async () => {
  const otherRate = GD.replace('s2 = 0.2', 's2 = 0.1');
  const noLearning = GD.replace('  v1 = v1 + v2', '  v1 = v1 + v1');
  const hashes = new Set([await hash(GD), await hash(otherRate), await hash(noLearning)]);
  assert.equal(hashes.size, 3);
});

test('the probe is deterministic, random ops included', async () => {
  const noisy = GD.replace('s2 = 0.2', 's2 = uniform(0.1, 0.3)');
  const first = Array.from(await domain.probe(domain.parse!(noisy) as AutomlZeroCandidate));
  const second = Array.from(await domain.probe(domain.parse!(noisy) as AutomlZeroCandidate));
  assert.deepEqual(first, second);
  assert.notEqual(await hash(noisy), await hash(GD));
});

test('the probe holds each task index and its 10 + 10 errors', async () => {
  const probe = await domain.probe(domain.parse!(GD) as AutomlZeroCandidate);
  assert.equal(probe.length, 10 * 21);
  for (let t = 0; t < 10; t++) assert.equal(probe[t * 21], t);
});
