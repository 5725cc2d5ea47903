/**
 * One evaluation of a loaded domain, shared by the worker threads and the
 * inline evaluator: every way it can go wrong becomes an outcome. A synchronous
 * `evaluate` yields its outcome synchronously (no promise), which keeps cheap
 * domains (AutoML-Zero: tens of thousands of evaluations a second) cheap.
 */
import { performance } from 'node:perf_hooks';
import type { Domain, EvalContext, EvalResult } from '../domain/domain.js';
import { createRng, type Rng } from '../random/rng.js';
import { checkEvalResult, errorMessage, type EvaluationOutcome } from './evaluation-task.js';

/** An evaluation context whose generator and abort signal are created on first use. */
export class LazyContext implements EvalContext {
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
    // Made here if need be: an evaluation that first reads the signal after its timeout must see it aborted.
    this.controller ??= new AbortController();
    this.controller.abort();
  }
}

export function startEvaluation(domain: Domain, candidate: unknown, ctx: EvalContext): EvaluationOutcome | Promise<EvaluationOutcome> {
  const started = performance.now();
  const failed = (error: unknown): EvaluationOutcome => ({ ok: false, kind: 'error', error: errorMessage(error), wallMs: performance.now() - started });
  let result: EvalResult | Promise<EvalResult>;
  try {
    result = domain.evaluate(candidate, ctx);
  } catch (error) {
    return failed(error);
  }
  if (!(result instanceof Promise)) return checkEvalResult(result, performance.now() - started);
  return result.then((value) => checkEvalResult(value, performance.now() - started), failed);
}
