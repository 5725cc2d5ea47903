/**
 * First-order samplers written the way their papers write them, so the
 * functional hash (not shared code) is what makes them collide.
 */
import { linearCombination, slope, type Denoiser } from './types.js';

/** Euler on dx/dsigma = (x - D) / sigma (EDM / k-diffusion form). */
export function euler(grid: Float64Array, x0: Float64Array, denoise: Denoiser): Float64Array {
  const x = x0.slice();
  for (let i = 0; i + 1 < grid.length; i++) {
    const d = slope(x, denoise(x, grid[i]), grid[i]);
    linearCombination(x, 1, x, [[grid[i + 1] - grid[i], d]]);
  }
  return x;
}

/**
 * DDIM (eta = 0) in the variance-preserving parameterisation: scale into VP
 * space, step with the predicted noise, scale back.
 */
export function ddim(grid: Float64Array, x0: Float64Array, denoise: Denoiser): Float64Array {
  const x = x0.slice();
  const n = x.length;
  for (let i = 0; i + 1 < grid.length; i++) {
    const s = grid[i];
    const t = grid[i + 1];
    const alpha = 1 / Math.sqrt(1 + s * s);
    const sigmaVp = s * alpha;
    const alphaNext = 1 / Math.sqrt(1 + t * t);
    const sigmaVpNext = t * alphaNext;
    const x0hat = denoise(x, s);
    for (let k = 0; k < n; k++) {
      const xVp = alpha * x[k];
      const epsHat = (xVp - alpha * x0hat[k]) / sigmaVp;
      x[k] = (alphaNext * x0hat[k] + sigmaVpNext * epsHat) / alphaNext;
    }
  }
  return x;
}
