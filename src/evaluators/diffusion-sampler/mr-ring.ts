/**
 * The mean-reverting model "mr-ring": clean data from the 8-mode ring, and a
 * fixed condition mu per sample, the sample's mode projected on the first
 * axis (the "degraded image"). Modes with the same projection share a
 * condition, so p(x_0 | mu) is one or two ring modes. In y_0 = x_0 - mu each
 * condition's clean distribution is a Gaussian mixture, and the denoiser is
 * that mixture's exact one, chosen per sample by its condition.
 */
import { createRng } from '../../random/rng.js';
import { mixtureDenoiser, type GaussianMixture } from './gaussian-mixture.js';
import type { Denoiser } from './solvers/types.js';

export interface ConditionedMixture {
  /** p(y_0 | condition g) for each distinct condition g. */
  groups: GaussianMixture[];
  /** Condition index of every sample. */
  groupOf: Int32Array;
  /** mu of every sample, laid out like the state (samples x dim). */
  mu: Float64Array;
  /** The pooled distribution of y_0 over all conditions (for distribution metrics). */
  pooled: GaussianMixture;
}

/** Ring modes grouped by their projection on the first axis (rounded, so cos(pi/2) and cos(3pi/2) agree). */
export function projectedRing(ring: GaussianMixture, samples: number, seed: number): ConditionedMixture {
  const k = ring.weights.length;
  const key = (c: number) => Math.round(ring.means[c * 2] * 1e9) / 1e9;
  const conditions = [...new Set(Array.from({ length: k }, (_, c) => key(c)))];
  const groupOfMode = Array.from({ length: k }, (_, c) => conditions.indexOf(key(c)));
  const groups: GaussianMixture[] = conditions.map((mu, g) => {
    const members = groupOfMode.flatMap((group, c) => (group === g ? [c] : []));
    const total = members.reduce((sum, c) => sum + ring.weights[c], 0);
    return {
      dim: 2,
      weights: members.map((c) => ring.weights[c] / total),
      means: members.flatMap((c) => [ring.means[c * 2] - mu, ring.means[c * 2 + 1]]),
      variances: members.map((c) => ring.variances[c]),
    };
  });
  const pooled: GaussianMixture = {
    dim: 2,
    weights: [...ring.weights],
    means: groupOfMode.flatMap((g, c) => [ring.means[c * 2] - conditions[g], ring.means[c * 2 + 1]]),
    variances: [...ring.variances],
  };
  const rng = createRng(seed, 'mr-conditions');
  const cumulative = ring.weights.map((_, c) => ring.weights.slice(0, c + 1).reduce((a, b) => a + b, 0));
  const groupOf = new Int32Array(samples);
  const mu = new Float64Array(samples * 2);
  for (let i = 0; i < samples; i++) {
    const u = rng.next() * cumulative[k - 1];
    const mode = Math.max(0, cumulative.findIndex((v) => u < v));
    groupOf[i] = groupOfMode[mode];
    mu[i * 2] = conditions[groupOf[i]];
  }
  return { groups, groupOf, mu, pooled };
}

/** The exact denoiser of y_0 given each sample's condition: gathers each condition's samples, denoises, scatters. */
export function conditionedDenoiser(model: ConditionedMixture): Denoiser {
  const dim = model.pooled.dim;
  const denoisers = model.groups.map(mixtureDenoiser);
  const members = model.groups.map((_, g) => Array.from(model.groupOf).flatMap((group, i) => (group === g ? [i] : [])));
  return (x, sigma) => {
    if (x.length !== model.groupOf.length * dim) throw new Error(`conditioned denoiser: expected ${model.groupOf.length} samples, got ${x.length / dim}`);
    const out = new Float64Array(x.length);
    members.forEach((rows, g) => {
      if (rows.length === 0) return;
      const batch = new Float64Array(rows.length * dim);
      rows.forEach((i, r) => batch.set(x.subarray(i * dim, (i + 1) * dim), r * dim));
      const d = denoisers[g](batch, sigma);
      rows.forEach((i, r) => out.set(d.subarray(r * dim, (r + 1) * dim), i * dim));
    });
    return out;
  };
}
