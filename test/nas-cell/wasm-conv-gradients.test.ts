import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/evaluators/nas-cell/backend.js';
import { createRng } from '../../src/random/rng.js';

type Case = { x: [number, number, number, number]; filter: [number, number, number, number]; stride: number; pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding };

const CASES: Case[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { x: [2, 8, 8, 4], filter: [1, 1, 4, 6], stride: 1, pad: 'valid' },
  { x: [1, 9, 9, 2], filter: [3, 3, 2, 3], stride: 2, pad: 'same' },
  { x: [2, 9, 8, 2], filter: [3, 3, 2, 3], stride: 2, pad: 'valid' },
  { x: [2, 8, 7, 3], filter: [2, 2, 3, 2], stride: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 2], stride: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] },
];

function values(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

async function gradients(backend: string, c: Case): Promise<[Float32Array, Float32Array]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.x, 1), c.x);
    const w = tf.tensor4d(values(c.filter, 2), c.filter);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).square().sum())([x, w]);
    return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array] as [Float32Array, Float32Array];
  });
}

function assertClose(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-5 * scale + 1e-5, `${label}[${i}]: wasm ${actual[i]} vs cpu ${expected[i]}`);
  }
}

test('wasm conv gradients (filter: ours; input: ours for stride 1) match the cpu kernels', async () => {
  const selected = await selectBackend('wasm');
  assert.equal(selected.name, 'wasm');
  assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'filter gradient registered');
  for (const c of CASES) {
    const [dxWasm, dwWasm] = await gradients('wasm', c);
    const [dxCpu, dwCpu] = await gradients('cpu', c);
    const label = `${JSON.stringify(c.x)} * ${JSON.stringify(c.filter)} stride ${c.stride} pad ${JSON.stringify(c.pad)}`;
    assertClose(dwWasm, dwCpu, `dW ${label}`);
    assertClose(dxWasm, dxCpu, `dx ${label}`);
  }
});

test('the kernels leave no tensors behind', async () => {
  await selectBackend('wasm');
  const before = tf.memory().numTensors;
  for (const c of CASES) await gradients('wasm', c);
  await tf.setBackend('wasm');
  assert.equal(tf.memory().numTensors, before);
});
