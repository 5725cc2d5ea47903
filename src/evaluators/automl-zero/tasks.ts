/**
 * Task generators. Every task is a pure function of (spec, seed, task index):
 * weights come from a "param" stream and examples from a "data" stream, so
 * the same options always give bit-identical tasks in every thread.
 *
 * - scalar-linear: y = w . x, w and x ~ N(0, I) (the AutoML-Zero demo tasks).
 * - scalar-affine: y = w . x + b.
 * - scalar-nonlinear: y = w2 . relu(W1 x), a fixed random ReLU teacher.
 * - projected-binary: two MNIST digits (real data, the `mnist` package),
 *   784 pixels projected to F dimensions by a seeded Gaussian matrix and
 *   standardized with the train statistics; label 1 for the second digit.
 */
import { seededPermutation } from '../../random/permutation.js';
import { createRequire } from 'node:module';
import { createRng, type Rng } from '../../random/rng.js';

export type TaskType = 'scalar-linear' | 'scalar-affine' | 'scalar-nonlinear' | 'projected-binary';

export interface TaskSpec {
  type: TaskType;
  count: number;
  trainExamples: number;
  validExamples: number;
  /** Base seed of this group's tasks. */
  seed: number;
  /** Digit pairs for projected-binary, used in turn (default: all 45 pairs). */
  digitPairs?: Array<[number, number]>;
}

export interface Task {
  /** Position in the task list: part of the probe, as the original hashes the task index. */
  index: number;
  type: TaskType;
  classify: boolean;
  X: Float64Array;
  Y: Float64Array;
  VX: Float64Array;
  VY: Float64Array;
  nTrain: number;
  nValid: number;
}

function gaussianArray(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

type Teacher = (x: Float64Array, offset: number) => number;

function regressionTeacher(type: TaskType, F: number, rng: Rng): Teacher {
  const w = gaussianArray(F, rng);
  const dot = (x: Float64Array, o: number): number => {
    let y = 0;
    for (let k = 0; k < F; k++) y += w[k] * x[o + k];
    return y;
  };
  if (type === 'scalar-linear') return dot;
  if (type === 'scalar-affine') {
    const b = rng.normal();
    return (x, o) => dot(x, o) + b;
  }
  // scalar-nonlinear: one hidden ReLU layer of width F.
  const W1 = gaussianArray(F * F, rng);
  return (x, o) => {
    let y = 0;
    for (let h = 0; h < F; h++) {
      let a = 0;
      for (let k = 0; k < F; k++) a += W1[h * F + k] * x[o + k];
      if (a > 0) y += w[h] * a;
    }
    return y;
  };
}

function regressionTask(spec: TaskSpec, F: number, index: number, taskNumber: number): Task {
  const teacher = regressionTeacher(spec.type, F, createRng(spec.seed, spec.type, 'param', taskNumber));
  const data = createRng(spec.seed, spec.type, 'data', taskNumber);
  const make = (n: number): [Float64Array, Float64Array] => {
    const X = gaussianArray(n * F, data);
    const Y = new Float64Array(n);
    for (let i = 0; i < n; i++) Y[i] = teacher(X, i * F);
    return [X, Y];
  };
  const [X, Y] = make(spec.trainExamples);
  const [VX, VY] = make(spec.validExamples);
  return { index, type: spec.type, classify: false, X, Y, VX, VY, nTrain: spec.trainExamples, nValid: spec.validExamples };
}

const PIXELS = 784;

/** Per-thread memo of the raw MNIST digits (pixel values in [0, 1]); read only on first use. */
const digitMemo = new Map<number, Float64Array>();
function digitImages(digit: number): Float64Array {
  let images = digitMemo.get(digit);
  if (images === undefined) {
    const require = createRequire(import.meta.url);
    const raw = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    images = Float64Array.from(raw);
    digitMemo.set(digit, images);
  }
  return images;
}

export const ALL_DIGIT_PAIRS: Array<[number, number]> = [];
for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) ALL_DIGIT_PAIRS.push([a, b]);


function binaryTask(spec: TaskSpec, F: number, index: number, taskNumber: number): Task {
  const pairs = spec.digitPairs ?? ALL_DIGIT_PAIRS;
  const [d0, d1] = pairs[taskNumber % pairs.length];
  const projection = gaussianArray(F * PIXELS, createRng(spec.seed, spec.type, 'param', taskNumber));
  const data = createRng(spec.seed, spec.type, 'data', taskNumber);
  const images = [digitImages(d0), digitImages(d1)];
  const counts = images.map((im) => Math.floor(im.length / PIXELS));
  // One pool of (class, image) pairs, shuffled, split into train then validation without overlap.
  const pool: Array<[number, number]> = [];
  for (let c = 0; c < 2; c++) for (let i = 0; i < counts[c]; i++) pool.push([c, i]);
  const order = seededPermutation(pool.length, data);
  const needed = spec.trainExamples + spec.validExamples;
  if (needed > pool.length) {
    throw new RangeError(`projected-binary: digits ${d0}/${d1} have ${pool.length} images, fewer than ${needed} train + validation examples`);
  }
  const scale = 1 / Math.sqrt(PIXELS);
  const features = new Float64Array(needed * F);
  const labels = new Float64Array(needed);
  for (let e = 0; e < needed; e++) {
    const [c, i] = pool[order[e]];
    const im = images[c];
    const base = i * PIXELS;
    for (let k = 0; k < F; k++) {
      let acc = 0;
      const row = k * PIXELS;
      for (let p = 0; p < PIXELS; p++) acc += projection[row + p] * im[base + p];
      features[e * F + k] = acc * scale;
    }
    labels[e] = c;
  }
  // Standardize each feature with train statistics only.
  for (let k = 0; k < F; k++) {
    let mean = 0;
    let sq = 0;
    for (let e = 0; e < spec.trainExamples; e++) mean += features[e * F + k];
    mean /= spec.trainExamples;
    for (let e = 0; e < spec.trainExamples; e++) sq += (features[e * F + k] - mean) ** 2;
    const sd = Math.sqrt(sq / spec.trainExamples) || 1;
    for (let e = 0; e < needed; e++) features[e * F + k] = (features[e * F + k] - mean) / sd;
  }
  const nT = spec.trainExamples;
  return {
    index,
    type: spec.type,
    classify: true,
    X: features.slice(0, nT * F),
    Y: labels.slice(0, nT),
    VX: features.slice(nT * F),
    VY: labels.slice(nT),
    nTrain: nT,
    nValid: spec.validExamples,
  };
}

/** All tasks of all groups, in order. */
export function generateTasks(specs: readonly TaskSpec[], F: number): Task[] {
  const tasks: Task[] = [];
  for (const spec of specs) {
    for (let t = 0; t < spec.count; t++) {
      const index = tasks.length;
      tasks.push(spec.type === 'projected-binary' ? binaryTask(spec, F, index, t) : regressionTask(spec, F, index, t));
    }
  }
  return tasks;
}
