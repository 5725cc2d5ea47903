/**
 * A small MLP denoiser trained with TensorFlow.js (EDM preconditioning and
 * loss, Karras et al. 2022), then used as D(x, sigma) like the closed-form
 * ones. Training is seeded end to end (seeded Glorot init, data from the
 * project's RNG, no shuffling inside fit), so every thread that has to train
 * gets the same weights; in practice one thread trains and the rest load the
 * saved weights (see disk-memo).
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../random/rng.js';
import { sampleMixture, type GaussianMixture } from './gaussian-mixture.js';
import type { Denoiser } from './solvers/types.js';

export interface TrainOptions {
  steps: number;
  batch: number;
  hidden: number;
  seed: number;
}

export interface TrainedWeights {
  dim: number;
  hidden: number;
  sigmaData: number;
  /** Flattened float32 weights in model.getWeights() order, with shapes. */
  tensors: Array<{ shape: number[]; values: number[] }>;
  finalLoss: number;
  trainSeconds: number;
}

const P_MEAN = -1.2;
const P_STD = 1.2;

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
}

function buildModel(dim: number, hidden: number, seed: number): tf.LayersModel {
  const model = tf.sequential();
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 16 + k });
  model.add(tf.layers.dense({ inputShape: [dim + 1], units: hidden, activation: 'swish', kernelInitializer: init(0) }));
  model.add(tf.layers.dense({ units: hidden, activation: 'swish', kernelInitializer: init(1) }));
  model.add(tf.layers.dense({ units: hidden, activation: 'swish', kernelInitializer: init(2) }));
  model.add(tf.layers.dense({ units: dim, kernelInitializer: init(3) }));
  return model;
}

function dataStd(g: GaussianMixture): number {
  const samples = sampleMixture(g, 4096, createRng(0, 'sigma-data'));
  let mean = 0;
  for (const v of samples) mean += v / samples.length;
  let sq = 0;
  for (const v of samples) sq += (v - mean) ** 2 / samples.length;
  return Math.sqrt(sq);
}

/** Network input for a batch: [c_in x, c_noise] per row. */
function networkInput(x: Float64Array, sigmas: Float64Array, dim: number, sigmaData: number): Float32Array {
  const n = sigmas.length;
  const out = new Float32Array(n * (dim + 1));
  for (let i = 0; i < n; i++) {
    const cIn = 1 / Math.sqrt(sigmas[i] ** 2 + sigmaData ** 2);
    for (let j = 0; j < dim; j++) out[i * (dim + 1) + j] = cIn * x[i * dim + j];
    out[i * (dim + 1) + dim] = Math.log(sigmas[i]) / 4;
  }
  return out;
}

export async function trainDenoiser(data: GaussianMixture, options: TrainOptions): Promise<TrainedWeights> {
  const started = performance.now();
  const dim = data.dim;
  const sigmaData = dataStd(data);
  const model = buildModel(dim, options.hidden, options.seed);
  model.compile({ optimizer: tf.train.adam(2e-3), loss: 'meanSquaredError' });
  const rng = createRng(options.seed, 'train-denoiser');
  const chunk = 32; // batches generated per fit call, to amortise fit's overhead
  let finalLoss = NaN;
  for (let done = 0; done < options.steps; done += chunk) {
    const batches = Math.min(chunk, options.steps - done);
    const n = batches * options.batch;
    const x0 = sampleMixture(data, n, rng);
    const sigmas = new Float64Array(n);
    const noisy = new Float64Array(n * dim);
    const target = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const sigma = Math.exp(P_MEAN + P_STD * rng.normal());
      sigmas[i] = sigma;
      const s2 = sigma ** 2 + sigmaData ** 2;
      const cSkip = sigmaData ** 2 / s2;
      const cOut = (sigma * sigmaData) / Math.sqrt(s2);
      for (let j = 0; j < dim; j++) {
        const q = i * dim + j;
        noisy[q] = x0[q] + sigma * rng.normal();
        // EDM: train F toward (x0 - c_skip x) / c_out, an unweighted loss equivalent to lambda(sigma) weighting.
        target[q] = (x0[q] - cSkip * noisy[q]) / cOut;
      }
    }
    const input = tf.tensor2d(networkInput(noisy, sigmas, dim, sigmaData), [n, dim + 1]);
    const output = tf.tensor2d(target, [n, dim]);
    const history = await model.fit(input, output, { batchSize: options.batch, epochs: 1, shuffle: false, verbose: 0 });
    finalLoss = history.history.loss[history.history.loss.length - 1] as number;
    input.dispose();
    output.dispose();
  }
  const tensors = model.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) }));
  model.dispose();
  return { dim, hidden: options.hidden, sigmaData, tensors, finalLoss, trainSeconds: (performance.now() - started) / 1000 };
}

export interface LoadedDenoiser {
  denoise: Denoiser;
  dispose(): void;
}

/** Rebuilds the network from saved weights; D(x, sigma) runs one predict per call. */
export function loadDenoiser(weights: TrainedWeights): LoadedDenoiser {
  const { dim, sigmaData } = weights;
  const model = buildModel(dim, weights.hidden, 0);
  model.setWeights(weights.tensors.map((t) => tf.tensor(t.values, t.shape, 'float32')));
  const denoise: Denoiser = (x, sigma) => {
    const n = x.length / dim;
    const sigmas = new Float64Array(n).fill(sigma);
    const raw = tf.tidy(() => {
      const input = tf.tensor2d(networkInput(x, sigmas, dim, sigmaData), [n, dim + 1]);
      return (model.predict(input) as tf.Tensor).dataSync();
    });
    const s2 = sigma ** 2 + sigmaData ** 2;
    const cSkip = sigmaData ** 2 / s2;
    const cOut = (sigma * sigmaData) / Math.sqrt(s2);
    const out = new Float64Array(x.length);
    for (let q = 0; q < x.length; q++) out[q] = cSkip * x[q] + cOut * raw[q];
    return out;
  };
  return { denoise, dispose: () => model.dispose() };
}
