/**
 * The same experiment run twice with different seeds: evaluations the second
 * run pays with the persistent store (the first run's entries in the file) vs
 * the in-memory store, for a fixed number of proposals; and, with verification
 * on, the share of full hits whose own evaluation disagrees with the stored
 * fitness (false merges).
 * `npm run build && node dist/bench/cache-rerun.js EXPERIMENT.json PROPOSALS [VERIFY_PROBABILITY]`
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperimentFile } from '../src/experiment/load-experiment.js';
import type { ExperimentInput } from '../src/experiment/schema.js';
import { runSearch } from '../src/search/run-search.js';

const [file, proposalsArg, verifyArg] = process.argv.slice(2);
const proposals = Number(proposalsArg ?? 2000);
const verifyProbability = Number(verifyArg ?? 0.2);
const db = join(mkdtempSync(join(tmpdir(), 'deja-rerun-')), 'fec.db');

function experiment(seed: number, store: string, verify = 0): ExperimentInput {
  const base = loadExperimentFile(file);
  // Proposals only (no wall-clock or target stop), inline, so both runs see the same amount of search.
  return { ...base, seed, workers: 0, budget: { maxProposals: proposals }, cache: { ...base.cache, store, verifyProbability: verify } } as ExperimentInput;
}

const first = await runSearch(experiment(1, db));
const persistent = await runSearch(experiment(2, db, verifyProbability));
const memory = await runSearch(experiment(2, 'memory'));
const c = persistent.cache;
const row = {
  experiment: file,
  proposals,
  firstRunEvaluations: first.evaluations,
  secondRunEvaluations: { persistent: persistent.evaluations, memory: memory.evaluations },
  secondRunFromEarlier: c.fromOtherRuns,
  secondRunHitRate: { persistent: c.hitRate, memory: memory.cache.hitRate },
  verification: { probability: verifyProbability, verified: c.verified ?? 0, falseMerges: c.falseMerges ?? 0 },
  bestFitness: { persistent: persistent.best?.fitness ?? null, memory: memory.best?.fitness ?? null },
};
console.log(JSON.stringify(row));
