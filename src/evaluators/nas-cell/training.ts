/**
 * Seeded training and evaluation of a cell's network on MNIST splits.
 *
 * Our own loop instead of tfjs `fit`: `fit` shuffles with Math.random, while
 * here every epoch's order comes from the evaluation's seeded generator.
 * Optimizers: Adam at a constant rate (default: on 1-2 epochs of a few
 * thousand digits it reaches accuracies where cells can be told apart, where
 * momentum SGD is still near chance), or momentum SGD with the cosine-decayed
 * rate of NAS-Bench-101 for long runs. L2 weight decay in both. Every tensor is
 * created inside tf.tidy or disposed explicitly, so memory stays flat across
 * evaluations.
 */
import { seededPermutation } from '../../random/permutation.js';
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../random/rng.js';
import type { Cell } from './cell.js';
import type { ImageSplit } from './mnist-data.js';
import { buildNetwork, type ForwardMode, type NetworkConfig } from './network.js';

export interface TrainingConfig {
  /** Adam (constant rate) learns far faster in the one- or two-epoch runs this machine affords; SGD is NAS-Bench-101-like. */
  optimizer: 'adam' | 'sgd';
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

export interface AccuracyCheckpoint {
  /** Training step after which the accuracies were measured. */
  step: number;
  trainAccuracy: number;
  validationAccuracy: number;
}

export interface TrainingResult {
  validationAccuracy: number;
  testAccuracy: number | null;
  parameterCount: number;
  trainSeconds: number;
  steps: number;
  /** Accuracies at the requested checkpoints (e.g. halfway and end). */
  checkpoints: AccuracyCheckpoint[];
}

export interface TrainingData {
  train: ImageSplit;
  validation: ImageSplit;
  test?: ImageSplit;
}

export interface TrainOptions {
  /** Fractions of the total step count after which to record accuracies (1 = end). */
  checkpoints?: number[];
  /** Measure training accuracy at checkpoints on at most this many training digits. */
  trainAccuracyExamples?: number;
  signal?: AbortSignal;
}


function gatherBatch(split: ImageSplit, indices: ArrayLike<number>, start: number, end: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const pixels = split.side * split.side;
  const count = end - start;
  const images = new Float32Array(count * pixels);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const i = indices[start + k];
    images.set(split.images.subarray(i * pixels, (i + 1) * pixels), k * pixels);
    labels[k] = split.labels[i];
  }
  return tf.tidy(() => ({
    x: tf.tensor4d(images, [count, split.side, split.side, 1]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D,
  }));
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

export async function trainAndEvaluate(
  cell: Cell,
  network: NetworkConfig,
  training: TrainingConfig,
  data: TrainingData,
  rng: Rng,
  options: TrainOptions = {},
): Promise<TrainingResult> {
  const net = buildNetwork(cell, network, rng.fork('init'));
  const velocities = training.optimizer === 'sgd' ? net.trainable.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false))) : [];
  const adam = training.optimizer === 'adam' ? tf.train.adam(training.learningRate) : undefined;
  const shuffle = rng.fork('shuffle');
  try {
    const accuracy = async (split: ImageSplit, limit = split.count): Promise<number> => {
      const n = Math.min(limit, split.count);
      const order = identity(n);
      let correct = 0;
      for (let start = 0; start < n; start += 256) {
        const end = Math.min(n, start + 256);
        const hits = tf.tidy(() => {
          const { x, y } = gatherBatch(split, order, start, end);
          const predicted = net.logits(x, { training: false, statUpdates: [] }).argMax(1);
          return tf.sum(tf.cast(tf.equal(predicted, y.argMax(1)), 'int32'));
        });
        correct += (await hits.data())[0];
        hits.dispose();
      }
      return correct / n;
    };

    const stepsPerEpoch = Math.ceil(data.train.count / training.batchSize);
    const totalSteps = stepsPerEpoch * training.epochs;
    const checkpointSteps = (options.checkpoints ?? []).map((f) => Math.max(1, Math.round(f * totalSteps)));
    const checkpoints: AccuracyCheckpoint[] = [];
    let step = 0;
    const started = performance.now();
    let measuring = 0;
    for (let epoch = 0; epoch < training.epochs; epoch++) {
      const order = seededPermutation(data.train.count, shuffle);
      for (let start = 0; start < data.train.count; start += training.batchSize) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('evaluation aborted');
        // Cosine decay to zero over the run, as NAS-Bench-101 does.
        const lr = 0.5 * training.learningRate * (1 + Math.cos((Math.PI * step) / totalSteps));
        const loss = tf.tidy(() => {
          const { x, y } = gatherBatch(data.train, order, start, Math.min(data.train.count, start + training.batchSize));
          const mode: ForwardMode = { training: true, statUpdates: [] };
          const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, net.logits(x, mode)) as tf.Scalar, net.trainable);
          if (adam) {
            adam.applyGradients(net.trainable.map((variable) => ({ name: variable.name, tensor: tf.add(grads[variable.name], tf.mul(variable, training.weightDecay)) })));
          } else {
            net.trainable.forEach((variable, i) => {
              const g = tf.add(grads[variable.name], tf.mul(variable, training.weightDecay));
              const v = tf.add(tf.mul(velocities[i], training.momentum), g);
              velocities[i].assign(v);
              variable.assign(tf.sub(variable, tf.mul(v, lr)));
            });
          }
          net.applyStatUpdates(mode);
          return value;
        });
        loss.dispose();
        step++;
        if (checkpointSteps.includes(step)) {
          const t = performance.now();
          checkpoints.push({
            step,
            trainAccuracy: await accuracy(data.train, options.trainAccuracyExamples ?? data.train.count),
            validationAccuracy: await accuracy(data.validation),
          });
          measuring += performance.now() - t;
        }
      }
    }
    // Reading one value forces the queued work to finish before the clock stops.
    await net.trainable[0].data();
    const trainSeconds = (performance.now() - started - measuring) / 1000;
    const last = checkpoints.find((c) => c.step === totalSteps);
    return {
      validationAccuracy: last?.validationAccuracy ?? (await accuracy(data.validation)),
      testAccuracy: data.test ? await accuracy(data.test) : null,
      parameterCount: net.parameterCount,
      trainSeconds,
      steps: totalSteps,
      checkpoints,
    };
  } finally {
    adam?.dispose();
    for (const v of velocities) v.dispose();
    net.dispose();
  }
}
