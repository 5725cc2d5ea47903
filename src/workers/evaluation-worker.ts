/**
 * Piscina worker entry: loads the task's domain once per thread and evaluates.
 * A timeout is enforced by the pool (it terminates this thread), so a spinning
 * evaluation cannot hold a worker forever.
 */
import type { Domain } from '../domain/domain.js';
import { loadDomain } from '../domain/load-domain.js';
import type { DomainRef, EvaluationOutcome, EvaluationTask } from './evaluation-task.js';
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
