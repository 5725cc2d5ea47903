/** Error and distribution metrics on batches of samples (n x dim, sample-major). */
import { createRng } from '../../random/rng.js';

/** Root mean square over samples of the Euclidean distance to the reference. */
export function rmse(x: Float64Array, reference: Float64Array, dim: number): number {
  const n = x.length / dim;
  let sum = 0;
  for (let k = 0; k < x.length; k++) sum += (x[k] - reference[k]) ** 2;
  return Math.sqrt(sum / n);
}

function quantile(sorted: Float64Array, p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

function project(points: Float64Array, dim: number, dir: Float64Array): Float64Array {
  const n = points.length / dim;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < dim; j++) v += points[i * dim + j] * dir[j];
    out[i] = v;
  }
  return out.sort();
}

/**
 * Sliced 2-Wasserstein distance to a fixed target set: the 1-D W2 between
 * projections on `projections` seeded random unit directions, root-mean-
 * squared over them. The target's sorted projections are computed once, so
 * scoring many sample sets against the same true samples stays cheap.
 */
export function slicedWassersteinTo(target: Float64Array, dim: number, projections: number, seed: number): (samples: Float64Array) => number {
  const rng = createRng(seed, 'sliced-wasserstein');
  const dirs: Float64Array[] = [];
  const targets: Float64Array[] = [];
  for (let p = 0; p < projections; p++) {
    const dir = new Float64Array(dim);
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += (dir[j] = rng.normal()) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) dir[j] /= norm;
    dirs.push(dir);
    targets.push(project(target, dim, dir));
  }
  return (samples) => {
    let total = 0;
    for (let p = 0; p < projections; p++) {
      const pa = project(samples, dim, dirs[p]);
      const pb = targets[p];
      const m = Math.max(pa.length, pb.length);
      let w = 0;
      if (pa.length === pb.length) {
        for (let q = 0; q < m; q++) w += (pa[q] - pb[q]) ** 2;
        total += w / m;
        continue;
      }
      for (let q = 0; q < m; q++) {
        const u = m === 1 ? 0.5 : q / (m - 1);
        w += (quantile(pa, u) - quantile(pb, u)) ** 2;
      }
      total += w / m;
    }
    return Math.sqrt(total / projections);
  };
}

export function slicedWasserstein(a: Float64Array, b: Float64Array, dim: number, projections: number, seed: number): number {
  return slicedWassersteinTo(b, dim, projections, seed)(a);
}
