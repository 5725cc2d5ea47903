/**
 * Runs a candidate sampler: builds its sigma grid and dispatches to the
 * solver family. Also the exact number of denoiser evaluations (NFE).
 */
import { resolvedOrder, resolvedVariant, stepCount, type SamplerCandidate, type SigmaRange } from './candidate.js';
import { sigmaGrid } from './schedules.js';
import { deisMultistep, deisRungeKutta } from './solvers/deis.js';
import { dpmSolverPP2M, dpmSolverPP2S } from './solvers/dpm-solver-pp.js';
import { ddim, euler } from './solvers/first-order.js';
import { heun } from './solvers/heun.js';
import { ipndm } from './solvers/ipndm.js';
import { mrEuler, mrs, type MrContext } from './solvers/mean-reverting.js';
import { mrProcess } from './mean-reverting.js';
import type { Denoiser } from './solvers/types.js';
import { uniPc } from './solvers/unipc.js';

/**
 * x0 and the result are the EDM state u (for a mean-reverting model,
 * u = (x - mu) / alpha_t); `mr` gives the MR solvers the condition mu and the
 * Brownian path (default: mu = 0, no path, so SDE samplers refuse).
 */
export function runSampler(c: SamplerCandidate, range: SigmaRange, x0: Float64Array, denoise: Denoiser, mr?: MrContext): Float64Array {
  const grid = sigmaGrid(c, range);
  const context = () => mr ?? { process: mrProcess(range), mu: new Float64Array(x0.length) };
  const order = resolvedOrder(c);
  const lowerOrderFinal = c.lowerOrderFinal ?? false;
  switch (c.solver) {
    case 'euler':
      return euler(grid, x0, denoise);
    case 'ddim':
      return ddim(grid, x0, denoise);
    case 'heun':
      return heun(grid, x0, denoise);
    case 'dpmpp-2m':
      return dpmSolverPP2M(grid, x0, denoise, order, lowerOrderFinal);
    case 'dpmpp-2s':
      return dpmSolverPP2S(grid, x0, denoise, c.r1 ?? 0.5);
    case 'unipc':
      return uniPc(grid, x0, denoise, {
        order,
        variant: resolvedVariant(c) as 'bh1' | 'bh2',
        corrector: c.corrector ?? true,
        lowerOrderFinal,
      });
    case 'deis': {
      const variant = resolvedVariant(c) as 'tab' | 'rhoab' | 'rhork';
      if (variant === 'rhork') return deisRungeKutta(grid, x0, denoise, order);
      return deisMultistep(grid, x0, denoise, variant, order, lowerOrderFinal);
    }
    case 'ipndm':
      return ipndm(grid, x0, denoise, order, lowerOrderFinal);
    case 'mr-euler':
    case 'mr-em':
      return mrEuler(grid, x0, denoise, context(), c.solver === 'mr-em');
    case 'mrs-ode':
    case 'mrs-sde':
      return mrs(grid, x0, denoise, context(), { order, prediction: c.prediction ?? 'data', sde: c.solver === 'mrs-sde' });
  }
}

/**
 * Denoiser calls per sample, exactly: two-stage solvers pay one call fewer
 * on a final step to sigma 0 (it is a plain Euler / denoise step), and the
 * UniPC corrector reuses the next step's call.
 */
export function nfe(c: SamplerCandidate, range: SigmaRange): number {
  const steps = stepCount(c, range);
  const toZero = c.finalDenoise ? 1 : 0;
  switch (c.solver) {
    case 'heun':
    case 'dpmpp-2s':
      return 2 * (steps - toZero) + toZero;
    case 'deis':
      if (resolvedVariant(c) === 'rhork') return resolvedOrder(c) * (steps - toZero) + toZero;
      return steps;
    default:
      return steps;
  }
}
