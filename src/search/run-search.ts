/**
 * The engine: moves each proposed candidate through its stages (propose ->
 * probe -> hash -> cache lookup / claim -> dispatch -> land -> settle ->
 * record), keeping `workers` evaluations in flight and inserting each result
 * as it lands (asynchronous steady state). This file wires the stages
 * together; each lives in its own module.
 *
 * With one worker the trajectory is a pure function of the seed: cache hits
 * are settled synchronously and only one evaluation is ever in flight.
 */
import { FunctionalEquivalenceCache } from '../cache/fec.js';
import { createFunctionalHasher, HASH_FORMAT_VERSION } from '../hash/functional-hash.js';
import { createRng } from '../random/rng.js';
import type { SearchEvent } from '../record/events.js';
import { restoreRun, type RestoredRun } from '../record/restore-run.js';
import { RunRecorder } from '../record/run-recorder.js';
import type { RunSummary, StopReason } from '../record/summary.js';
import type { Evaluator } from '../workers/evaluator.js';
import { InlineEvaluator } from '../workers/inline-evaluator.js';
import { WorkerPool } from '../workers/worker-pool.js';
import { createSearcher } from './create-searcher.js';
import { EvaluationStage } from './evaluation-stage.js';
import { CompletionOrder, DispatchOrderBatches } from './landing-queue.js';
import type { Pending } from './pending.js';
import { ProposalStage, type CacheStage } from './proposal-stage.js';
import { resolveSearch, type ResolvedSearch, type SearchConfig } from './resolve-search.js';
import { RunState } from './run-state.js';
import { runLoop } from './search-loop.js';
import { Settler, type ProgressSnapshot, type SettleListeners } from './settle.js';
import { summarize } from './summarize.js';

export { resolveSearch, type ResolvedSearch, type SearchConfig } from './resolve-search.js';
export type { ProgressSnapshot } from './settle.js';

export interface RunOptions extends SettleListeners {
  /** Folder for config.json, events.jsonl and summary.json; nothing is written without it. */
  outDir?: string;
  /** Aborting stops proposing, cancels running evaluations and still returns (and writes) a summary. */
  signal?: AbortSignal;
  /**
   * The events of an earlier run of the same experiment: go on from its state
   * (ids, counters, cache, population, best; budgets count both parts) and
   * append to its events.jsonl in `outDir`.
   */
  resumeFrom?: readonly SearchEvent[];
  /**
   * Where evaluations run, when not in this process (e.g. a QueueEvaluator for
   * `deja worker`s); `workers` is then the number kept in flight. Closed by the run.
   */
  evaluator?: Evaluator;
}

export async function runSearch(config: SearchConfig, options: RunOptions = {}): Promise<RunSummary> {
  return runResolvedSearch(await resolveSearch(config), options);
}

/** The cache (functional hash + FEC) of a run, or null with the cache off. */
async function openCache(resolved: ResolvedSearch, restored: RestoredRun | null): Promise<CacheStage | null> {
  const { experiment, domain, mantissaBits } = resolved;
  if (!experiment.cache.enabled) return null;
  const hasher = await createFunctionalHasher();
  const hash = hasher.forKey({ domain: domain.name, version: domain.version, probeKey: domain.probeKey, mantissaBits });
  const fec = new FunctionalEquivalenceCache<Pending>({
    capacity: experiment.cache.capacity,
    maxEvalsPerHash: experiment.cache.maxEvalsPerHash,
    forgetProbability: experiment.cache.forgetProbability,
    // Like the searcher's, a resumed run's forgetting draws a fresh stream rather than repeating the first part's.
    rng: restored ? createRng(experiment.seed, 'cache', 'resumed', restored.nextId) : createRng(experiment.seed, 'cache'),
  });
  if (restored) fec.restore(restored.cacheEntries, restored.cacheCounters);
  return { fec, hash };
}

function openRecorder(resolved: ResolvedSearch, outDir: string | undefined, appending: boolean): RunRecorder | null {
  if (!outDir) return null;
  const { experiment, domain, mantissaBits, maxProposals } = resolved;
  const config = {
    ...experiment,
    cache: { ...experiment.cache, mantissaBits },
    resolvedMaxProposals: Number.isFinite(maxProposals) ? maxProposals : null,
    domainName: domain.name,
    domainVersion: domain.version,
    probeKey: domain.probeKey ?? '',
    hashFormat: HASH_FORMAT_VERSION,
    node: process.version,
  };
  return new RunRecorder(outDir, config, experiment.record.candidates, appending);
}

export async function runResolvedSearch(resolved: ResolvedSearch, options: RunOptions = {}): Promise<RunSummary> {
  const { experiment, domain } = resolved;
  const restored = options.resumeFrom ? restoreRun(options.resumeFrom) : null;
  const cache = await openCache(resolved, restored);
  // A resumed search draws a fresh stream, so it does not repeat the first part's proposals.
  const searcher = createSearcher(domain, experiment.search, restored ? createRng(experiment.seed, 'search', 'resumed', restored.nextId) : createRng(experiment.seed, 'search'));
  if (restored) searcher.restore(restored.individuals);
  const evaluator: Evaluator = options.evaluator ?? (experiment.workers === 0 ? new InlineEvaluator(domain) : new WorkerPool(experiment.workers, experiment.batchSize));
  // Batches (cheap domains): one batch per worker in flight plus one being filled, so workers
  // never wait for the main thread.
  const batched = experiment.workers > 0 && experiment.batchSize > 1;
  const slots = batched ? (experiment.workers + 1) * experiment.batchSize : Math.max(1, experiment.workers);
  const recorder = openRecorder(resolved, options.outDir, restored !== null);
  const state = new RunState(experiment.budget, resolved.maxProposals, restored, options.signal);
  const settler = new Settler(state, searcher, recorder, options, () => cache?.fec.hitRate() ?? 0);
  const queue = batched ? new DispatchOrderBatches(experiment.batchSize) : new CompletionOrder();
  const setup = { domainRef: resolved.domainRef, seed: experiment.seed, timeoutMs: experiment.evalTimeoutSeconds * 1000 };
  const evaluation = new EvaluationStage(setup, state, evaluator, queue, cache?.fec ?? null, settler);
  const proposals = new ProposalStage(state, searcher, domain, cache, evaluation, settler);

  const onAbort = () => evaluator.cancelAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let stop: StopReason | null;
  try {
    stop = await runLoop({ state, proposals, evaluation, queue, evaluator, slots, batched, signal: options.signal });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await evaluator.close();
  }
  const summary = await summarize(experiment, domain, state, cache?.fec.stats(), stop);
  options.onProgress?.(settler.progress());
  recorder?.finish(summary);
  await domain.close?.();
  return summary;
}
