/**
 * Isotropic Gaussian mixtures and their exact denoiser:
 * D(x, sigma) = sum_k w_k [mu_k + s_k^2 / (s_k^2 + sigma^2) (x - mu_k)],
 * w_k proportional to pi_k N(x; mu_k, (s_k^2 + sigma^2) I).
 * With this denoiser a sampler's error is pure discretisation error.
 */
import type { Rng } from '../../random/rng.js';
import type { Denoiser } from './solvers/types.js';

export interface GaussianMixture {
  dim: number;
  /** Mixture weights pi_k (sum 1). */
  weights: number[];
  /** Means, component-major (K x dim). */
  means: number[];
  /** Per-component isotropic variance s_k^2. */
  variances: number[];
}

export function mixtureDenoiser(g: GaussianMixture): Denoiser {
  const k = g.weights.length;
  const d = g.dim;
  const logWeights = g.weights.map(Math.log);
  const means = Float64Array.from(g.means);
  const logw = new Float64Array(k);
  const logNorm = new Float64Array(k);
  const inv2v = new Float64Array(k);
  const keep = new Float64Array(k);
  return (x, sigma) => {
    const n = x.length / d;
    const out = new Float64Array(x.length);
    const s2 = sigma * sigma;
    // Per-component constants depend on sigma only: hoisted out of the sample loop.
    for (let c = 0; c < k; c++) {
      const v = g.variances[c] + s2;
      logNorm[c] = logWeights[c] - 0.5 * d * Math.log(v);
      inv2v[c] = 1 / (2 * v);
      keep[c] = g.variances[c] / v; // shrink toward the mean by s^2 / (s^2 + sigma^2)
    }
    for (let i = 0; i < n; i++) {
      const base = i * d;
      let maxLog = -Infinity;
      for (let c = 0; c < k; c++) {
        let dist = 0;
        const mBase = c * d;
        for (let j = 0; j < d; j++) {
          const diff = x[base + j] - means[mBase + j];
          dist += diff * diff;
        }
        const value = logNorm[c] - dist * inv2v[c];
        logw[c] = value;
        if (value > maxLog) maxLog = value;
      }
      let total = 0;
      for (let c = 0; c < k; c++) {
        logw[c] = Math.exp(logw[c] - maxLog);
        total += logw[c];
      }
      for (let c = 0; c < k; c++) {
        const w = logw[c] / total;
        if (w === 0) continue;
        const kc = keep[c];
        const mBase = c * d;
        for (let j = 0; j < d; j++) {
          const mu = means[mBase + j];
          out[base + j] += w * (mu + kc * (x[base + j] - mu));
        }
      }
    }
    return out;
  };
}

/** n independent draws from the mixture. */
export function sampleMixture(g: GaussianMixture, n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n * g.dim);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of g.weights) cumulative.push((acc += w));
  for (let i = 0; i < n; i++) {
    const u = rng.next() * acc;
    let c = cumulative.findIndex((v) => u < v);
    if (c < 0) c = g.weights.length - 1;
    const s = Math.sqrt(g.variances[c]);
    for (let j = 0; j < g.dim; j++) out[i * g.dim + j] = g.means[c * g.dim + j] + s * rng.normal();
  }
  return out;
}

/** modes equally spaced on a circle. */
export function ringMixture(modes: number, radius: number, std: number): GaussianMixture {
  const means: number[] = [];
  for (let m = 0; m < modes; m++) {
    const angle = (2 * Math.PI * m) / modes;
    means.push(radius * Math.cos(angle), radius * Math.sin(angle));
  }
  return { dim: 2, weights: new Array(modes).fill(1 / modes), means, variances: new Array(modes).fill(std * std) };
}

/** side x side modes evenly spaced on [-extent, extent]^2. */
export function gridMixture(side: number, extent: number, std: number): GaussianMixture {
  const means: number[] = [];
  for (let a = 0; a < side; a++) {
    for (let b = 0; b < side; b++) {
      means.push(-extent + (2 * extent * a) / (side - 1), -extent + (2 * extent * b) / (side - 1));
    }
  }
  const k = side * side;
  return { dim: 2, weights: new Array(k).fill(1 / k), means, variances: new Array(k).fill(std * std) };
}
