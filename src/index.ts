/** The deja library: run searches, define domains, hash candidates. */
export { runSearch, resolveSearch, runResolvedSearch, type SearchConfig, type RunOptions, type ProgressSnapshot } from './search/run-search.js';
export { defineDomain, DomainInputError, type Domain, type DomainFactory, type EvalContext, type EvalResult, type MetricValue } from './domain/domain.js';
export { loadDomain } from './domain/load-domain.js';
export { BUILTIN_DOMAINS } from './domain/builtin.js';
export { createRng, type Rng } from './random/rng.js';
export { createFunctionalHasher, type FunctionalHasher, type HashKeySpec } from './hash/functional-hash.js';
export { quantize, DEFAULT_MANTISSA_BITS } from './hash/quantize.js';
export { FunctionalEquivalenceCache, type FecOptions, type Lookup, type CacheEntry } from './cache/fec.js';
export type { CacheStore, Claim, StoredEntry } from './cache/cache-store.js';
export { MemoryStore } from './cache/memory-store.js';
export { loadExperimentFile, parseExperiment, ExperimentError } from './experiment/load-experiment.js';
export type { Experiment, ExperimentInput } from './experiment/schema.js';
export type { SearchEvent, CacheOutcome } from './record/events.js';
export type { RunSummary } from './record/summary.js';
export { computeRunStats, readEvents, type RunStats } from './record/run-stats.js';
