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
import { HASH_FORMAT_VERSION } from '../hash/functional-hash.js';
import { createRng } from '../random/rng.js';
import type { SearchEvent } from '../record/events.js';
import { restoreRun, type RestoredRun } from '../record/restore-run.js';
import { withDigest } from '../record/config-digest.js';
import type { FolderMode } from '../record/run-folder.js';
import { RunRecorder } from '../record/run-recorder.js';
import type { RunSummary, StopReason } from '../record/summary.js';
import type { Evaluator } from '../workers/evaluator.js';
import { InlineEvaluator } from '../workers/inline-evaluator.js';
import { WorkerPool } from '../workers/worker-pool.js';
import { createSearcher } from './create-searcher.js';
import { EvaluationStage } from './evaluation-stage.js';
import { CompletionOrder, DispatchOrderBatches } from './landing-queue.js';
import { openCache, type CacheRecord, type OpenedCache } from './open-cache.js';
import { ProposalStage } from './proposal-stage.js';
import { resolveSearch, type ResolvedSearch, type SearchConfig } from './resolve-search.js';
import { RunState } from './run-state.js';
import { runLoop } from './search-loop.js';
import { Settler, type SettleListeners } from './settle.js';
import { summarize } from './summarize.js';
import { DEFAULT_FITNESS_TOLERANCE, Verifier } from './verify-stage.js';

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
  /** The state of an earlier run, rebuilt (streamed) from its events; used instead of `resumeFrom`. */
  restored?: RestoredRun;
  /** Replace a run already in `outDir` (its files are removed first); without it such a folder is refused. */
  replace?: boolean;
  /**
   * The cache store when the experiment's `cache.store` names none: 'memory' (the
   * default here, so library calls and tests never share entries by accident),
   * 'persistent' (the user's cache folder; what `deja run` uses) or a file path.
   */
  defaultCacheStore?: string;
  /** A resumed run's cache identity (config.json's `cacheRecord.runUid`), so its stored entries count as its own. */
  cacheRunUid?: string;
  /**
   * Where evaluations run, when not in this process (e.g. a QueueEvaluator for
   * `deja worker`s); `workers` is then the number kept in flight. Closed by the run.
   */
  evaluator?: Evaluator;
}

export async function runSearch(config: SearchConfig, options: RunOptions = {}): Promise<RunSummary> {
  return runResolvedSearch(await resolveSearch(config), options);
}

function openRecorder(resolved: ResolvedSearch, outDir: string | undefined, mode: FolderMode, cacheRecord: CacheRecord | undefined): RunRecorder | null {
  if (!outDir) return null;
  const { experiment, domain, mantissaBits, maxProposals } = resolved;
  const config = {
    ...experiment,
    // The store as resolved (memory or a file's absolute path), so a resume opens the same one.
    cache: { ...experiment.cache, mantissaBits, store: cacheRecord?.location ?? experiment.cache.store },
    cacheRecord,
    resolvedMaxProposals: Number.isFinite(maxProposals) ? maxProposals : null,
    domainName: domain.name,
    domainVersion: domain.version,
    probeKey: domain.probeKey ?? '',
    hashFormat: HASH_FORMAT_VERSION,
    node: process.version,
  };
  return new RunRecorder(outDir, withDigest(config), experiment.record.candidates, mode);
}

export async function runResolvedSearch(resolved: ResolvedSearch, options: RunOptions = {}): Promise<RunSummary> {
  const restored = options.restored ?? (options.resumeFrom ? restoreRun(options.resumeFrom) : null);
  const cache = await openCache(resolved, restored, { defaultStore: options.defaultCacheStore, runUid: options.cacheRunUid, outDir: options.outDir });
  try {
    return await runWithCache(resolved, options, restored, cache);
  } finally {
    // Commits what is buffered and releases this run's claims, also when the run failed.
    await cache?.fec.store.close();
  }
}

async function runWithCache(resolved: ResolvedSearch, options: RunOptions, restored: RestoredRun | null, cache: OpenedCache | null): Promise<RunSummary> {
  const { experiment, domain } = resolved;
  // A resumed search draws a fresh stream, so it does not repeat the first part's proposals.
  const searcher = createSearcher(domain, experiment.search, restored ? createRng(experiment.seed, 'search', 'resumed', restored.nextId) : createRng(experiment.seed, 'search'));
  if (restored) searcher.restore(restored.individuals);
  // Before the evaluator: a folder that is refused (locked, foreign) must not leave threads running.
  let recorder: RunRecorder | null;
  try {
    recorder = openRecorder(resolved, options.outDir, restored !== null ? 'append' : options.replace ? 'replace' : 'new', cache?.record);
  } catch (error) {
    await options.evaluator?.close();
    throw error;
  }
  const evaluator: Evaluator = options.evaluator ?? (experiment.workers === 0 ? new InlineEvaluator(domain) : new WorkerPool(experiment.workers, experiment.batchSize));
  // Batches (cheap domains): one batch per worker in flight plus one being filled, so workers
  // never wait for the main thread.
  const batched = experiment.workers > 0 && experiment.batchSize > 1;
  const slots = batched ? (experiment.workers + 1) * experiment.batchSize : Math.max(1, experiment.workers);
  const state = new RunState(experiment.budget, resolved.maxProposals, restored, options.signal);
  if (recorder && !experiment.record.candidates) {
    recorder.checkpointWith(experiment.record.checkpointSeconds * 1000, () => ({ population: [...searcher.population()], best: state.best }));
  }
  const settler = new Settler(state, searcher, recorder, options, () => cache?.fec.hitRate() ?? 0);
  const queue = batched ? new DispatchOrderBatches(experiment.batchSize) : new CompletionOrder();
  const setup = {
    domainRef: resolved.domainRef,
    seed: experiment.seed,
    timeoutMs: experiment.evalTimeoutSeconds * 1000,
    keyPrefix: cache && experiment.cache.maxEvalsPerHash === 1 ? cache.record.namespace : undefined,
  };
  const verifier = new Verifier(experiment.cache.verifyProbability, domain.fitnessTolerance ?? DEFAULT_FITNESS_TOLERANCE, createRng(experiment.seed, 'verify', restored?.nextId ?? 0));
  const evaluation = new EvaluationStage(setup, state, evaluator, queue, cache?.fec ?? null, settler, verifier);
  const proposals = new ProposalStage(state, searcher, domain, cache, evaluation, settler, verifier, experiment.cache.recheckProbes);

  const onAbort = () => evaluator.cancelAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let stop: StopReason | null;
  try {
    stop = await runLoop({ state, proposals, evaluation, queue, evaluator, slots, batched, signal: options.signal, fec: cache?.fec ?? null });
  } catch (error) {
    // Whatever stopped the run (a full disk, a nondeterministic probe, a bug), what settled stays on disk.
    recorder?.abandon();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await evaluator.close();
  }
  const summary = await summarize(experiment, domain, state, cache && { counters: cache.fec.stats(), otherRuns: cache.fec.otherRunStats(), record: cache.record }, stop);
  options.onProgress?.(settler.progress());
  recorder?.finish(summary);
  await domain.close?.();
  return summary;
}
