/**
 * Evaluates in the calling thread: no thread hop, so the cheapest route for
 * fast domains and the simplest to debug. A timeout here can only stop waiting
 * for an async evaluation (and abort its signal); synchronous code runs to its end.
 *
 * Per-evaluation machinery is kept small because cheap domains (AutoML-Zero)
 * run tens of thousands of evaluations a second: the AbortController behind
 * `ctx.signal` is only made if the domain reads it.
 */
import { performance } from 'node:perf_hooks';
import type { Domain, EvalContext, EvalResult } from '../domain/domain.js';
import { createRng, type Rng } from '../random/rng.js';
import { checkEvalResult, errorMessage, type EvaluationOutcome, type EvaluationTask } from './evaluation-task.js';
import type { Evaluator } from './evaluator.js';

/** An evaluation context whose generator and abort signal are created on first use. */
class LazyContext implements EvalContext {
  private controller: AbortController | undefined;
  private generator: Rng | undefined;

  constructor(readonly seed: number) {}

  get rng(): Rng {
    this.generator ??= createRng(this.seed);
    return this.generator;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  abort(): void {
    this.controller?.abort();
  }
}

export class InlineEvaluator implements Evaluator {
  private readonly running = new Set<() => void>();

  constructor(private readonly domain: Domain) {}

  evaluate(task: EvaluationTask, timeoutMs: number): EvaluationOutcome | Promise<EvaluationOutcome> {
    const ctx = new LazyContext(task.seed);
    const started = performance.now();
    let result: EvalResult | Promise<EvalResult>;
    try {
      result = this.domain.evaluate(task.candidate, ctx);
    } catch (error) {
      return { ok: false, kind: 'error', error: errorMessage(error), wallMs: performance.now() - started };
    }
    // A synchronous evaluation is already over: no timer, no promise.
    if (!(result instanceof Promise)) return checkEvalResult(result, performance.now() - started);
    return new Promise((resolve) => {
      let done = false;
      const finish = (outcome: EvaluationOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.running.delete(cancel);
        resolve(outcome);
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
      result.then(
        (value) => finish(checkEvalResult(value, performance.now() - started)),
        (error: unknown) => finish({ ok: false, kind: 'error', error: errorMessage(error), wallMs: performance.now() - started }),
      );
    });
  }

  cancelAll(): void {
    for (const cancel of [...this.running]) cancel();
  }

  async close(): Promise<void> {
    this.cancelAll();
  }
}
