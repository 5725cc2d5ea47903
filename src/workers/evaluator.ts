/** Where evaluations run: a pool of worker threads, or inline in the calling thread. */
import type { EvaluationOutcome, EvaluationTask } from './evaluation-task.js';

export interface Evaluator {
  /**
   * Never rejects: failures, timeouts and crashes come back as `ok: false` outcomes.
   * May answer synchronously (an inline evaluation that is not async), which
   * spares cheap domains a promise round trip per candidate.
   */
  evaluate(task: EvaluationTask, timeoutMs: number): EvaluationOutcome | Promise<EvaluationOutcome>;
  /** Starts whatever is held back to fill a batch (called before the engine waits). */
  flush?(): void;
  /** Cancels every running evaluation (they resolve as `cancelled`). */
  cancelAll(): void;
  close(): Promise<void>;
}
