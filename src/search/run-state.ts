/**
 * The counters of a run, its best candidate and its budgets: what every stage
 * updates and what decides when to stop. Plain data, restored on resume.
 */
import { performance } from 'node:perf_hooks';
import type { MetricValue } from '../domain/domain.js';
import type { Budget } from '../experiment/schema.js';
import type { RestoredRun } from '../record/restore-run.js';
import type { StopReason } from '../record/summary.js';

export interface BestSoFar {
  id: number;
  fitness: number;
  candidate: unknown;
  metrics?: Record<string, MetricValue>;
}

export class RunState {
  proposals: number;
  /** Evaluations sent (misses and partial hits), failed ones included. */
  dispatched: number;
  failed: number;
  inFlight = 0;
  /** Proposals waiting on an evaluation in flight (in-flight joins). */
  joinsWaiting = 0;
  evaluationCost: number;
  probeMs: number;
  /** Full hits evaluated anyway (cache.verifyProbability), and those whose evaluation disagreed with the entry. */
  verifications: number;
  falseMerges: number;
  best: BestSoFar | null;
  targetReached: boolean;
  private readonly started = performance.now();
  private readonly elapsedBefore: number;

  constructor(
    private readonly budget: Budget,
    private readonly maxProposals: number,
    restored: RestoredRun | null,
    private readonly signal?: AbortSignal,
  ) {
    this.proposals = restored?.nextId ?? 0;
    this.dispatched = restored?.evaluations ?? 0;
    this.failed = restored?.failed ?? 0;
    this.evaluationCost = restored?.evaluationCost ?? 0;
    this.probeMs = restored?.probeMs ?? 0;
    this.verifications = restored?.verifications ?? 0;
    this.falseMerges = restored?.falseMerges ?? 0;
    this.elapsedBefore = restored?.elapsedSeconds ?? 0;
    this.best = restored?.best ?? null;
    this.targetReached = this.best !== null && budget.targetFitness !== undefined && this.best.fitness >= budget.targetFitness;
  }

  /** Seconds of run time, the parts before a resume included. */
  elapsed(now = performance.now()): number {
    return this.elapsedBefore + (now - this.started) / 1000;
  }

  /**
   * elapsed() to the microsecond, at `now` (a performance.now() reading the caller also uses), for the
   * events' proposedAt and settledAt: the clock's digits below that are noise, and writing them out was
   * a tenth of the cost of an event's line.
   */
  timestamp(now = performance.now()): number {
    return Math.round(this.elapsed(now) * 1e6) / 1e6;
  }

  /** Counts a settled proposal's fitness (null: failed) towards the best and the target. */
  observe(id: number, candidate: unknown, fitness: number | null, metrics?: Record<string, MetricValue>): void {
    if (fitness === null) {
      this.failed++;
      return;
    }
    if (this.best === null || fitness > this.best.fitness) {
      this.best = { id, fitness, candidate, metrics };
      if (this.budget.targetFitness !== undefined && fitness >= this.budget.targetFitness) this.targetReached = true;
    }
  }

  stopReason(): StopReason | null {
    const budget = this.budget;
    if (this.signal?.aborted) return 'interrupted';
    if (this.targetReached) return 'target-fitness';
    if (budget.maxEvaluations !== undefined && this.dispatched >= budget.maxEvaluations) return 'max-evaluations';
    if (this.proposals >= this.maxProposals) return 'max-proposals';
    if (budget.maxCost !== undefined && this.evaluationCost >= budget.maxCost) return 'max-cost';
    if (budget.maxWallSeconds !== undefined && this.elapsed() >= budget.maxWallSeconds) return 'max-wall-seconds';
    return null;
  }
}
