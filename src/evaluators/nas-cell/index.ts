/**
 * The `nas-cell` domain: NAS-Bench-101 cells, hashed by a forward probe (or
 * the paper's short training run), evaluated by training the scaled-down
 * NAS-Bench-101 network on real MNIST digits with TensorFlow.js.
 */
import { isMainThread } from 'node:worker_threads';
import { DomainInputError, defineDomain, type Domain, type EvalResult } from '../../domain/domain.js';
import { createRng } from '../../random/rng.js';
import { ensureBackend, listenForBackendLines } from './backend.js';
import { describeCell, validateCell, type Cell } from './cell.js';
import { forwardProbe, forwardProbeKey } from './forward-probe.js';
import { loadMnistSplits } from './mnist-data.js';
import { parseNasCellOptions, type NasCellOptions } from './options.js';
import { renderCell } from './render-cell.js';
import { mutateCell, randomCell } from './sampling.js';
import { shortTrainProbe, shortTrainProbeKey } from './short-train-probe.js';
import { structuralHash } from './structural-hash.js';
import { trainAndEvaluate } from './training.js';

/** Bump when probe semantics change: every stored hash must change with them. */
export const NAS_CELL_VERSION = '1';

export type { Cell } from './cell.js';

function networkConfig(options: NasCellOptions) {
  return {
    inputChannels: 1,
    stemChannels: options.stemChannels,
    stacks: options.stacks,
    cellsPerStack: options.cellsPerStack,
    classes: 10,
    bnMomentum: options.bnMomentum,
  };
}

function trainingConfig(options: NasCellOptions) {
  return {
    optimizer: options.optimizer,
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    momentum: options.momentum,
    weightDecay: options.weightDecay,
  };
}

/**
 * What decides a cell's score: the network around it and its training. Not the backend
 * (where it runs), the search-space limits or the mutation rate; the probe is in probeKey.
 */
function trainingSetupKey(options: NasCellOptions): Record<string, unknown> {
  const { backend: _backend, maxVertices: _v, maxEdges: _e, mutationRate: _m, probe: _p, forwardProbe: _f, shortTrain: _s, ...training } = options;
  return training;
}

export async function createNasCellDomain(raw: Record<string, unknown> = {}): Promise<Domain<Cell>> {
  const options = parseNasCellOptions(raw);
  const limits = { maxVertices: options.maxVertices, maxEdges: options.maxEdges };
  const check = (candidate: unknown): string | null => validateCell(candidate, limits);
  const requireValid = (candidate: unknown): Cell => {
    const problem = check(candidate);
    if (problem) throw new DomainInputError(problem);
    return candidate as Cell;
  };

  // The short-train hash depends on the backend's arithmetic, so its key needs the backend now;
  // the forward probe is pure TypeScript and never touches tfjs in the main thread.
  const probeKey =
    options.probe === 'forward'
      ? forwardProbeKey(options.forwardProbe)
      : shortTrainProbeKey(options, (await ensureBackend(options.backend)).name);

  const stopListening = isMainThread ? listenForBackendLines() : () => {};

  return defineDomain<Cell>({
    name: 'nas-cell',
    version: NAS_CELL_VERSION,
    description: 'NAS-Bench-101 cells trained on MNIST with TensorFlow.js; forward-probe or short-train functional hash',
    probeKey,
    mantissaBits: 24,
    evaluationKey: () => trainingSetupKey(options),
    random: (rng) => randomCell(rng, limits),
    mutate: (cell, rng) => mutateCell(cell, rng, options.mutationRate, limits),
    probe: (cell) => (options.probe === 'forward' ? forwardProbe(requireValid(cell), options.forwardProbe) : shortTrainProbe(requireValid(cell), options)),
    async evaluate(cell, ctx): Promise<EvalResult> {
      const started = performance.now();
      const backend = await ensureBackend(options.backend);
      const data = await loadMnistSplits(options);
      const result = await trainAndEvaluate(requireValid(cell), networkConfig(options), trainingConfig(options), data, createRng(ctx.seed, 'nas-cell-evaluate'), {
        signal: ctx.signal,
      });
      const seconds = (performance.now() - started) / 1000;
      return {
        fitness: result.validationAccuracy,
        metrics: {
          testAccuracy: result.testAccuracy,
          parameters: result.parameterCount,
          trainSeconds: Number(result.trainSeconds.toFixed(3)),
          steps: result.steps,
          backend: backend.name,
          structuralHash: structuralHash(cell),
        },
        cost: seconds,
      };
    },
    describe: describeCell,
    render: renderCell,
    validate: check,
    close: stopListening,
    parse(text) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new DomainInputError(`cell: expected JSON {"matrix": [[...]], "ops": [...]} (${(error as Error).message})`);
      }
      return requireValid(parsed);
    },
  });
}

export default createNasCellDomain;
