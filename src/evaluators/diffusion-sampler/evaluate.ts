/**
 * The expensive evaluation: run the sampler on the fixed evaluation noises
 * with the target model, compare with the reference ODE solution, and turn
 * the error and the NFE into a fitness.
 *
 * fitness = -RMSE - nfePenalty * max(0, NFE - nfe limit), RMSE capped at
 * 1000 so a diverged sampler still gets a finite (terrible) fitness.
 */
import { join } from 'node:path';
import type { EvalResult } from '../../domain/domain.js';
import { createRng, hashString32 } from '../../random/rng.js';
import type { SamplerCandidate, SigmaRange } from './candidate.js';
import { decodeFloat64, encodeFloat64, memoOnDisk } from './disk-memo.js';
import { sampleMixture } from './gaussian-mixture.js';
import { rmse, slicedWassersteinTo } from './metrics.js';
import type { Model } from './models.js';
import type { SamplerDomainOptions } from './options.js';
import { BROWNIAN_CELLS, createBrownianPath } from './brownian.js';
import { MR_LAMBDA, mrProcess } from './mean-reverting.js';
import { solveReference } from './reference.js';
import { nfe, runSampler } from './sampler.js';
import { solveSdeReference } from './sde-reference.js';
import type { MrContext } from './solvers/mean-reverting.js';

export const RMSE_CAP = 1000;

export interface EvaluationSetup {
  model: Model;
  range: SigmaRange;
  noise: Float64Array;
  /** Conditions, MR process and (target "sde") the Brownian path, for the MR solvers. */
  mr: MrContext;
  reference: Float64Array;
  /** Sliced Wasserstein distance to the model's true samples. */
  distanceToData: (samples: Float64Array) => number;
  /** SW distance of the reference itself: the floor any sampler's SW sits near. */
  referenceSw: number;
}

export function evaluationNoise(options: SamplerDomainOptions, dim: number): Float64Array {
  const rng = createRng(options.noiseSeed, 'diffusion-sampler-noise');
  const x = new Float64Array(options.samples * dim);
  for (let i = 0; i < x.length; i++) x[i] = options.sigmaMax * rng.normal();
  return x;
}

/** The MR solvers' context: the model's conditions (0 for unconditioned models) and, for target "sde", the Brownian path. */
export function evaluationContext(model: Model, options: SamplerDomainOptions, size: number): MrContext {
  const range = { sigmaMax: options.sigmaMax, sigmaMin: options.sigmaMin };
  const brownian = options.target === 'sde' ? createBrownianPath(size, range, options.noiseSeed) : undefined;
  return { process: mrProcess(range), mu: model.conditions ?? new Float64Array(size), brownian };
}

/** Reference solution for (model, noise set, target, range, tolerance), memoised on disk. */
export async function prepareEvaluation(model: Model, options: SamplerDomainOptions): Promise<EvaluationSetup> {
  const range = { sigmaMax: options.sigmaMax, sigmaMin: options.sigmaMin };
  const noise = evaluationNoise(options, model.dim);
  const mr = evaluationContext(model, options, noise.length);
  const tol = options.referenceTolerance;
  const target = options.target === 'sde' ? `sde-path${BROWNIAN_CELLS}-lambda${MR_LAMBDA}` : `tol${tol}`;
  const key = `${model.id}|n${options.samples}|seed${options.noiseSeed}|${range.sigmaMax}..${range.sigmaMin}|${target}`;
  const file = join(options.cacheDir, `reference-${model.id}-${hashString32(key).toString(16)}.f64`);
  const reference = await memoOnDisk(
    file,
    () =>
      options.target === 'sde'
        ? solveSdeReference(noise, model.denoise, range, mr)
        : solveReference(noise, model.dim, model.denoise, range.sigmaMax, range.sigmaMin, { rtol: tol, atol: tol, maxSteps: 200000 }).x,
    encodeFloat64,
    decodeFloat64,
  );
  const trueSamples = sampleMixture(model.data, options.trueSamples, createRng(options.noiseSeed, 'true-samples'));
  const distanceToData = slicedWassersteinTo(trueSamples, model.dim, options.swProjections, options.noiseSeed);
  return { model, range, noise, mr, reference, distanceToData, referenceSw: distanceToData(reference) };
}

export function evaluateSampler(c: SamplerCandidate, setup: EvaluationSetup, options: SamplerDomainOptions): EvalResult {
  const started = performance.now();
  const x = runSampler(c, setup.range, setup.noise, setup.model.denoise, setup.mr);
  const calls = nfe(c, setup.range);
  const error = rmse(x, setup.reference, setup.model.dim);
  const diverged = !Number.isFinite(error) || error > RMSE_CAP;
  const capped = diverged ? RMSE_CAP : error;
  const excess = Math.max(0, calls - options.nfe);
  const sw = diverged ? null : setup.distanceToData(x);
  return {
    fitness: -capped - options.nfePenalty * excess,
    metrics: {
      rmse: diverged ? null : error,
      nfe: calls,
      diverged,
      slicedWasserstein: sw,
      referenceSlicedWasserstein: setup.referenceSw,
      evalMs: performance.now() - started,
    },
  };
}
