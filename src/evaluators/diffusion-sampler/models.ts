/**
 * The denoisers a search can target, built from the domain options: three
 * closed-form Gaussian mixtures (2-D ring, 2-D grid, a mixture fitted to
 * MNIST in PCA space) and an MLP trained on ring or grid data. Fitted and
 * trained artefacts are kept on disk under the cache folder.
 */
import { join } from 'node:path';
import { gridMixture, mixtureDenoiser, ringMixture, type GaussianMixture } from './gaussian-mixture.js';
import { requirePackages, TFJS_PACKAGES } from '../../domain/optional-packages.js';
import { memoOnDisk } from './disk-memo.js';
import { fitMnistMixture } from './mnist-mixture.js';
import { conditionedDenoiser, projectedRing } from './mr-ring.js';
import type { SamplerDomainOptions } from './options.js';
import type { Denoiser } from './solvers/types.js';
import type { TrainedWeights } from './trained-denoiser.js';

export interface Model {
  /** Names the model and everything it was built from: part of the reference's cache key. */
  id: string;
  dim: number;
  denoise: Denoiser;
  /** The data distribution the ODE transports noise to (true samples for metrics). */
  data: GaussianMixture;
  /**
   * Mean-reverting models: the condition mu of each evaluation sample (laid
   * out like the state). The state, the denoiser and `data` are then in
   * y = x - mu (EDM-scaled), and the MR solvers add mu back.
   */
  conditions?: Float64Array;
  dispose(): void;
}

export const RING = ringMixture(8, 1, 0.05);
export const GRID = gridMixture(4, 1, 0.05);

const json = {
  encode: (v: unknown) => JSON.stringify(v),
  decode: <T>(b: Buffer) => JSON.parse(b.toString('utf8')) as T,
};

/** Fails at once, in one line, when the model needs an optional package that is not installed. */
export function requireModelPackages(options: SamplerDomainOptions): void {
  if (options.model === 'mnist') requirePackages(['mnist'], 'the diffusion-sampler model "mnist"');
  if (options.model === 'trained') requirePackages(TFJS_PACKAGES, 'the diffusion-sampler model "trained"');
}

export async function buildModel(options: SamplerDomainOptions): Promise<Model> {
  const closedForm = (id: string, data: GaussianMixture): Model => ({ id, dim: data.dim, denoise: mixtureDenoiser(data), data, dispose: () => {} });
  switch (options.model) {
    case 'ring':
      return closedForm('ring8-r1-s0.05', RING);
    case 'grid':
      return closedForm('grid4x4-e1-s0.05', GRID);
    case 'mnist': {
      const spec = { dim: options.mnistDim, perClass: options.mnistPerClass, clustersPerClass: options.mnistClusters, seed: 1 };
      const id = `mnist-pca${spec.dim}-n${spec.perClass}-k${spec.clustersPerClass}-s${spec.seed}`;
      const data = await memoOnDisk(join(options.cacheDir, `${id}.json`), () => fitMnistMixture(spec), json.encode, json.decode<GaussianMixture>);
      return closedForm(id, data);
    }
    case 'mr-ring': {
      const conditioned = projectedRing(RING, options.samples, options.noiseSeed);
      const id = `mr-ring8-r1-s0.05-proj-n${options.samples}-seed${options.noiseSeed}`;
      return { id, dim: 2, denoise: conditionedDenoiser(conditioned), data: conditioned.pooled, conditions: conditioned.mu, dispose: () => {} };
    }
    case 'trained': {
      const data = options.trainedDataset === 'ring' ? RING : GRID;
      const spec = { steps: options.trainSteps, batch: options.trainBatch, hidden: options.trainHidden, seed: options.trainSeed };
      const id = `mlp-${options.trainedDataset}-h${spec.hidden}-t${spec.steps}-b${spec.batch}-s${spec.seed}-${options.backend}`;
      // Imported here so the closed-form models never load (or need) TensorFlow.js.
      const { loadDenoiser, trainDenoiser, useBackend } = await import('./trained-denoiser.js');
      await useBackend(options.backend);
      const weights = await memoOnDisk(join(options.cacheDir, `${id}.json`), () => trainDenoiser(data, spec), json.encode, json.decode<TrainedWeights>);
      const loaded = loadDenoiser(weights);
      return { id, dim: data.dim, denoise: loaded.denoise, data, dispose: loaded.dispose };
    }
  }
}
