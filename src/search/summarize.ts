/** summary.json from a finished run's state and cache counters (plus the best's held-out score). */
import { performance } from 'node:perf_hooks';
import type { FecCounters, OtherRunCounters } from '../cache/fec.js';
import type { Domain } from '../domain/domain.js';
import type { Experiment } from '../experiment/schema.js';
import { hitRate, type CacheSummary, type FinalScore, type RunSummary, type StopReason } from '../record/summary.js';
import { errorMessage } from '../workers/evaluation-task.js';
import type { CacheRecord } from './open-cache.js';
import type { RunState } from './run-state.js';

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

/** What the run's cache reports at the end. */
export interface CacheReport {
  counters: FecCounters & { size: number };
  otherRuns: OtherRunCounters;
  record: CacheRecord;
}

function cacheSummary(enabled: boolean, report: CacheReport | null, dispatched: number, verification: { verified: number; falseMerges: number }): CacheSummary {
  const counters = report?.counters;
  const summary: CacheSummary = {
    enabled,
    misses: counters?.misses ?? dispatched,
    partialHits: counters?.partialHits ?? 0,
    fullHits: counters?.fullHits ?? 0,
    inFlightJoins: counters?.inFlightJoins ?? 0,
    hitRate: counters ? hitRate(counters) : 0,
    size: counters?.size ?? 0,
    costSaved: counters?.costSaved ?? 0,
    forgotten: counters?.forgotten ?? 0,
  };
  if (report) {
    summary.store = { kind: report.record.store, location: report.record.location, namespace: report.record.namespace };
    summary.fromOtherRuns = report.otherRuns;
  }
  if (verification.verified > 0) Object.assign(summary, verification);
  return summary;
}

export async function summarize(
  experiment: Experiment,
  domain: Domain,
  state: RunState,
  cache: CacheReport | null,
  stop: StopReason | null,
): Promise<RunSummary> {
  const wallSeconds = state.elapsed();
  const best = state.best;
  return {
    name: experiment.name,
    domain: domain.name,
    seed: experiment.seed,
    workers: experiment.workers,
    evaluations: state.dispatched,
    proposals: state.proposals,
    failed: state.failed,
    cache: cacheSummary(experiment.cache.enabled, cache, state.dispatched, { verified: state.verifications, falseMerges: state.falseMerges }),
    evaluationCost: state.evaluationCost,
    costUnit: domain.costUnit ?? 's',
    best: best && {
      id: best.id,
      fitness: best.fitness,
      candidate: best.candidate,
      description: domain.describe(best.candidate),
      metrics: best.metrics,
      final: await finalScore(domain, best.candidate),
    },
    wallSeconds,
    evaluationsPerSecond: wallSeconds > 0 ? state.dispatched / wallSeconds : 0,
    proposalsPerSecond: wallSeconds > 0 ? state.proposals / wallSeconds : 0,
    probeSeconds: state.probeMs / 1000,
    stopReason: stop ?? 'interrupted',
  };
}
