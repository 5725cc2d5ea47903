/**
 * The NAS-Bench-101 macro skeleton in TensorFlow.js, scaled down: a 3x3
 * conv-bn-relu stem, `stacks` stacks of `cellsPerStack` cells with a 2x2
 * max-pool and doubled channels between stacks, global average pooling and a
 * dense head. Written with raw tf ops and our own variables (not tfjs-layers)
 * so that initialisation comes from our seeded generator, batch-norm moving
 * statistics are explicit, and every tensor the network owns is listed for
 * disposal.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../random/rng.js';
import type { Cell } from './cell.js';
import { planCell, type CellPlan } from './cell-plan.js';
import { BN_EPSILON } from './forward-probe.js';

export interface NetworkConfig {
  inputChannels: number;
  stemChannels: number;
  stacks: number;
  cellsPerStack: number;
  classes: number;
  /** Moving-average momentum of batch-norm statistics (short runs need a low one to converge). */
  bnMomentum: number;
}

/** Training mode collects batch statistics to fold into the moving averages after the step. */
export interface ForwardMode {
  training: boolean;
  statUpdates: Array<{ variable: tf.Variable; batchValue: tf.Tensor }>;
}

type Layer = (x: tf.Tensor4D, mode: ForwardMode) => tf.Tensor4D;

export interface Network {
  trainable: tf.Variable[];
  /** Trainable parameter count (batch-norm moving statistics excluded). */
  parameterCount: number;
  logits(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D;
  /** Folds the collected batch statistics into the moving averages and disposes them. */
  applyStatUpdates(mode: ForwardMode): void;
  dispose(): void;
}

/** Owns every variable it creates, all initialised from one seeded stream in build order. */
class ParameterStore {
  readonly trainable: tf.Variable[] = [];
  readonly state: tf.Variable[] = [];
  constructor(private readonly rng: Rng) {}

  heNormal(shape: number[], fanIn: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    const scale = Math.sqrt(2 / fanIn);
    for (let i = 0; i < size; i++) values[i] = this.rng.normal() * scale;
    // tf.variable shares the initial tensor's data; tidy disposes the temporary handle.
    return this.track(tf.tidy(() => tf.variable(tf.tensor(values, shape), true)), true);
  }

  constant(shape: number[], value: number, trainable: boolean): tf.Variable {
    return this.track(tf.tidy(() => tf.variable(tf.fill(shape, value), trainable)), trainable);
  }

  private track(variable: tf.Variable, trainable: boolean): tf.Variable {
    (trainable ? this.trainable : this.state).push(variable);
    return variable;
  }
}

/**
 * Training-mode batch norm with a hand-written gradient. tfjs's own batchNorm
 * gradient broadcasts with Tile, which dominated the step time on wasm (about
 * a third of it); the closed form below needs only reductions and
 * elementwise ops:  dx = gamma * invStd / n * (n * dy - sum(dy) - xhat * sum(dy * xhat)).
 */
function batchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, keepMoments: (mean: tf.Tensor, variance: tf.Tensor) => void): tf.Tensor4D {
  const fn = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, scale, shift, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const xs = input;
    const { mean, variance } = tf.moments(xs, [0, 1, 2]);
    keepMoments(mean, variance);
    const invStd = tf.rsqrt(tf.add(variance, BN_EPSILON));
    const xhat = tf.mul(tf.sub(xs, mean), invStd);
    save([xhat, invStd, scale]);
    return {
      value: tf.add(tf.mul(xhat, scale), shift),
      gradFunc: (dy, saved) => {
        const [savedXhat, savedInvStd, savedScale] = saved;
        const n = xs.size / xs.shape[3];
        const dShift = tf.sum(dy, [0, 1, 2]);
        const dScale = tf.sum(tf.mul(dy, savedXhat), [0, 1, 2]);
        const inner = tf.sub(tf.sub(tf.mul(dy as tf.Tensor, n), dShift), tf.mul(savedXhat, dScale));
        const dx = tf.mul(inner, tf.div(tf.mul(savedScale, savedInvStd), n));
        return [dx, dScale, dShift];
      },
    };
  });
  return fn(x, gamma, beta) as tf.Tensor4D;
}

function convBnRelu(store: ParameterStore, kernel: number, cin: number, cout: number, momentum: number): Layer {
  const weights = store.heNormal([kernel, kernel, cin, cout], kernel * kernel * cin);
  const gamma = store.constant([cout], 1, true);
  const beta = store.constant([cout], 0, true);
  const movingMean = store.constant([cout], 0, false);
  const movingVariance = store.constant([cout], 1, false);
  return (x, mode) => {
    const y = tf.conv2d(x, weights as tf.Tensor4D, 1, 'same');
    if (!mode.training) return tf.relu(tf.batchNorm(y, movingMean, movingVariance, beta, gamma, BN_EPSILON)) as tf.Tensor4D;
    const normalized = batchNormTraining(y, gamma as tf.Tensor1D, beta as tf.Tensor1D, (mean, variance) => {
      // Kept past the step's tidy; folded into the moving averages by applyStatUpdates.
      mode.statUpdates.push(
        { variable: movingMean, batchValue: tf.keep(tf.add(tf.mul(movingMean, momentum), tf.mul(mean, 1 - momentum))) },
        { variable: movingVariance, batchValue: tf.keep(tf.add(tf.mul(movingVariance, momentum), tf.mul(variance, 1 - momentum))) },
      );
    });
    return tf.relu(normalized) as tf.Tensor4D;
  };
}

const maxPool3x3: Layer = (x) => tf.maxPool(x, 3, 1, 'same');

/** One cell executing its canonical plan: the same sums and concatenations, in the same order, as the probe. */
function cellLayer(store: ParameterStore, plan: CellPlan, momentum: number): Layer {
  const vertices = plan.vertices;
  const last = vertices.length - 1;
  const inputChannels = vertices[0].channels;
  const projections = new Map<number, Layer>();
  const ops = new Map<number, Layer>();
  for (const v of vertices.slice(1)) {
    if (v.inputs.includes(0)) projections.set(v.index, convBnRelu(store, 1, inputChannels, v.channels, momentum));
    if (v.index === last) continue;
    ops.set(v.index, v.op === 'maxpool3x3' ? maxPool3x3 : convBnRelu(store, v.op === 'conv3x3-bn-relu' ? 3 : 1, v.channels, v.channels, momentum));
  }
  const truncate = (t: tf.Tensor4D, channels: number): tf.Tensor4D =>
    t.shape[3] === channels ? t : tf.slice(t, [0, 0, 0, 0], [-1, -1, -1, channels]);
  return (x, mode) => {
    const outputs: tf.Tensor4D[] = [x];
    for (const v of vertices.slice(1, last)) {
      const terms = v.inputs.map((from) => (from === 0 ? projections.get(v.index)!(x, mode) : truncate(outputs[from], v.channels)));
      const sum = terms.length === 1 ? terms[0] : (tf.addN(terms) as tf.Tensor4D);
      outputs.push(ops.get(v.index)!(sum, mode));
    }
    const out = vertices[last];
    const interior = out.inputs.filter((from) => from !== 0).map((from) => outputs[from]);
    const projected = out.inputs.includes(0) ? projections.get(out.index)!(x, mode) : undefined;
    if (interior.length === 0) return projected!;
    const concatenated = interior.length === 1 ? interior[0] : tf.concat(interior, 3);
    return projected ? tf.add(concatenated, projected) : concatenated;
  };
}

export function buildNetwork(cell: Cell, config: NetworkConfig, rng: Rng): Network {
  const store = new ParameterStore(rng);
  const layers: Layer[] = [convBnRelu(store, 3, config.inputChannels, config.stemChannels, config.bnMomentum)];
  let channels = config.stemChannels;
  for (let stack = 0; stack < config.stacks; stack++) {
    let outChannels = channels;
    if (stack > 0) {
      layers.push((x) => tf.maxPool(x, 2, 2, 'same'));
      outChannels = channels * 2;
    }
    for (let i = 0; i < config.cellsPerStack; i++) {
      layers.push(cellLayer(store, planCell(cell, channels, outChannels), config.bnMomentum));
      channels = outChannels;
    }
  }
  const denseWeights = store.heNormal([channels, config.classes], channels);
  const denseBias = store.constant([config.classes], 0, true);
  const parameterCount = store.trainable.reduce((sum, v) => sum + v.size, 0);
  return {
    trainable: store.trainable,
    parameterCount,
    logits(x, mode) {
      let h = x;
      for (const layer of layers) h = layer(h, mode);
      const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, denseWeights as tf.Tensor2D), denseBias);
    },
    applyStatUpdates(mode) {
      for (const { variable, batchValue } of mode.statUpdates) {
        variable.assign(batchValue);
        batchValue.dispose();
      }
      mode.statUpdates.length = 0;
    },
    dispose() {
      for (const v of [...store.trainable, ...store.state]) v.dispose();
    },
  };
}
