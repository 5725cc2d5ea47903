/**
 * DPM-Solver++ (Lu et al. 2022), data prediction, in lambda = -log(sigma):
 * x' = (sigma'/sigma) x - expm1(-h) * (combination of denoiser outputs).
 */
import { linearCombination, multistepOrder, type Denoiser } from './types.js';

/** Multistep 2M (order 2) or order 1; a step to sigma = 0 is a plain denoise. */
export function dpmSolverPP2M(grid: Float64Array, x0: Float64Array, denoise: Denoiser, maxOrder: number, lowerOrderFinal: boolean): Float64Array {
  const x = x0.slice();
  const m = grid.length - 1;
  let previous: Float64Array | undefined;
  let hPrevious = 0;
  for (let i = 0; i < m; i++) {
    const s = grid[i];
    const t = grid[i + 1];
    const d = denoise(x, s);
    if (t === 0) {
      x.set(d);
      previous = d;
      continue;
    }
    const h = Math.log(s) - Math.log(t);
    const coef = -Math.expm1(-h);
    const order = multistepOrder(maxOrder, i, m, lowerOrderFinal);
    if (order === 1 || previous === undefined) {
      linearCombination(x, t / s, x, [[coef, d]]);
    } else {
      const r = hPrevious / h;
      linearCombination(x, t / s, x, [[coef * (1 + 1 / (2 * r)), d], [-coef / (2 * r), previous]]);
    }
    previous = d;
    hPrevious = h;
  }
  return x;
}

/** Single-step 2S with an intermediate point at sigma * exp(-r1 h) (two calls per step). */
export function dpmSolverPP2S(grid: Float64Array, x0: Float64Array, denoise: Denoiser, r1: number): Float64Array {
  const x = x0.slice();
  const u = new Float64Array(x.length);
  for (let i = 0; i + 1 < grid.length; i++) {
    const s = grid[i];
    const t = grid[i + 1];
    const d = denoise(x, s);
    if (t === 0) {
      x.set(d);
      continue;
    }
    const h = Math.log(s) - Math.log(t);
    const sMid = s * Math.exp(-r1 * h);
    linearCombination(u, sMid / s, x, [[-Math.expm1(-r1 * h), d]]);
    const dMid = denoise(u, sMid);
    const coef = -Math.expm1(-h);
    const w = 1 / (2 * r1);
    linearCombination(x, t / s, x, [[coef * (1 - w), d], [coef * w, dMid]]);
  }
  return x;
}
