/**
 * The state of a run rebuilt from its events.jsonl, so an interrupted or
 * crashed run can go on where it stopped: ids, counters, cache entries, the
 * searcher's individuals, the best so far. Only candidates that were in flight
 * at the crash are lost (they were never settled, so never recorded).
 */
import type { CacheEntry, FecCounters, OtherRunCounters } from '../cache/fec.js';
import type { Individual } from '../search/searcher.js';
import type { CheckpointState } from './checkpoint.js';
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

export interface RestoreLimits {
  /**
   * Individuals the searcher can use: the last `keep` settled and the best `keep`
   * (regularized evolution keeps the newest, elitism the best, random search the best
   * one), so a log of millions of events restores in bounded memory.
   */
  keep?: number;
  /** Cache entries beyond this (the least recently used) would be evicted anyway. */
  capacity?: number;
  /**
   * Start the population from a checkpoint's (runs without candidates): events before
   * its line count only towards counters, cache and best.
   */
  checkpoint?: CheckpointState;
}

export function restoreRun(events: Iterable<SearchEvent>, limits: RestoreLimits = {}): RestoredRun {
  const restorer = new RunRestorer(limits);
  for (const e of events) restorer.add(e);
  return restorer.result();
}

type Kept = Individual<unknown> & { order: number };

/** Rebuilds a run one event at a time (events are streamed from disk; see event-log.ts). */
export class RunRestorer {
  private readonly counters: FecCounters = { misses: 0, partialHits: 0, fullHits: 0, inFlightJoins: 0, failures: 0, forgotten: 0, costSaved: 0 };
  private readonly run: RestoredRun = {
    nextId: 0, evaluations: 0, failed: 0, evaluationCost: 0, probeMs: 0, elapsedSeconds: 0, verifications: 0, falseMerges: 0,
    cacheEntries: new Map(), cacheCounters: this.counters, otherRunCounters: { fullHits: 0, inFlightJoins: 0, costSaved: 0 }, individuals: [], best: null,
  };
  private readonly costOf = new Map<number, number>();
  private readonly keep: number;
  private readonly capacity: number;
  private newest: Kept[] = [];
  /** The best `keep`, best first (ties: the earlier stays ahead). */
  private readonly elite: Kept[] = [];
  private order = 0;
  private seen = 0;
  private readonly individualsFrom: number;

  constructor(limits: RestoreLimits = {}) {
    this.keep = limits.keep ?? Number.POSITIVE_INFINITY;
    this.capacity = limits.capacity ?? Number.POSITIVE_INFINITY;
    this.individualsFrom = limits.checkpoint?.events ?? 0;
    for (const individual of limits.checkpoint?.population ?? []) this.keepIndividual({ ...individual, order: this.order++ });
    if (limits.checkpoint?.best) this.run.best = limits.checkpoint.best;
  }

  add(e: SearchEvent): void {
    const run = this.run;
    run.nextId = Math.max(run.nextId, e.id + 1);
    run.evaluationCost += e.cost;
    run.probeMs += e.probeMs;
    run.elapsedSeconds = Math.max(run.elapsedSeconds, e.settledAt);
    if (e.verified) {
      run.verifications++;
      if (!e.verified.agreed && e.verified.fitness !== null) run.falseMerges++;
    } else if (e.evalMs !== null) {
      run.evaluations++;
      this.costOf.set(e.id, e.cost);
    }
    const ordinal = this.seen++;
    if (e.fitness === null) {
      run.failed++;
    } else {
      // Without candidates (record.candidates: false) only a checkpoint's population and new bests are known.
      if (e.candidate !== undefined && ordinal >= this.individualsFrom) this.keepIndividual({ id: e.id, candidate: e.candidate, fitness: e.fitness, order: this.order++ });
      if (run.best === null || e.fitness > run.best.fitness) run.best = { id: e.id, fitness: e.fitness, candidate: e.candidate, metrics: e.metrics };
    }
    if (e.hash !== null) {
      replayCache(e, e.hash, run.cacheEntries, this.counters, this.costOf);
      if (run.cacheEntries.size > 2 * this.capacity) this.trimCache();
    }
    if (e.fromOtherRun) countOtherRun(e, run.otherRunCounters);
  }

  result(): RestoredRun {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: trimming a cache within its capacity keeps every entry in order (the check only saves a copy)
    if (this.run.cacheEntries.size > this.capacity) this.trimCache();
    // Stryker disable next-line ConditionalExpression: with no limit, the last Infinity of the newest are all of them and the elite is empty: the same list
    if (Number.isFinite(this.keep)) {
      const kept = new Map<number, Kept>();
      for (const k of [...this.newest.slice(-this.keep), ...this.elite]) kept.set(k.order, k);
      this.run.individuals = [...kept.values()].sort((a, b) => a.order - b.order).map(({ id, candidate, fitness }) => ({ id, candidate, fitness }));
    } else {
      this.run.individuals = this.newest.map(({ id, candidate, fitness }) => ({ id, candidate, fitness }));
    }
    return this.run;
  }

  private keepIndividual(k: Kept): void {
    this.newest.push(k);
    // Stryker disable next-line ConditionalExpression: with no limit the elite is never read (result() takes the newest): memory only
    if (!Number.isFinite(this.keep)) return;
    // Amortized: drop the oldest in one splice once twice as many are held. result() takes the last `keep`
    // anyway, so when (or whether) this trims changes memory, not the result.
    // Stryker disable next-line all: memory only, as said
    if (this.newest.length >= 2 * this.keep) this.newest = this.newest.slice(-this.keep);
    // An early exit: an individual no better than the last of a full elite would be inserted last and popped.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: speed only, as said
    const full = this.elite.length >= this.keep;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: speed only, as said
    if (full && k.fitness <= this.elite[this.elite.length - 1].fitness) return;
    let at = this.elite.length;
    while (at > 0 && this.elite[at - 1].fitness < k.fitness) at--;
    this.elite.splice(at, 0, k);
    if (this.elite.length > this.keep) this.elite.pop();
  }

  /** Keeps the `capacity` most recently used entries (the Map is in recency order). */
  private trimCache(): void {
    const entries = [...this.run.cacheEntries].slice(-this.capacity);
    this.run.cacheEntries.clear();
    for (const [hash, entry] of entries) this.run.cacheEntries.set(hash, entry);
  }
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
