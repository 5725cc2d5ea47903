/**
 * The state of a run rebuilt from its events.jsonl, so an interrupted or
 * crashed run can go on where it stopped: ids, counters, cache entries, the
 * searcher's individuals, the best so far. Only candidates that were in flight
 * at the crash are lost (they were never settled, so never recorded).
 */
import type { CacheEntry, FecCounters, OtherRunCounters } from '../cache/fec.js';
import type { Individual } from '../search/searcher.js';
import type { SearchEvent } from './events.js';

export interface RestoredRun {
  nextId: number;
  evaluations: number;
  failed: number;
  evaluationCost: number;
  probeMs: number;
  /** Run time already spent, so wall-clock budgets stay totals. */
  elapsedSeconds: number;
  cacheEntries: Map<string, CacheEntry>;
  cacheCounters: FecCounters;
  verifications: number;
  falseMerges: number;
  /** Hits and joins owed to other runs' entries (events marked `fromOtherRun`). */
  otherRunCounters: OtherRunCounters;
  /** Every successfully settled proposal, in settling order. */
  individuals: Individual<unknown>[];
  best: { id: number; fitness: number; candidate: unknown; metrics?: SearchEvent['metrics'] } | null;
}

export function restoreRun(events: readonly SearchEvent[]): RestoredRun {
  const counters: FecCounters = { misses: 0, partialHits: 0, fullHits: 0, inFlightJoins: 0, failures: 0, forgotten: 0, costSaved: 0 };
  const run: RestoredRun = {
    nextId: 0, evaluations: 0, failed: 0, evaluationCost: 0, probeMs: 0, elapsedSeconds: 0, verifications: 0, falseMerges: 0,
    cacheEntries: new Map(), cacheCounters: counters, otherRunCounters: { fullHits: 0, inFlightJoins: 0, costSaved: 0 }, individuals: [], best: null,
  };
  const costOf = new Map<number, number>();
  for (const e of events) {
    run.nextId = Math.max(run.nextId, e.id + 1);
    run.evaluationCost += e.cost;
    run.probeMs += e.probeMs;
    run.elapsedSeconds = Math.max(run.elapsedSeconds, e.settledAt);
    if (e.verified) {
      run.verifications++;
      if (!e.verified.agreed && e.verified.fitness !== null) run.falseMerges++;
    } else if (e.evalMs !== null) {
      run.evaluations++;
      costOf.set(e.id, e.cost);
    }
    if (e.fitness === null) {
      run.failed++;
    } else {
      run.individuals.push({ id: e.id, candidate: e.candidate, fitness: e.fitness });
      if (run.best === null || e.fitness > run.best.fitness) run.best = { id: e.id, fitness: e.fitness, candidate: e.candidate, metrics: e.metrics };
    }
    if (e.hash !== null) replayCache(e, e.hash, run.cacheEntries, counters, costOf);
    if (e.fromOtherRun) countOtherRun(e, run.otherRunCounters);
  }
  return run;
}

/** Counts the event's cache lookup as the live cache did, and applies what it stored or dropped. */
function replayCache(e: SearchEvent, hash: string, entries: Map<string, CacheEntry>, counters: FecCounters, costOf: Map<number, number>): void {
  if (e.outcome === 'full-hit') {
    counters.fullHits++;
    counters.costSaved += entries.get(hash)?.meanCost ?? e.savedCost ?? 0;
    if (e.forgotten) {
      entries.delete(hash);
      counters.forgotten++;
    }
  } else if (e.outcome === 'in-flight-join' || e.joined !== undefined) {
    // Joins of an evaluation that failed are failed events, but were joins at lookup.
    counters.inFlightJoins++;
    if (e.fitness !== null) counters.costSaved += costOf.get(e.joined!) ?? e.savedCost ?? 0;
  } else if (e.outcome === 'failed') {
    // An evaluation that failed (a probe failure has no hash): counted at lookup, nothing stored.
    if (e.lookup === 'partial-hit') counters.partialHits++;
    else counters.misses++;
    counters.failures++;
  } else {
    if (e.outcome === 'miss') counters.misses++;
    else counters.partialHits++;
    // A miss means the live cache held nothing (never stored, forgotten or evicted): start afresh.
    const old = e.outcome === 'partial-hit' ? entries.get(hash) : undefined;
    const n = (old?.evaluations ?? 0) + 1;
    entries.delete(hash); // re-insert: most recently used last
    // The event's fitness is already the running mean after this evaluation.
    entries.set(hash, { fitness: e.fitness!, evaluations: n, meanCost: old ? old.meanCost + (e.cost - old.meanCost) / n : e.cost });
  }
}

/** A hit or join on another run's work (the event carries the cost it saved). */
function countOtherRun(e: SearchEvent, other: OtherRunCounters): void {
  if (e.outcome === 'full-hit') other.fullHits++;
  else other.inFlightJoins++;
  other.costSaved += e.savedCost ?? 0;
}
