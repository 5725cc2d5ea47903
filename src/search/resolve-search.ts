/** From a search config to what the engine runs: a validated experiment and its loaded domain. */
import { defineDomain, type Domain } from '../domain/domain.js';
import { loadDomain, resolveDomainSpec } from '../domain/load-domain.js';
import { ExperimentError, parseExperiment } from '../experiment/load-experiment.js';
import type { Experiment, ExperimentInput } from '../experiment/schema.js';
import { DEFAULT_MANTISSA_BITS } from '../hash/quantize.js';
import type { DomainRef } from '../workers/evaluation-task.js';

/** An experiment, where `domain` may also be a domain object (evaluated inline only). */
// biome-ignore lint/suspicious/noExplicitAny: Domain<C> is invariant in C, so only any accepts a domain of every candidate type
export type SearchConfig = Omit<ExperimentInput, 'domain'> & { domain: string | Domain<any> };

export interface ResolvedSearch {
  experiment: Experiment;
  domain: Domain;
  domainRef: DomainRef;
  mantissaBits: number;
  maxProposals: number;
}

/** Proposals allowed per evaluation when only an evaluation budget is set. */
const DEFAULT_PROPOSALS_PER_EVALUATION = 100;

/** Validates a search config and loads its domain. */
export async function resolveSearch(config: SearchConfig, baseDir = process.cwd()): Promise<ResolvedSearch> {
  const domainObject = typeof config.domain === 'string' ? undefined : config.domain;
  const experiment = parseExperiment({ ...config, domain: domainObject ? domainObject.name ?? 'custom' : config.domain });
  let domain: Domain;
  let domainRef: DomainRef;
  if (domainObject) {
    if (experiment.workers > 0) {
      throw new ExperimentError('workers: a domain given as an object can only be evaluated inline (workers: 0); pass its module path as `domain` to use worker threads');
    }
    domain = defineDomain(domainObject);
    domainRef = { spec: `<object ${domain.name}>`, options: experiment.domainOptions };
  } else {
    domainRef = { spec: resolveDomainSpec(experiment.domain, baseDir), options: experiment.domainOptions };
    experiment.domain = domainRef.spec;
    domain = await loadDomain(domainRef);
  }
  const b = experiment.budget;
  const maxProposals = b.maxProposals ?? (b.maxEvaluations !== undefined && b.maxWallSeconds === undefined && b.maxCost === undefined
    ? b.maxEvaluations * DEFAULT_PROPOSALS_PER_EVALUATION
    : Number.POSITIVE_INFINITY);
  const mantissaBits = experiment.cache.mantissaBits ?? domain.mantissaBits ?? DEFAULT_MANTISSA_BITS;
  return { experiment, domain, domainRef, mantissaBits, maxProposals };
}
