/**
 * The functional probe: the candidate sampler run on a few fixed seeded
 * noises with a fixed, deliberately asymmetric 2-D mixture denoiser. Outputs
 * are the final samples plus the NFE (fitness depends on it through the NFE
 * limit, so samplers with equal outputs but different cost must not merge).
 */
import { createRng } from '../../random/rng.js';
import type { SamplerCandidate, SigmaRange } from './candidate.js';
import { mixtureDenoiser, type GaussianMixture } from './gaussian-mixture.js';
import { nfe, runSampler } from './sampler.js';

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

export function createProbe(range: SigmaRange): (c: SamplerCandidate) => Float64Array {
  const noise = probeNoise(range);
  const denoise = mixtureDenoiser(PROBE_MIXTURE);
  return (c) => {
    const x = runSampler(c, range, noise, denoise);
    const out = new Float64Array(x.length + 1);
    out.set(x);
    out[x.length] = nfe(c, range);
    return out;
  };
}
