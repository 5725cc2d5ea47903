/** The experiment's domainOptions for this domain, validated with one-line errors. */
import { z } from 'zod';
import { parseDomainOptions } from '../../domain/domain-options.js';
import { DomainInputError } from '../../domain/domain.js';

export const MODELS = ['ring', 'grid', 'mnist', 'trained', 'mr-ring'] as const;
export type ModelName = (typeof MODELS)[number];

const optionsSchema = z.strictObject({
  model: z.enum(MODELS).default('ring'),
  /** NFE limit: random and mutated candidates stay within it; evaluation penalises excess. */
  nfe: z.number().int().min(1).max(200).default(10),
  /**
   * What a sampler is compared with: the probability-flow ODE's solution from
   * the same noise ("ode", ODE samplers), or the reverse SDE's from the same
   * noise and Brownian path ("sde", the reverse-SDE samplers mr-em and mrs-sde).
   */
  target: z.enum(['ode', 'sde']).default('ode'),
  /** Fitness lost per NFE above the limit. */
  nfePenalty: z.number().min(0).default(1),
  /** Noises per evaluation (the same fixed set for every candidate). */
  samples: z.number().int().min(1).max(100000).default(512),
  noiseSeed: z.number().int().default(0),
  /** True samples for the sliced Wasserstein metric. */
  trueSamples: z.number().int().min(2).max(100000).default(512),
  swProjections: z.number().int().min(1).max(4096).default(32),
  sigmaMax: z.number().positive().default(80),
  sigmaMin: z.number().positive().default(0.002),
  /** Dormand-Prince rtol = atol of the reference solve. */
  referenceTolerance: z.number().positive().max(1e-3).default(1e-10),
  mnistDim: z.number().int().min(2).max(64).default(32),
  mnistPerClass: z.number().int().min(10).max(900).default(300),
  mnistClusters: z.number().int().min(1).max(20).default(3),
  /** Dataset the trained denoiser learns, and its training budget. */
  trainedDataset: z.enum(['ring', 'grid']).default('ring'),
  trainSteps: z.number().int().min(1).max(100000).default(2500),
  trainBatch: z.number().int().min(8).max(65536).default(512),
  trainHidden: z.number().int().min(4).max(1024).default(64),
  trainSeed: z.number().int().default(0),
  /** tfjs backend for the trained denoiser. */
  backend: z.enum(['cpu', 'wasm']).default('wasm'),
  cacheDir: z.string().min(1).default('.deja-cache/diffusion-sampler'),
});

export type SamplerDomainOptions = z.infer<typeof optionsSchema>;

export function parseOptions(raw: Record<string, unknown>): SamplerDomainOptions {
  const options = parseDomainOptions(optionsSchema, raw);
  if (options.sigmaMin >= options.sigmaMax) {
    throw new DomainInputError(`domainOptions.sigmaMin: must be below sigmaMax (${options.sigmaMax})`);
  }
  return options;
}
