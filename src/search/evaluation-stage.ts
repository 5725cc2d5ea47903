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
import type { Pending, VerifiedHit } from './pending.js';
import type { RunState } from './run-state.js';
import type { SettleDetails, Settler } from './settle.js';
import type { Verifier } from './verify-stage.js';

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
    private readonly verifier: Verifier,
  ) {}

  dispatch(p: Pending): void {
    this.state.inFlight++;
    // A verification is not part of the search's evaluation budget (it is counted on its own).
    if (p.verify) this.state.verifications++;
    else this.state.dispatched++;
    const seed = deriveSeed(this.setup.seed, 'evaluate', p.id);
    // A verification must run the candidate itself, never be answered by the named work of its hash.
    const key = this.setup.keyPrefix !== undefined && p.hash !== null && !p.verify ? `${this.setup.keyPrefix}/${p.hash}` : undefined;
    this.queue.add(p, this.evaluator.evaluate({ domain: this.setup.domainRef, candidate: p.candidate, seed, key }, this.setup.timeoutMs));
  }

  private landOutcome(p: Pending, outcome: EvaluationOutcome): void {
    this.state.inFlight--;
    if (p.verify) this.landVerification(p, p.verify, outcome);
    else if (outcome.ok) this.landSuccess(p, outcome);
    else this.landFailure(p, outcome);
  }

  private landSuccess(p: Pending, outcome: Extract<EvaluationOutcome, { ok: true }>): void {
    const cost = outcome.cost ?? outcome.wallMs / 1000;
    this.state.evaluationCost += cost;
    let fitness = outcome.fitness;
    let waiters: Pending[] = [];
    if (this.fec && p.hash !== null) ({ entry: { fitness }, waiters } = this.fec.complete(p.hash, outcome.fitness, cost));
    if (p.hash !== null) this.verifier.remember(p.hash, p.id);
    this.settler.settle(p, p.lookup, fitness, { cost, evalMs: outcome.wallMs, metrics: outcome.metrics });
    this.state.joinsWaiting -= waiters.length;
    for (const w of waiters) this.settler.settle(w, 'in-flight-join', fitness, { cost: 0, evalMs: null, joined: p.id, metrics: outcome.metrics });
  }

  /** A verified full hit settles with the stored fitness (what the searcher would have seen), plus the comparison. */
  private landVerification(p: Pending, v: VerifiedHit, outcome: EvaluationOutcome): void {
    const cost = outcome.ok ? outcome.cost ?? outcome.wallMs / 1000 : outcome.wallMs / 1000;
    this.state.evaluationCost += cost;
    const details: SettleDetails = { cost, evalMs: outcome.wallMs, forgotten: v.forgotten };
    if (v.fromOtherRun) Object.assign(details, { fromOtherRun: true, savedCost: v.savedCost });
    if (!outcome.ok) details.verified = { fitness: null, agreed: false, error: `${outcome.kind}: ${outcome.error}` };
    else {
      const agreed = this.verifier.agrees(v.stored, outcome.fitness);
      details.verified = { fitness: outcome.fitness, agreed };
      if (!agreed) {
        this.state.falseMerges++;
        if (v.madeBy !== null) details.mergedWith = v.madeBy;
      }
    }
    this.settler.settle(p, 'full-hit', v.stored, details);
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
