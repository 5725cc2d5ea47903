/** Heun's second-order method (EDM, Karras et al. 2022, Algorithm 1 without churn). */
import { linearCombination, slope, type Denoiser } from './types.js';

export function heun(grid: Float64Array, x0: Float64Array, denoise: Denoiser): Float64Array {
  const x = x0.slice();
  const tmp = new Float64Array(x.length);
  for (let i = 0; i + 1 < grid.length; i++) {
    const s = grid[i];
    const t = grid[i + 1];
    const d = slope(x, denoise(x, s), s);
    const dt = t - s;
    if (t === 0) {
      // The slope at sigma = 0 is undefined, so the last step to 0 is plain Euler.
      linearCombination(x, 1, x, [[dt, d]]);
      continue;
    }
    linearCombination(tmp, 1, x, [[dt, d]]);
    const d2 = slope(tmp, denoise(tmp, t), t);
    linearCombination(x, 1, x, [[dt / 2, d], [dt / 2, d2]]);
  }
  return x;
}
