/**
 * Piscina worker entry: loads the task's domain once per thread and evaluates.
 * A timeout is enforced by the pool (it terminates this thread), so a spinning
 * evaluation cannot hold a worker forever.
 */
import type { Domain } from '../domain/domain.js';
import { loadDomain } from '../domain/load-domain.js';
import type { DomainRef, EvaluationBatch, EvaluationOutcome, EvaluationTask } from './evaluation-task.js';
import { LazyContext, startEvaluation } from './run-evaluation.js';

const domains = new Map<string, Promise<Domain>>();

function domainFor(ref: DomainRef): Promise<Domain> {
  const key = JSON.stringify(ref);
  let domain = domains.get(key);
  if (!domain) {
    domain = loadDomain(ref);
    domains.set(key, domain);
  }
  return domain;
}

export default async function evaluateTask(task: EvaluationTask): Promise<EvaluationOutcome> {
  const domain = await domainFor(task.domain);
  if (task.started) Atomics.store(task.started, 0, 1);
  return startEvaluation(domain, task.candidate, new LazyContext(task.seed));
}

/** Evaluates a batch in order; see EvaluationBatch. */
export async function evaluateBatch(batch: EvaluationBatch): Promise<EvaluationOutcome[]> {
  Atomics.store(batch.progress, 0, -1);
  const domain = await domainFor(batch.domain);
  const outcomes: EvaluationOutcome[] = [];
  for (let i = 0; i < batch.items.length; i++) {
    Atomics.store(batch.progress, 0, i + 1);
    const outcome = startEvaluation(domain, batch.items[i].candidate, new LazyContext(batch.items[i].seed));
    outcomes.push(outcome instanceof Promise ? await outcome : outcome);
  }
  return outcomes;
}
