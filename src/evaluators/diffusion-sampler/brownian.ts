/**
 * A fixed Brownian path per state coordinate for the reverse-SDE samplers, so that a
 * stochastic sampler is a deterministic function of its noise and grid and
 * can be compared pathwise with a fine-step reference on the same path.
 *
 * The path W is indexed by v = sigma^2 (the EDM variance; in the domain's
 * u coordinates the reverse SDE's noise is exactly dW_v). It is stored on a
 * dense grid uniform in log v (W = 0 at sigmaMax^2, independent Gaussian
 * increments of variance v_j - v_(j+1)), and filled in between nodes by a
 * Brownian bridge whose normal is a hash of (seed, sample, v). Two query
 * points inside one cell (1/cells of the log range: steps far finer than any
 * sampler takes) are bridged independently, the one approximation here.
 */
import { createRng, deriveSeed } from '../../random/rng.js';
import type { SigmaRange } from './candidate.js';

export const BROWNIAN_CELLS = 8192;

export interface BrownianPath {
  /** State length (samples x dim): one independent path per coordinate. */
  size: number;
  /**
   * The standardised increment z = (W(v') - W(v)) / sqrt(v - v') of each
   * coordinate for a step from sigma to sigma' < sigma (v = sigma^2): a standard
   * normal per coordinate, shared by every sampler that steps over the same interval.
   */
  standardIncrement(sigma: number, sigmaNext: number): Float64Array;
}

/** A standard normal that is a pure function of its labels (Box-Muller on two hashed words). */
function hashedNormal(seed: number, sample: number, v: number): number {
  const bits = new Float64Array([v]);
  const words = new Uint32Array(bits.buffer);
  const a = deriveSeed(seed, 'bridge', sample, words[0], words[1]);
  const b = deriveSeed(a, 1);
  const u1 = (a + 1) / 4294967297;
  const u2 = b / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function createBrownianPath(size: number, range: SigmaRange, seed: number, cells = BROWNIAN_CELLS): BrownianPath {
  const logHi = Math.log(range.sigmaMax ** 2);
  const logLo = Math.log(range.sigmaMin ** 2);
  const delta = (logHi - logLo) / cells;
  const nodeV = (j: number) => (j === 0 ? range.sigmaMax ** 2 : j === cells ? range.sigmaMin ** 2 : Math.exp(logHi - j * delta));
  const w = new Float64Array(size * (cells + 1));
  const rng = createRng(seed, 'brownian-path');
  for (let j = 1; j <= cells; j++) {
    const sd = Math.sqrt(nodeV(j - 1) - nodeV(j));
    for (let i = 0; i < size; i++) w[i * (cells + 1) + j] = w[i * (cells + 1) + j - 1] + sd * rng.normal();
  }
  const at = (v: number): Float64Array => {
    const out = new Float64Array(size);
    const pos = Math.min(cells, Math.max(0, (logHi - Math.log(v)) / delta));
    const nearest = Math.round(pos);
    if (Math.abs(pos - nearest) < 1e-7) {
      for (let i = 0; i < size; i++) out[i] = w[i * (cells + 1) + nearest];
      return out;
    }
    const j = Math.floor(pos);
    const va = nodeV(j);
    const vb = nodeV(j + 1);
    const f = (va - v) / (va - vb);
    const sd = Math.sqrt(((va - v) * (v - vb)) / (va - vb));
    for (let i = 0; i < size; i++) {
      const wa = w[i * (cells + 1) + j];
      const wb = w[i * (cells + 1) + j + 1];
      out[i] = wa + f * (wb - wa) + sd * hashedNormal(seed, i, v);
    }
    return out;
  };
  return {
    size,
    standardIncrement(sigma, sigmaNext) {
      const v = sigma * sigma;
      const vNext = sigmaNext * sigmaNext;
      const a = at(v);
      const b = at(vNext);
      const scale = 1 / Math.sqrt(v - vNext);
      for (let i = 0; i < size; i++) b[i] = (b[i] - a[i]) * scale;
      return b;
    },
  };
}
