/**
 * The order in which evaluation results land in the engine. Unbatched, a
 * result lands as soon as it is back (asynchronous steady state). Batched,
 * the oldest batch lands whole, in dispatch order, so the trajectory stays a
 * function of the seed however the threads are scheduled.
 */
import type { EvaluationOutcome } from '../workers/evaluation-task.js';
import type { Pending } from './pending.js';

export type Land = (p: Pending, outcome: EvaluationOutcome) => void;

export interface LandingQueue {
  /** Registers a dispatched evaluation; its outcome may already be there (a synchronous evaluator). */
  add(p: Pending, outcome: EvaluationOutcome | Promise<EvaluationOutcome>): void;
  /** Null when results can land now, else a promise that resolves when they can. */
  whenReady(): Promise<void> | null;
  /** Lands what is ready, in order (nothing when nothing is). */
  landReady(land: Land): void;
}

/** Results land in completion order. */
export class CompletionOrder implements LandingQueue {
  private readonly completions: Array<{ pending: Pending; outcome: EvaluationOutcome }> = [];
  private wake: (() => void) | null = null;

  add(p: Pending, outcome: EvaluationOutcome | Promise<EvaluationOutcome>): void {
    if (!(outcome instanceof Promise)) {
      this.completions.push({ pending: p, outcome }); // landed synchronously: settled by the loop without waiting
      return;
    }
    void outcome.then((landed) => {
      this.completions.push({ pending: p, outcome: landed });
      this.wake?.();
    });
  }

  whenReady(): Promise<void> | null {
    if (this.completions.length > 0) return null;
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  landReady(land: Land): void {
    this.wake = null;
    const completions = this.completions;
    for (let i = 0; i < completions.length; i++) land(completions[i].pending, completions[i].outcome);
    completions.length = 0;
  }
}

/** Whole batches of `batchSize` land in dispatch order. */
export class DispatchOrderBatches implements LandingQueue {
  /** Evaluations in dispatch order, each with its outcome once it is back. */
  private readonly sent: Array<{ pending: Pending; outcome: EvaluationOutcome | null }> = [];
  private wake: (() => void) | null = null;

  constructor(private readonly batchSize: number) {}

  add(p: Pending, outcome: EvaluationOutcome | Promise<EvaluationOutcome>): void {
    const slot: { pending: Pending; outcome: EvaluationOutcome | null } = { pending: p, outcome: null };
    this.sent.push(slot);
    if (!(outcome instanceof Promise)) {
      slot.outcome = outcome;
      return;
    }
    void outcome.then((landed) => {
      slot.outcome = landed;
      this.wake?.();
    });
  }

  whenReady(): Promise<void> | null {
    return this.oldestLanded() ? null : this.waitForOldest();
  }

  /** Waits for the whole oldest batch: landing only at batch ends keeps the trajectory fixed. */
  private async waitForOldest(): Promise<void> {
    do await new Promise<void>((resolve) => (this.wake = resolve));
    while (!this.oldestLanded());
  }

  landReady(land: Land): void {
    this.wake = null;
    if (!this.oldestLanded()) return;
    for (const slot of this.sent.splice(0, Math.min(this.batchSize, this.sent.length))) land(slot.pending, slot.outcome!);
  }

  /** Whether the oldest batch (or what there is of it) is all back; false with nothing sent. */
  private oldestLanded(): boolean {
    if (this.sent.length === 0) return false;
    const n = Math.min(this.batchSize, this.sent.length);
    for (let k = 0; k < n; k++) if (this.sent[k].outcome === null) return false;
    return true;
  }
}
