/**
 * The functional probe: the candidate sampler run on a few fixed seeded
 * noises with a fixed, deliberately asymmetric 2-D mixture denoiser. Outputs
 * are the final samples plus the NFE (fitness depends on it through the NFE
 * limit, so samplers with equal outputs but different cost must not merge).
 */
import { createRng } from '../../random/rng.js';
import { createBrownianPath } from './brownian.js';
import { isSdeSolver, type SamplerCandidate, type SigmaRange } from './candidate.js';
import { mixtureDenoiser, type GaussianMixture } from './gaussian-mixture.js';
import { mrProcess } from './mean-reverting.js';
import { nfe, runSampler } from './sampler.js';
import type { MrContext } from './solvers/mean-reverting.js';

export const PROBE_SAMPLES = 8;
export const PROBE_SEED = 20230210;

export const PROBE_MIXTURE: GaussianMixture = {
  dim: 2,
  weights: [0.5, 0.3, 0.2],
  means: [0.8, 0.1, -0.5, 0.6, -0.2, -0.9],
  variances: [0.02, 0.05, 0.01],
};

export function probeKey(range: SigmaRange): string {
  return `pf-ode|gmm3-2d|n=${PROBE_SAMPLES}|seed=${PROBE_SEED}|sigma=${range.sigmaMax}..${range.sigmaMin}`;
}

export function probeNoise(range: SigmaRange): Float64Array {
  const rng = createRng(PROBE_SEED, 'diffusion-sampler-probe');
  const x = new Float64Array(PROBE_SAMPLES * PROBE_MIXTURE.dim);
  for (let i = 0; i < x.length; i++) x[i] = range.sigmaMax * rng.normal();
  return x;
}

/**
 * The MR solvers' probe context: a fixed nonzero condition per coordinate
 * (a solver that mishandles mu changes its outputs; a correct one's u-state
 * result does not depend on mu) and, built on first use, a fixed Brownian path.
 * These are fixed constants of the probe: changing them needs a DOMAIN_VERSION bump.
 */
function probeContext(range: SigmaRange, size: number): { ode: MrContext; sde: () => MrContext } {
  const rng = createRng(PROBE_SEED, 'diffusion-sampler-probe-mu');
  const mu = Float64Array.from({ length: size }, () => rng.uniform(-0.5, 0.5));
  const ode: MrContext = { process: mrProcess(range), mu };
  let sde: MrContext | undefined;
  return { ode, sde: () => (sde ??= { ...ode, brownian: createBrownianPath(size, range, PROBE_SEED) }) };
}

export function createProbe(range: SigmaRange): (c: SamplerCandidate) => Float64Array {
  const noise = probeNoise(range);
  const denoise = mixtureDenoiser(PROBE_MIXTURE);
  const context = probeContext(range, noise.length);
  return (c) => {
    const x = runSampler(c, range, noise, denoise, isSdeSolver(c.solver) ? context.sde() : context.ode);
    const out = new Float64Array(x.length + 1);
    out.set(x);
    out[x.length] = nfe(c, range);
    return out;
  };
}
