/**
 * Per-step training time of the small-experiment network on each tfjs
 * backend that loads here, measured side by side in one process.
 *
 *   node --import tsx bench/nas-cell/backend-step-time.ts [steps=20] [cpuSteps=3]
 *
 * Network: the README cell in the default skeleton (16 stem channels, 2 stacks
 * x 1 cell, 14x14 digits, batch 32, Adam). The cpu backend is measured over
 * fewer steps because it is two orders of magnitude slower.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice } from '../../src/evaluators/nas-cell/backend.js';
import { loadMnistSplits } from '../../src/evaluators/nas-cell/mnist-data.js';
import { trainAndEvaluate } from '../../src/evaluators/nas-cell/training.js';
import { createRng } from '../../src/random/rng.js';

const steps = Number(process.argv[2] ?? 20);
const cpuSteps = Number(process.argv[3] ?? 3);
const batchSize = 32;
const cell = {
  matrix: [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
  ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
};
const network = { inputChannels: 1, stemChannels: 16, stacks: 2, cellsPerStack: 1, classes: 10, bnMomentum: 0.7 };

for (const backend of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as BackendChoice[]) {
  let name: string;
  try {
    name = (await selectBackend(backend)).name;
  } catch (error) {
    console.log(`${backend.padEnd(10)} unavailable: ${(error as Error).message}`);
    continue;
  }
  const n = backend === 'cpu' ? cpuSteps : steps;
  // One warm-up step's worth of data, then n steps; trainSeconds excludes accuracy measurement.
  const data = await loadMnistSplits({ trainExamples: batchSize * n, validationExamples: 10, testExamples: 10, imageSide: 14 });
  await trainAndEvaluate(cell, network, { optimizer: 'adam', epochs: 1, batchSize, learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4 }, { train: { ...data.train, count: batchSize }, validation: data.validation }, createRng(0));
  const result = await trainAndEvaluate(cell, network, { optimizer: 'adam', epochs: 1, batchSize, learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4 }, data, createRng(1));
  console.log(`${name.padEnd(10)} ${((result.trainSeconds * 1000) / result.steps).toFixed(1)} ms/step over ${result.steps} steps (batch ${batchSize}, ${result.parameterCount} parameters, tensors left ${tf.memory().numTensors})`);
}
