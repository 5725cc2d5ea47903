/**
 * Evaluates in the calling thread: no thread hop, so the cheapest route for
 * fast domains and the simplest to debug. A timeout here can only stop waiting
 * for an async evaluation; synchronous code runs to its end.
 */
import type { Domain } from '../domain/domain.js';
import type { EvaluationOutcome, EvaluationTask } from './evaluation-task.js';
import type { Evaluator } from './evaluator.js';
import { runEvaluation } from './run-evaluation.js';

export class InlineEvaluator implements Evaluator {
  private readonly running = new Set<AbortController>();

  constructor(private readonly domain: Domain) {}

  async evaluate(task: EvaluationTask, timeoutMs: number): Promise<EvaluationOutcome> {
    const controller = new AbortController();
    this.running.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<EvaluationOutcome>((resolve) => {
      const onAbort = () => resolve({ ok: false, kind: 'cancelled', error: 'evaluation cancelled', wallMs: 0 });
      controller.signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => {
        controller.signal.removeEventListener('abort', onAbort);
        controller.abort();
        resolve({ ok: false, kind: 'timeout', error: `evaluation exceeded ${timeoutMs / 1000} s`, wallMs: timeoutMs });
      }, timeoutMs);
    });
    try {
      return await Promise.race([runEvaluation(this.domain, task.candidate, task.seed, controller.signal), stopped]);
    } finally {
      clearTimeout(timer);
      this.running.delete(controller);
    }
  }

  cancelAll(): void {
    for (const controller of this.running) controller.abort();
  }

  async close(): Promise<void> {
    this.cancelAll();
  }
}
