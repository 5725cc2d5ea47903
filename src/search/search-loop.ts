/**
 * The engine's loop: keep `slots` evaluations in flight, proposing while there
 * is room; when full, wait for results to land; stop proposing at a budget
 * and drain what is in flight. Synchronous while nothing has to be waited
 * for (hits, a synchronous inline evaluator), so cheap domains pay no promise
 * per candidate.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { FunctionalEquivalenceCache } from '../cache/fec.js';
import type { StopReason } from '../record/summary.js';
import type { Evaluator } from '../workers/evaluator.js';
import type { EvaluationStage } from './evaluation-stage.js';
import type { LandingQueue } from './landing-queue.js';
import type { Pending } from './pending.js';
import type { ProposalStage } from './proposal-stage.js';
import type { RunState } from './run-state.js';

/** Proposals settled synchronously before letting timers and signals run. */
const YIELD_EVERY = 1000;

export interface LoopParts {
  state: RunState;
  proposals: ProposalStage;
  evaluation: EvaluationStage;
  queue: LandingQueue;
  evaluator: Evaluator;
  /** Evaluations (batched: and joins) allowed in flight at once. */
  slots: number;
  /** Batched runs count joins against the slots too. */
  batched: boolean;
  signal?: AbortSignal;
  /** The cache, when on: its store is flushed before each wait, and joins on other runs' evaluations are polled. */
  fec: FunctionalEquivalenceCache<Pending> | null;
}

/** How often joins on another run's evaluation look whether it has finished. */
const OTHER_RUNS_POLL_MS = 25;

/** Runs until a budget stops it and nothing is in flight; returns why it stopped. */
export async function runLoop(parts: LoopParts): Promise<StopReason | null> {
  const { state, queue, evaluation } = parts;
  const filler = new SlotFiller(parts);
  for (;;) {
    const filling = filler.fill();
    if (filling) await filling;
    const others = parts.fec?.otherRunsWaitedFor ?? 0;
    if (state.inFlight === 0 && others === 0) break;
    parts.evaluator.flush?.();
    parts.fec?.store.flush();
    const ready = queue.whenReady();
    if (ready) await (others > 0 ? Promise.race([ready, delay(OTHER_RUNS_POLL_MS)]) : ready);
    queue.landReady(evaluation.land);
    if (others > 0) parts.proposals.settleOtherRunJoins();
    // A stop decided while evaluations were running is re-checked so that, e.g., an abort wins.
    if (filler.stop !== null && parts.signal?.aborted) filler.stop = 'interrupted';
  }
  return filler.stop;
}

/** Proposes until the slots are full or a budget says stop. */
class SlotFiller {
  stop: StopReason | null = null;
  private sinceYield = 0;

  constructor(private readonly parts: LoopParts) {}

  /** Returns a promise only when a proposal's probe is async or it is time to yield. */
  fill(): void | Promise<void> {
    const { state, proposals, slots, batched } = this.parts;
    // Batched, joins count too: results land only between batches, and proposing on from a
    // population that has not seen them would mostly join what is already in flight.
    while (this.stop === null && state.inFlight + (batched ? state.joinsWaiting : 0) < slots) {
      this.stop = state.stopReason();
      if (this.stop !== null) break;
      const routed = proposals.proposeOne();
      const yieldNow = ++this.sinceYield >= YIELD_EVERY;
      if (yieldNow) this.sinceYield = 0;
      if (routed || yieldNow) return this.fillAfter(routed, yieldNow);
    }
  }

  private async fillAfter(routed: void | Promise<void>, yieldNow: boolean): Promise<void> {
    if (routed) await routed;
    if (yieldNow) {
      this.parts.fec?.store.flush(); // a long run of hits must not hold the store's write lock
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.fill();
  }
}
