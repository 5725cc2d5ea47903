/**
 * `npm run gpu-check`: what GPU route this machine offers TensorFlow.js, and
 * how much faster it is than wasm. Reports the WebGPU adapter (the `webgpu`
 * package, Dawn over Vulkan, with @tensorflow/tfjs-backend-webgpu) or why
 * there is none; times a matmul and one nas-cell training step on wasm and,
 * when there is an adapter, on webgpu, and prints the ratios. Exits 0 either
 * way: a machine without a GPU is an answer, not an error.
 *
 *   npm run gpu-check [-- --size 1024 --batch 64 --stem 32]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { requestWebGpuAdapter, selectBackend } from '../src/evaluators/nas-cell/backend.js';
import type { ImageSplit } from '../src/evaluators/nas-cell/mnist-data.js';
import { trainAndEvaluate } from '../src/evaluators/nas-cell/training.js';
import { createRng } from '../src/random/rng.js';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '1024' }, batch: { type: 'string', default: '64' }, stem: { type: 'string', default: '32' } },
});
const size = Number(values.size);
const batch = Number(values.batch);

/** The NAS-Bench-101 README cell in a 2-stack skeleton on 28x28 inputs. */
const CELL = {
  matrix: [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
  ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
};
const NETWORK = { inputChannels: 1, stemChannels: Number(values.stem), stacks: 2, cellsPerStack: 1, classes: 10, bnMomentum: 0.9 };
const TRAINING = { optimizer: 'sgd' as const, epochs: 1, batchSize: batch, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4 };

/** Seeded noise images: the step's cost does not depend on what the pixels show. */
function noiseSplit(count: number, seed: number): ImageSplit {
  const rng = createRng(seed, 'gpu-check');
  const side = 28;
  return {
    images: Float32Array.from({ length: count * side * side }, () => rng.next()),
    labels: Int32Array.from({ length: count }, () => rng.int(10)),
    count,
    side,
  };
}

/** Median of `runs` timings (ms) that `work` reports, after one warm-up run (shader compilation, kernel set-up). */
async function medianMs(runs: number, work: () => Promise<number>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await work());
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function matmulMs(): Promise<number> {
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 1);
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 2);
  const ms = await medianMs(5, async () => {
    const started = performance.now();
    const c = tf.matMul(a, b);
    await c.data(); // waits for the device, as a training step does
    c.dispose();
    return performance.now() - started;
  });
  tf.dispose([a, b]);
  return ms;
}

async function trainingStepMs(): Promise<number> {
  const data = { train: noiseSplit(batch, 1), validation: noiseSplit(16, 2) };
  // trainSeconds covers the training step only, not building the network or the accuracy pass.
  return medianMs(3, async () => 1000 * (await trainAndEvaluate(CELL, NETWORK, TRAINING, data, createRng(3))).trainSeconds);
}

async function measure(backend: 'wasm' | 'webgpu'): Promise<{ matmul: number; step: number }> {
  await selectBackend(backend);
  const result = { matmul: await matmulMs(), step: await trainingStepMs() };
  console.log(`${backend.padEnd(7)} matmul ${size}x${size} ${result.matmul.toFixed(1)} ms; nas-cell training step (batch ${batch}, stem ${NETWORK.stemChannels}) ${result.step.toFixed(1)} ms`);
  return result;
}

async function main(): Promise<void> {
  console.log(`gpu-check: Node ${process.version}, ${process.platform}-${process.arch}, tfjs ${tf.version.tfjs}`);
  let adapter: string | null = null;
  try {
    adapter = (await requestWebGpuAdapter()).description;
    console.log(`WebGPU adapter: ${adapter}`);
  } catch (error) {
    console.log(`WebGPU: none here: ${(error as Error).message.split('\n')[0]}`);
  }
  const wasm = await measure('wasm');
  if (adapter === null) {
    console.log('no GPU to compare with: nas-cell uses wasm here (--backend auto); on a machine with a Vulkan GPU this check times webgpu too');
    return;
  }
  const gpu = await measure('webgpu');
  console.log(`ratio wasm/webgpu: matmul ${(wasm.matmul / gpu.matmul).toFixed(2)}x, training step ${(wasm.step / gpu.step).toFixed(2)}x (above 1: webgpu is faster)`);
}

await main();
