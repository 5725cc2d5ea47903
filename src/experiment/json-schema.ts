/**
 * The experiment file as a JSON Schema, generated from the zod schema (zod 4's
 * `z.toJSONSchema`) so editors can complete and check experiment files with
 * the same rules the loader applies. The build writes it to
 * schema/experiment.schema.json; experiment files point at it with `$schema`.
 */
import { z } from 'zod';
import { ExperimentSchema } from './schema.js';

/** Editor hover texts, by field path; kept here so schema.ts stays a plain list of rules. */
const DESCRIPTIONS: Record<string, string> = {
  $schema: 'Path or URL of this JSON Schema, for editors; ignored by deja.',
  name: 'Names the default run folder runs/<name>-<time>.',
  description: 'Free text about the experiment.',
  domain: 'A built-in domain name (`deja domains`) or a path to a domain module, relative to this file.',
  domainOptions: "Passed to the domain's factory and validated by the domain.",
  search: 'The searcher.',
  'search.algorithm': 'regularized-evolution (aging), elitism, or random.',
  'search.populationSize': 'Individuals kept by the searcher.',
  'search.tournamentSize': 'Individuals drawn per tournament.',
  'search.maxMutationTries': 'Mutate/random retries until the domain validates a candidate.',
  budget: 'When to stop; set at least one of maxEvaluations, maxProposals, maxWallSeconds, maxCost.',
  'budget.maxEvaluations': 'Real evaluations (cache misses and partial hits), failed ones included.',
  'budget.maxProposals': 'Proposals, cache hits included; defaults to 100 x maxEvaluations when that is the only budget.',
  'budget.maxWallSeconds': 'Wall-clock seconds.',
  'budget.maxCost': "Summed evaluation cost, in the domain's unit (wall seconds unless the domain reports its own).",
  'budget.targetFitness': 'Stop as soon as a fitness at least this high is found.',
  cache: 'The functional equivalence cache.',
  'cache.enabled': 'Off: every proposal is evaluated and nothing is probed (the baseline).',
  'cache.capacity': 'LRU entries.',
  'cache.maxEvalsPerHash': 'More than 1: aggregating cache (partial hits, running mean).',
  'cache.forgetProbability': 'Forgetful cache: drop a key after a full hit with this probability.',
  'cache.mantissaBits': "Mantissa bits kept before hashing; the domain's default, else 24.",
  record: 'What the run folder records.',
  'record.candidates': 'Write each candidate into events.jsonl (needed by resume and by stats to show class members).',
  workers: "Evaluation threads (default: the machine's cores); 0 evaluates inline.",
  batchSize: 'Evaluations per message to a worker; raise it for domains that evaluate in well under a millisecond.',
  seed: 'Run seed: same seed and settings, same hashes (and, with one worker or with batches, the same trajectory).',
  evalTimeoutSeconds: 'Per evaluation, from the moment it starts in its worker; a timeout counts as a failed evaluation.',
};

/** Depends on the machine, so the schema names no number. */
const MACHINE_DEFAULTS = new Set(['workers']);

/** The budget's zod refinement ("at least one limit"), which toJSONSchema cannot see. */
const BUDGET_LIMIT = { anyOf: ['maxEvaluations', 'maxProposals', 'maxWallSeconds', 'maxCost'].map((key) => ({ required: [key] })) };

export function experimentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ExperimentSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  annotate(schema, '');
  return { ...schema, title: 'deja experiment' };
}

function annotate(node: Record<string, unknown>, path: string): void {
  const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [key, child] of Object.entries(properties ?? {})) {
    const childPath = path ? `${path}.${key}` : key;
    if (DESCRIPTIONS[childPath] !== undefined) child.description = DESCRIPTIONS[childPath];
    if (MACHINE_DEFAULTS.has(childPath)) delete child.default;
    if (childPath === 'budget') Object.assign(child, BUDGET_LIMIT);
    annotate(child, childPath);
  }
}
