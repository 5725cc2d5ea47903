/**
 * The last stage of a proposal: its fitness goes to the searcher and the run's
 * state, and it becomes one line of events.jsonl (and an `onEvent` call).
 */
import { performance } from 'node:perf_hooks';
import type { CacheOutcome, SearchEvent } from '../record/events.js';
import type { RunRecorder } from '../record/run-recorder.js';
import type { Pending } from './pending.js';
import type { RunState } from './run-state.js';
import type { Searcher } from './searcher.js';

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

/** What a settled proposal cost, and why it failed if it did: the event's fields that only settling knows. */
export type SettleDetails = Pick<
  SearchEvent,
  'cost' | 'evalMs' | 'joined' | 'fromOtherRun' | 'savedCost' | 'verified' | 'mergedWith' | 'forgotten' | 'lookup' | 'failure' | 'error' | 'metrics'
>;

export interface SettleListeners {
  onEvent?: (event: SearchEvent) => void;
  onProgress?: (progress: ProgressSnapshot) => void;
  progressIntervalMs?: number;
}

export class Settler {
  private lastProgress = 0;

  constructor(
    private readonly state: RunState,
    private readonly searcher: Searcher<unknown>,
    private readonly recorder: RunRecorder | null,
    private readonly listeners: SettleListeners,
    /** The cache's hit rate so far (0 without the cache). */
    private readonly hitRate: () => number,
  ) {}

  settle(p: Pending, outcome: CacheOutcome, fitness: number | null, details: SettleDetails): void {
    const now = performance.now();
    const event: SearchEvent = {
      id: p.id, parentId: p.parentId, hash: p.hash, outcome, fitness,
      cost: details.cost, probeMs: p.probeMs, evalMs: details.evalMs,
      proposedAt: p.proposedAt, settledAt: this.state.timestamp(now),
    };
    if (details.joined !== undefined) event.joined = details.joined;
    if (details.forgotten) event.forgotten = true;
    if (details.verified !== undefined) event.verified = details.verified;
    if (details.mergedWith !== undefined) event.mergedWith = details.mergedWith;
    if (details.fromOtherRun) {
      event.fromOtherRun = true;
      event.savedCost = details.savedCost;
    }
    if (details.lookup !== undefined) event.lookup = details.lookup;
    if (details.failure !== undefined) event.failure = details.failure;
    if (details.error !== undefined) event.error = details.error;
    if (details.metrics !== undefined) event.metrics = details.metrics;
    // A new best keeps its candidate in the log even when candidates are not recorded, so resume finds it.
    const improves = fitness !== null && (this.state.best === null || fitness > this.state.best.fitness);
    this.searcher.observe(p.id, p.candidate, fitness);
    this.state.observe(p.id, p.candidate, fitness, details.metrics);
    this.recorder?.event(event, p.candidate, improves);
    event.candidate = p.candidate;
    this.listeners.onEvent?.(event);
    if (this.listeners.onProgress) this.reportProgress(this.listeners.onProgress, now);
  }

  /** At most one progress report per interval. */
  private reportProgress(onProgress: (progress: ProgressSnapshot) => void, now: number): void {
    if (now - this.lastProgress < (this.listeners.progressIntervalMs ?? 250)) return;
    this.lastProgress = now;
    onProgress(this.progress());
  }

  progress(): ProgressSnapshot {
    const state = this.state;
    const seconds = state.elapsed();
    return {
      elapsedSeconds: seconds,
      proposals: state.proposals,
      evaluations: state.dispatched,
      evaluationsPerSecond: seconds > 0 ? state.dispatched / seconds : 0,
      bestFitness: state.best?.fitness ?? null,
      hitRate: this.hitRate(),
      inFlight: state.inFlight,
      failed: state.failed,
    };
  }
}
