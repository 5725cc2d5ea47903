/**
 * The reverse-SDE reference: the same noise and the same Brownian path,
 * integrated with MRS-SDE in noise prediction (order 2) on the Brownian
 * path's own grid, one step per cell (BROWNIAN_CELLS steps uniform in log
 * sigma). In noise prediction the step's stochastic term is exactly the path's
 * increment, so the only error left is the drift's, which shrinks with the
 * step (measured: see the solver tests).
 */
import { BROWNIAN_CELLS } from './brownian.js';
import type { SigmaRange } from './candidate.js';
import { runSampler } from './sampler.js';
import type { MrContext } from './solvers/mean-reverting.js';
import type { Denoiser } from './solvers/types.js';

export function solveSdeReference(noise: Float64Array, denoise: Denoiser, range: SigmaRange, mr: MrContext, steps = BROWNIAN_CELLS): Float64Array {
  return runSampler({ solver: 'mrs-sde', order: 2, prediction: 'noise', schedule: { kind: 'logsnr' }, steps }, range, noise, denoise, mr);
}
