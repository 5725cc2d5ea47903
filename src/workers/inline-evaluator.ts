/**
 * Evaluates in the calling thread: no thread hop, so the cheapest route for
 * fast domains and the simplest to debug. A timeout here can only stop waiting
 * for an async evaluation (and abort its signal); synchronous code runs to its end.
 *
 * Per-evaluation machinery is kept small because cheap domains (AutoML-Zero)
 * run tens of thousands of evaluations a second (see run-evaluation.ts).
 */
import { performance } from 'node:perf_hooks';
import type { Domain } from '../domain/domain.js';
import type { EvaluationOutcome, EvaluationTask } from './evaluation-task.js';
import type { Evaluator } from './evaluator.js';
import { LazyContext, startEvaluation } from './run-evaluation.js';

export class InlineEvaluator implements Evaluator {
  private readonly running = new Set<() => void>();

  constructor(private readonly domain: Domain) {}

  evaluate(task: EvaluationTask, timeoutMs: number): EvaluationOutcome | Promise<EvaluationOutcome> {
    const ctx = new LazyContext(task.seed);
    const started = performance.now();
    const outcome = startEvaluation(this.domain, task.candidate, ctx);
    // A synchronous evaluation is already over: no timer, no promise.
    if (!(outcome instanceof Promise)) return outcome;
    return new Promise((resolve) => {
      // Called again after the first (a timeout or cancel, then the evaluation's end), each step is a no-op.
      const finish = (result: EvaluationOutcome) => {
        clearTimeout(timer);
        this.running.delete(cancel);
        resolve(result);
      };
      const cancel = () => {
        ctx.abort();
        finish({ ok: false, kind: 'cancelled', error: 'evaluation cancelled', wallMs: performance.now() - started });
      };
      const timer = setTimeout(() => {
        ctx.abort();
        finish({ ok: false, kind: 'timeout', error: `evaluation exceeded ${timeoutMs / 1000} s`, wallMs: timeoutMs });
      }, timeoutMs);
      this.running.add(cancel);
      void outcome.then(finish);
    });
  }

  cancelAll(): void {
    for (const cancel of [...this.running]) cancel();
  }

  async close(): Promise<void> {
    this.cancelAll();
  }
}
