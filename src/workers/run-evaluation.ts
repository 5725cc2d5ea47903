import { performance } from 'node:perf_hooks';
import type { Domain } from '../domain/domain.js';
import { createRng } from '../random/rng.js';
import { checkEvalResult, errorMessage, type EvaluationOutcome } from './evaluation-task.js';

/** Runs one evaluation of a loaded domain, turning every way it can go wrong into an outcome. */
export async function runEvaluation(domain: Domain, candidate: unknown, seed: number, signal: AbortSignal): Promise<EvaluationOutcome> {
  const started = performance.now();
  try {
    const result = await domain.evaluate(candidate, { seed, rng: createRng(seed), signal });
    return checkEvalResult(result, performance.now() - started);
  } catch (error) {
    return { ok: false, kind: 'error', error: errorMessage(error), wallMs: performance.now() - started };
  }
}
