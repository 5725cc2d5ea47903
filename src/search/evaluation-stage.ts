/**
 * Dispatch and land: a miss or partial hit goes to the `Evaluator`; when its
 * outcome lands, the cache stores it (or releases the claim) and the proposal
 * settles together with every proposal that joined it.
 */
import type { FunctionalEquivalenceCache } from '../cache/fec.js';
import { deriveSeed } from '../random/rng.js';
import type { DomainRef, EvaluationOutcome } from '../workers/evaluation-task.js';
import type { Evaluator } from '../workers/evaluator.js';
import type { LandingQueue } from './landing-queue.js';
import type { Pending } from './pending.js';
import type { RunState } from './run-state.js';
import type { Settler } from './settle.js';

export interface EvaluationSetup {
  domainRef: DomainRef;
  seed: number;
  timeoutMs: number;
  /**
   * Names each evaluation by this prefix and its functional hash, so a shared
   * queue runs the same work once (plain cache only: aggregating mode wants several).
   */
  keyPrefix?: string;
}

export class EvaluationStage {
  /** Lands one outcome; bound once so the landing queue can call it without a closure per batch. */
  readonly land = (p: Pending, outcome: EvaluationOutcome): void => this.landOutcome(p, outcome);

  constructor(
    private readonly setup: EvaluationSetup,
    private readonly state: RunState,
    private readonly evaluator: Evaluator,
    private readonly queue: LandingQueue,
    private readonly fec: FunctionalEquivalenceCache<Pending> | null,
    private readonly settler: Settler,
  ) {}

  dispatch(p: Pending): void {
    this.state.inFlight++;
    this.state.dispatched++;
    const seed = deriveSeed(this.setup.seed, 'evaluate', p.id);
    const key = this.setup.keyPrefix !== undefined && p.hash !== null ? `${this.setup.keyPrefix}/${p.hash}` : undefined;
    this.queue.add(p, this.evaluator.evaluate({ domain: this.setup.domainRef, candidate: p.candidate, seed, key }, this.setup.timeoutMs));
  }

  private landOutcome(p: Pending, outcome: EvaluationOutcome): void {
    this.state.inFlight--;
    if (outcome.ok) this.landSuccess(p, outcome);
    else this.landFailure(p, outcome);
  }

  private landSuccess(p: Pending, outcome: Extract<EvaluationOutcome, { ok: true }>): void {
    const cost = outcome.cost ?? outcome.wallMs / 1000;
    this.state.evaluationCost += cost;
    let fitness = outcome.fitness;
    let waiters: Pending[] = [];
    if (this.fec && p.hash !== null) ({ entry: { fitness }, waiters } = this.fec.complete(p.hash, outcome.fitness, cost));
    this.settler.settle(p, p.lookup, fitness, { cost, evalMs: outcome.wallMs, metrics: outcome.metrics });
    this.state.joinsWaiting -= waiters.length;
    for (const w of waiters) this.settler.settle(w, 'in-flight-join', fitness, { cost: 0, evalMs: null, joined: p.id, metrics: outcome.metrics });
  }

  private landFailure(p: Pending, outcome: Extract<EvaluationOutcome, { ok: false }>): void {
    this.state.evaluationCost += outcome.wallMs / 1000;
    const waiters = this.fec && p.hash !== null ? this.fec.fail(p.hash) : [];
    const lookup = !this.fec ? undefined : p.lookup === 'partial-hit' ? 'partial-hit' : 'miss';
    this.settler.settle(p, 'failed', null, { cost: outcome.wallMs / 1000, evalMs: outcome.wallMs, lookup, failure: outcome.kind, error: outcome.error });
    this.state.joinsWaiting -= waiters.length;
    for (const w of waiters) {
      this.settler.settle(w, 'failed', null, { cost: 0, evalMs: null, joined: p.id, failure: outcome.kind, error: `joined evaluation #${p.id} failed: ${outcome.error}` });
    }
  }
}
