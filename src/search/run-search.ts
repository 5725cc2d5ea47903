/**
 * The engine: moves each proposed candidate through probe -> hash -> cache ->
 * (maybe) evaluation -> searcher, keeping `workers` evaluations in flight and
 * inserting each result as it lands (asynchronous steady state).
 *
 * With one worker the trajectory is a pure function of the seed: cache hits
 * are settled synchronously and only one evaluation is ever in flight.
 */
import { performance } from 'node:perf_hooks';
import { defineDomain, type Domain, type MetricValue } from '../domain/domain.js';
import { loadDomain, resolveDomainSpec } from '../domain/load-domain.js';
import { ExperimentError, parseExperiment } from '../experiment/load-experiment.js';
import type { Experiment, ExperimentInput } from '../experiment/schema.js';
import { FunctionalEquivalenceCache } from '../cache/fec.js';
import { createFunctionalHasher, HASH_FORMAT_VERSION, type ProbeHashFn } from '../hash/functional-hash.js';
import { DEFAULT_MANTISSA_BITS } from '../hash/quantize.js';
import { createRng, deriveSeed } from '../random/rng.js';
import type { CacheOutcome, SearchEvent } from '../record/events.js';
import { restoreRun } from '../record/restore-run.js';
import { RunRecorder } from '../record/run-recorder.js';
import { hitRate, type FinalScore, type RunSummary, type StopReason } from '../record/summary.js';
import { errorMessage, type EvaluationOutcome, type DomainRef } from '../workers/evaluation-task.js';
import type { Evaluator } from '../workers/evaluator.js';
import { InlineEvaluator } from '../workers/inline-evaluator.js';
import { WorkerPool } from '../workers/worker-pool.js';
import { createSearcher } from './create-searcher.js';

/** An experiment, where `domain` may also be a domain object (evaluated inline only). */
export type SearchConfig = Omit<ExperimentInput, 'domain'> & { domain: string | Domain<any> };

export interface ProgressSnapshot {
  elapsedSeconds: number;
  proposals: number;
  evaluations: number;
  evaluationsPerSecond: number;
  bestFitness: number | null;
  hitRate: number;
  inFlight: number;
  failed: number;
}

export interface RunOptions {
  /** Folder for config.json, events.jsonl and summary.json; nothing is written without it. */
  outDir?: string;
  onEvent?: (event: SearchEvent) => void;
  onProgress?: (progress: ProgressSnapshot) => void;
  progressIntervalMs?: number;
  /** Aborting stops proposing, cancels running evaluations and still returns (and writes) a summary. */
  signal?: AbortSignal;
  /**
   * The events of an earlier run of the same experiment: go on from its state
   * (ids, counters, cache, population, best; budgets count both parts) and
   * append to its events.jsonl in `outDir`.
   */
  resumeFrom?: readonly SearchEvent[];
}

/** Proposals allowed per evaluation when only an evaluation budget is set. */
const DEFAULT_PROPOSALS_PER_EVALUATION = 100;
/** Proposals settled synchronously before letting timers and signals run. */
const YIELD_EVERY = 1000;

interface Pending {
  id: number;
  parentId: number | null;
  candidate: unknown;
  hash: string | null;
  lookup: CacheOutcome;
  probeMs: number;
  proposedAt: number;
}

export interface ResolvedSearch {
  experiment: Experiment;
  domain: Domain;
  domainRef: DomainRef;
  mantissaBits: number;
  maxProposals: number;
}

/** Validates a search config and loads its domain. */
export async function resolveSearch(config: SearchConfig, baseDir = process.cwd()): Promise<ResolvedSearch> {
  const domainObject = typeof config.domain === 'string' ? undefined : config.domain;
  const experiment = parseExperiment({ ...config, domain: domainObject ? domainObject.name ?? 'custom' : config.domain });
  let domain: Domain;
  let domainRef: DomainRef;
  if (domainObject) {
    if (experiment.workers > 0) {
      throw new ExperimentError('workers: a domain given as an object can only be evaluated inline (workers: 0); pass its module path as `domain` to use worker threads');
    }
    domain = defineDomain(domainObject);
    domainRef = { spec: `<object ${domain.name}>`, options: experiment.domainOptions };
  } else {
    domainRef = { spec: resolveDomainSpec(experiment.domain, baseDir), options: experiment.domainOptions };
    experiment.domain = domainRef.spec;
    domain = await loadDomain(domainRef);
  }
  const b = experiment.budget;
  const maxProposals = b.maxProposals ?? (b.maxEvaluations !== undefined && b.maxWallSeconds === undefined && b.maxCost === undefined
    ? b.maxEvaluations * DEFAULT_PROPOSALS_PER_EVALUATION
    : Number.POSITIVE_INFINITY);
  const mantissaBits = experiment.cache.mantissaBits ?? domain.mantissaBits ?? DEFAULT_MANTISSA_BITS;
  return { experiment, domain, domainRef, mantissaBits, maxProposals };
}

/** The domain's held-out score of the run's best (not part of the search's wall time). */
async function finalScore(domain: Domain, candidate: unknown): Promise<FinalScore | undefined> {
  if (domain.finalEvaluate === undefined) return undefined;
  const start = performance.now();
  try {
    const result = await domain.finalEvaluate(candidate);
    return { fitness: result.fitness, metrics: result.metrics, seconds: (performance.now() - start) / 1000 };
  } catch (error) {
    return { error: `finalEvaluate failed: ${errorMessage(error)}` };
  }
}

export async function runSearch(config: SearchConfig, options: RunOptions = {}): Promise<RunSummary> {
  return runResolvedSearch(await resolveSearch(config), options);
}

export async function runResolvedSearch(resolved: ResolvedSearch, options: RunOptions = {}): Promise<RunSummary> {
  const { experiment, domain, domainRef, mantissaBits, maxProposals } = resolved;
  const budget = experiment.budget;
  const cacheOn = experiment.cache.enabled;
  const restored = options.resumeFrom ? restoreRun(options.resumeFrom) : null;
  const hash: ProbeHashFn | null = cacheOn
    ? (await createFunctionalHasher()).forKey({ domain: domain.name, version: domain.version, probeKey: domain.probeKey, mantissaBits })
    : null;
  const fec = cacheOn
    ? new FunctionalEquivalenceCache<Pending>({
        capacity: experiment.cache.capacity,
        maxEvalsPerHash: experiment.cache.maxEvalsPerHash,
        forgetProbability: experiment.cache.forgetProbability,
        // Like the searcher's, a resumed run's forgetting draws a fresh stream rather than repeating the first part's.
        rng: restored ? createRng(experiment.seed, 'cache', 'resumed', restored.nextId) : createRng(experiment.seed, 'cache'),
      })
    : null;
  // A resumed search draws a fresh stream, so it does not repeat the first part's proposals.
  const searcher = createSearcher(domain, experiment.search, restored ? createRng(experiment.seed, 'search', 'resumed', restored.nextId) : createRng(experiment.seed, 'search'));
  if (restored) {
    searcher.restore(restored.individuals);
    fec?.restore(restored.cacheEntries, restored.cacheCounters);
  }
  const evaluator: Evaluator = experiment.workers === 0 ? new InlineEvaluator(domain) : new WorkerPool(experiment.workers, experiment.batchSize);
  // Batches (cheap domains): one batch per worker in flight plus one being filled, so workers
  // never wait for the main thread; batches land whole and in dispatch order, so the trajectory
  // stays a function of the seed however the threads are scheduled.
  const batched = experiment.workers > 0 && experiment.batchSize > 1;
  const slots = batched ? (experiment.workers + 1) * experiment.batchSize : Math.max(1, experiment.workers);
  const timeoutMs = experiment.evalTimeoutSeconds * 1000;
  const recorder = options.outDir
    ? new RunRecorder(options.outDir, {
        ...experiment,
        cache: { ...experiment.cache, mantissaBits },
        resolvedMaxProposals: Number.isFinite(maxProposals) ? maxProposals : null,
        domainName: domain.name,
        domainVersion: domain.version,
        probeKey: domain.probeKey ?? '',
        hashFormat: HASH_FORMAT_VERSION,
        node: process.version,
      }, experiment.record.candidates, restored !== null)
    : null;

  const started = performance.now();
  const elapsedBefore = restored?.elapsedSeconds ?? 0;
  const elapsed = () => elapsedBefore + (performance.now() - started) / 1000;
  let proposals = restored?.nextId ?? 0;
  let dispatched = restored?.evaluations ?? 0;
  let failed = restored?.failed ?? 0;
  let inFlight = 0;
  /** Proposals waiting on an evaluation in flight (in-flight joins). */
  let joinsWaiting = 0;
  let evaluationCost = restored?.evaluationCost ?? 0;
  let probeMsTotal = restored?.probeMs ?? 0;
  let best: { id: number; fitness: number; candidate: unknown; metrics?: Record<string, MetricValue> } | null = restored?.best ?? null;
  let targetReached = best !== null && budget.targetFitness !== undefined && best.fitness >= budget.targetFitness;
  let lastProgress = 0;
  const completions: Array<{ pending: Pending; outcome: EvaluationOutcome }> = [];
  /** Batched mode: evaluations in dispatch order, each with its outcome once it is back. */
  const sent: Array<{ pending: Pending; outcome: EvaluationOutcome | null }> = [];
  let wake: (() => void) | null = null;
  const onAbort = () => evaluator.cancelAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const progress = (): ProgressSnapshot => {
    const seconds = elapsed();
    const counters = fec?.stats();
    return {
      elapsedSeconds: seconds,
      proposals,
      evaluations: dispatched,
      evaluationsPerSecond: seconds > 0 ? dispatched / seconds : 0,
      bestFitness: best?.fitness ?? null,
      hitRate: counters ? hitRate(counters) : 0,
      inFlight,
      failed,
    };
  };

  const settle = (
    p: Pending,
    outcome: CacheOutcome,
    fitness: number | null,
    extra: Partial<SearchEvent> & { cost: number; evalMs: number | null },
  ): void => {
    const event: SearchEvent = {
      id: p.id, parentId: p.parentId, hash: p.hash, outcome, fitness,
      cost: extra.cost, probeMs: p.probeMs, evalMs: extra.evalMs,
      proposedAt: p.proposedAt, settledAt: elapsed(),
    };
    if (extra.joined !== undefined) event.joined = extra.joined;
    if (extra.forgotten) event.forgotten = true;
    if (extra.lookup !== undefined) event.lookup = extra.lookup;
    if (extra.failure !== undefined) event.failure = extra.failure;
    if (extra.error !== undefined) event.error = extra.error;
    if (extra.metrics !== undefined) event.metrics = extra.metrics;
    event.candidate = p.candidate;
    if (fitness === null) failed++;
    searcher.observe(p.id, p.candidate, fitness);
    if (fitness !== null && (best === null || fitness > best.fitness)) {
      best = { id: p.id, fitness, candidate: p.candidate, metrics: extra.metrics };
      if (budget.targetFitness !== undefined && fitness >= budget.targetFitness) targetReached = true;
    }
    recorder?.event(event);
    options.onEvent?.(event);
    if (options.onProgress) {
      const now = performance.now();
      if (now - lastProgress >= (options.progressIntervalMs ?? 250)) {
        lastProgress = now;
        options.onProgress(progress());
      }
    }
  };

  const dispatch = (p: Pending): void => {
    inFlight++;
    dispatched++;
    const seed = deriveSeed(experiment.seed, 'evaluate', p.id);
    const outcome = evaluator.evaluate({ domain: domainRef, candidate: p.candidate, seed }, timeoutMs);
    if (!(outcome instanceof Promise)) {
      completions.push({ pending: p, outcome }); // landed synchronously: settled by the loop without waiting
      return;
    }
    if (batched) {
      const slot: (typeof sent)[number] = { pending: p, outcome: null };
      sent.push(slot);
      void outcome.then((landed) => {
        slot.outcome = landed;
        wake?.();
      });
      return;
    }
    void outcome.then((landed) => {
      completions.push({ pending: p, outcome: landed });
      wake?.();
    });
  };

  const land = (p: Pending, outcome: EvaluationOutcome): void => {
    inFlight--;
    if (outcome.ok) {
      const cost = outcome.cost ?? outcome.wallMs / 1000;
      evaluationCost += cost;
      let fitness = outcome.fitness;
      let waiters: Pending[] = [];
      if (fec && p.hash !== null) ({ entry: { fitness }, waiters } = fec.complete(p.hash, outcome.fitness, cost));
      settle(p, p.lookup, fitness, { cost, evalMs: outcome.wallMs, metrics: outcome.metrics });
      joinsWaiting -= waiters.length;
      for (const w of waiters) settle(w, 'in-flight-join', fitness, { cost: 0, evalMs: null, joined: p.id, metrics: outcome.metrics });
    } else {
      evaluationCost += outcome.wallMs / 1000;
      const waiters = fec && p.hash !== null ? fec.fail(p.hash) : [];
      const lookup = p.lookup === 'partial-hit' ? 'partial-hit' : 'miss';
      settle(p, 'failed', null, { cost: outcome.wallMs / 1000, evalMs: outcome.wallMs, lookup: fec ? lookup : undefined, failure: outcome.kind, error: outcome.error });
      joinsWaiting -= waiters.length;
      for (const w of waiters) {
        settle(w, 'failed', null, { cost: 0, evalMs: null, joined: p.id, failure: outcome.kind, error: `joined evaluation #${p.id} failed: ${outcome.error}` });
      }
    }
  };

  /** Hashes the probe outputs and acts on the cache's answer. */
  const route = (p: Pending, outputs: ArrayLike<number>, probeStart: number): void => {
    p.hash = hash!(outputs);
    p.probeMs = performance.now() - probeStart;
    probeMsTotal += p.probeMs;
    const found = fec!.lookup(p.hash, p);
    p.lookup = found.outcome;
    if (found.outcome === 'full-hit') settle(p, 'full-hit', found.entry.fitness, { cost: 0, evalMs: null, forgotten: found.forgotten });
    else if (found.outcome === 'in-flight-join') joinsWaiting++;
    else dispatch(p);
  };

  const failProbe = (p: Pending, error: unknown, probeStart: number): void => {
    p.probeMs = performance.now() - probeStart;
    settle(p, 'failed', null, { cost: 0, evalMs: null, failure: 'error', error: `probe failed: ${error instanceof Error ? error.message : String(error)}` });
  };

  /** Proposes one candidate and routes it; returns a promise only when the domain's probe is async. */
  const proposeOne = (): void | Promise<void> => {
    const { candidate, parentId } = searcher.propose();
    const p: Pending = { id: proposals++, parentId, candidate, hash: null, lookup: 'miss', probeMs: 0, proposedAt: elapsed() };
    if (fec === null) return dispatch(p);
    const probeStart = performance.now();
    let outputs: ArrayLike<number> | Promise<ArrayLike<number>>;
    try {
      outputs = domain.probe(candidate);
    } catch (error) {
      return failProbe(p, error, probeStart);
    }
    if (outputs instanceof Promise) return outputs.then((o) => route(p, o, probeStart), (error) => failProbe(p, error, probeStart));
    route(p, outputs, probeStart);
  };

  const stopReason = (): StopReason | null => {
    if (options.signal?.aborted) return 'interrupted';
    if (targetReached) return 'target-fitness';
    if (budget.maxEvaluations !== undefined && dispatched >= budget.maxEvaluations) return 'max-evaluations';
    if (proposals >= maxProposals) return 'max-proposals';
    if (budget.maxCost !== undefined && evaluationCost >= budget.maxCost) return 'max-cost';
    if (budget.maxWallSeconds !== undefined && elapsed() >= budget.maxWallSeconds) return 'max-wall-seconds';
    return null;
  };

  let stop: StopReason | null = null;
  try {
    let sinceYield = 0;
    for (;;) {
      // Batched, joins count too: results land only between batches, and proposing on from a
      // population that has not seen them would mostly join what is already in flight.
      while (stop === null && inFlight + (batched ? joinsWaiting : 0) < slots) {
        stop = stopReason();
        if (stop !== null) break;
        const routed = proposeOne();
        if (routed) await routed;
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      if (inFlight === 0) break;
      evaluator.flush?.();
      if (batched) {
        // The oldest batch, whole, in dispatch order.
        const n = Math.min(experiment.batchSize, sent.length);
        const landed = (): boolean => {
          for (let k = 0; k < n; k++) if (sent[k].outcome === null) return false;
          return true;
        };
        while (!landed()) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        for (const slot of sent.splice(0, n)) land(slot.pending, slot.outcome!);
      } else {
        if (completions.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        for (let i = 0; i < completions.length; i++) land(completions[i].pending, completions[i].outcome);
        completions.length = 0;
      }
      // A stop decided while evaluations were running is re-checked so that, e.g., an abort wins.
      if (stop !== null && options.signal?.aborted) stop = 'interrupted';
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await evaluator.close();
  }

  const wallSeconds = elapsed();
  const counters = fec?.stats();
  const finalBest = best as { id: number; fitness: number; candidate: unknown; metrics?: Record<string, MetricValue> } | null;
  const summary: RunSummary = {
    name: experiment.name,
    domain: domain.name,
    seed: experiment.seed,
    workers: experiment.workers,
    evaluations: dispatched,
    proposals,
    failed,
    cache: {
      enabled: cacheOn,
      misses: counters?.misses ?? dispatched,
      partialHits: counters?.partialHits ?? 0,
      fullHits: counters?.fullHits ?? 0,
      inFlightJoins: counters?.inFlightJoins ?? 0,
      hitRate: counters ? hitRate(counters) : 0,
      size: counters?.size ?? 0,
      costSaved: counters?.costSaved ?? 0,
      forgotten: counters?.forgotten ?? 0,
    },
    evaluationCost,
    costUnit: domain.costUnit ?? 's',
    best: finalBest && {
      id: finalBest.id,
      fitness: finalBest.fitness,
      candidate: finalBest.candidate,
      description: domain.describe(finalBest.candidate),
      metrics: finalBest.metrics,
      final: await finalScore(domain, finalBest.candidate),
    },
    wallSeconds,
    evaluationsPerSecond: wallSeconds > 0 ? dispatched / wallSeconds : 0,
    proposalsPerSecond: wallSeconds > 0 ? proposals / wallSeconds : 0,
    probeSeconds: probeMsTotal / 1000,
    stopReason: stop ?? 'interrupted',
  };
  options.onProgress?.(progress());
  recorder?.finish(summary);
  await domain.close?.();
  return summary;
}
