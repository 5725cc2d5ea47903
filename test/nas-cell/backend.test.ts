import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/evaluators/nas-cell/backend.js';

test('auto falls back past unavailable native and WebGPU backends and says why', async () => {
  const chosen = await selectBackend('auto');
  // Neither @tensorflow/tfjs-node(-gpu) nor webgpu is a dependency here; wasm always loads.
  assert.equal(chosen.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(chosen.skipped.map((line) => line.split(':')[0]), ['tensorflow', 'webgpu']);
  assert.ok(chosen.skipped.every((line) => line.length > 'webgpu: '.length));
});

test('an explicit backend that cannot load is an error naming the reason; cpu always works', async () => {
  await assert.rejects(selectBackend('tensorflow'), /no usable tfjs backend for "tensorflow" \(tensorflow: /);
  assert.equal((await selectBackend('cpu')).name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
});
