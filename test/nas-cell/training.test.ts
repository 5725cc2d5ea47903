import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/evaluators/nas-cell/backend.js';
import { loadMnistSplits, splitOf } from '../../src/evaluators/nas-cell/mnist-data.js';
import { seededPermutation } from '../../src/random/permutation.js';
import { trainAndEvaluate } from '../../src/evaluators/nas-cell/training.js';
import { createRng } from '../../src/random/rng.js';
import { README_CELL } from './helpers.js';

const NET = { inputChannels: 1, stemChannels: 8, stacks: 2, cellsPerStack: 1, classes: 10, bnMomentum: 0.5 };
const TRAIN = { optimizer: 'adam' as const, epochs: 1, batchSize: 16, learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4 };
const SMALL_CELL = { matrix: [[0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'] };

test('MNIST splits are deterministic, disjoint by rule and class-balanced', async () => {
  assert.deepEqual([0, 6, 7, 8, 9, 10, 17].map(splitOf), ['train', 'train', 'validation', 'validation', 'test', 'train', 'validation']);
  const a = await loadMnistSplits({ trainExamples: 100, validationExamples: 50, testExamples: 30, imageSide: 14 });
  const b = await loadMnistSplits({ trainExamples: 100, validationExamples: 50, testExamples: 30, imageSide: 14 });
  assert.deepEqual(a.train.labels, b.train.labels);
  assert.deepEqual(a.validation.images, b.validation.images);
  assert.equal(a.train.images.length, 100 * 14 * 14);
  const counts = new Array(10).fill(0);
  for (const label of a.train.labels) counts[label]++;
  assert.deepEqual(counts, new Array(10).fill(10));
  // Real digits: pixels in [0, 1] with ink.
  const ink = a.train.images.reduce((s, v) => s + v, 0) / a.train.images.length;
  assert.ok(ink > 0.05 && ink < 0.5, `mean intensity ${ink}`);
  await assert.rejects(loadMnistSplits({ trainExamples: 8000, validationExamples: 1, testExamples: 1, imageSide: 14 }), /trainExamples: only 7008 digits/);
});

test('seeded permutations depend on the seed only', () => {
  assert.deepEqual(seededPermutation(50, createRng(4)), seededPermutation(50, createRng(4)));
  assert.notDeepEqual(seededPermutation(50, createRng(4)), seededPermutation(50, createRng(5)));
  assert.deepEqual([...seededPermutation(50, createRng(4))].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
});

test('training is reproducible from the seed, learns, and leaves tf.memory() flat', async () => {
  await selectBackend('wasm');
  const data = await loadMnistSplits({ trainExamples: 320, validationExamples: 100, testExamples: 50, imageSide: 14 });
  const first = await trainAndEvaluate(SMALL_CELL, NET, { ...TRAIN, epochs: 2 }, data, createRng(1), { checkpoints: [0.5, 1] });
  const memory = tf.memory();
  const again = await trainAndEvaluate(SMALL_CELL, NET, { ...TRAIN, epochs: 2 }, data, createRng(1), { checkpoints: [0.5, 1] });
  assert.deepEqual({ ...again, trainSeconds: 0 }, { ...first, trainSeconds: 0 });
  assert.equal(first.checkpoints.length, 2);
  assert.equal(first.steps, 40);
  assert.ok(first.validationAccuracy > 0.25, `well above chance (0.1) after 40 steps: ${first.validationAccuracy}`);
  for (let i = 0; i < 6; i++) await trainAndEvaluate(i % 2 ? README_CELL : SMALL_CELL, NET, TRAIN, data, createRng(10 + i));
  const after = tf.memory();
  assert.equal(after.numTensors, memory.numTensors);
  assert.equal(after.numBytes, memory.numBytes);
});

test('an aborted evaluation stops and still disposes its tensors', async () => {
  await selectBackend('wasm');
  const data = await loadMnistSplits({ trainExamples: 64, validationExamples: 20, testExamples: 20, imageSide: 14 });
  const before = tf.memory().numTensors;
  const controller = new AbortController();
  controller.abort(new Error('timed out'));
  await assert.rejects(trainAndEvaluate(SMALL_CELL, NET, TRAIN, data, createRng(1), { signal: controller.signal }), /timed out/);
  assert.equal(tf.memory().numTensors, before);
});
