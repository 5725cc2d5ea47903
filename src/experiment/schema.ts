/**
 * The experiment file: what to search, how, and for how long. Validated with
 * zod; unknown keys are errors, because a typo silently ignored is a wasted run.
 */
import { availableParallelism, totalmem } from 'node:os';
import { z } from 'zod';
import { SEARCH_ALGORITHMS } from '../search/create-searcher.js';

/** setTimeout holds at most 2^31 - 1 ms; a longer delay silently becomes 1 ms. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** lru-cache preallocates its index for `max` entries, so a huge capacity is a huge allocation up front. */
export const MAX_CACHE_CAPACITY = 10_000_000;
/** Memory a worker thread takes with a loaded domain (tfjs, datasets), roughly: bounds `workers` by the machine. */
const WORKER_MEMORY_BYTES = 256 * 2 ** 20;

export function maxWorkersForMemory(total = totalmem()): number {
  return Math.max(1, Math.min(1024, Math.floor(total / WORKER_MEMORY_BYTES)));
}

export const SearchSchema = z.strictObject({
  algorithm: z.enum(SEARCH_ALGORITHMS).default('regularized-evolution'),
  populationSize: z.int().positive().default(100),
  tournamentSize: z.int().positive().default(10),
  maxMutationTries: z.int().positive().default(1000),
});

export const BudgetSchema = z
  .strictObject({
    maxEvaluations: z.int().positive().optional(),
    /** Proposals include cache hits; defaults to 100 x maxEvaluations so a converged search cannot spin forever on hits. */
    maxProposals: z.int().positive().optional(),
    maxWallSeconds: z.number().positive().optional(),
    /** Summed evaluation cost, in the domain's unit (wall seconds unless the domain reports its own). */
    maxCost: z.number().positive().optional(),
    /** Stop as soon as a fitness at least this high is found. */
    targetFitness: z.number().optional(),
  })
  .refine((b) => b.maxEvaluations !== undefined || b.maxProposals !== undefined || b.maxWallSeconds !== undefined || b.maxCost !== undefined, {
    message: 'set at least one of maxEvaluations, maxProposals, maxWallSeconds, maxCost',
  });

export const CacheSchema = z.strictObject({
  enabled: z.boolean().default(true),
  capacity: z.int().positive().max(MAX_CACHE_CAPACITY).default(100_000),
  maxEvalsPerHash: z.int().positive().default(1),
  forgetProbability: z.number().min(0).max(1).default(0),
  /** Mantissa bits kept before hashing; defaults to the domain's own choice, else 24. */
  mantissaBits: z.int().min(0).max(52).optional(),
  /** Probe the first 20 candidates, 1 in 50 up to the 10,000th and 1 in 1,000 after twice, and stop the run if a probe disagrees with itself. */
  recheckProbes: z.boolean().default(true),
  /**
   * Where entries live: "memory" (gone with the run), "persistent" (the user's cache
   * folder, shared by every run on the machine), or a database file path. Unset: the
   * command line uses "persistent", the library "memory".
   */
  store: z.string().min(1).optional(),
  /** Share of full hits evaluated anyway and compared with the stored fitness (false merges are counted). */
  verifyProbability: z.number().min(0).max(1).default(0),
});

export const RecordSchema = z.strictObject({
  /** Write each candidate into events.jsonl (turn off for very long runs of large candidates). */
  candidates: z.boolean().default(true),
  /**
   * Without candidates, checkpoint.json (population and best) is written this often
   * and at the end, so the run can be resumed.
   */
  checkpointSeconds: z.number().min(1).max(MAX_TIMEOUT_SECONDS).default(30),
});

export const ExperimentSchema = z.strictObject({
  /** The JSON Schema an editor checks the file against (schema/experiment.schema.json); ignored here. */
  $schema: z.string().optional(),
  name: z.string().min(1).default('experiment'),
  description: z.string().optional(),
  domain: z.string().min(1),
  domainOptions: z.record(z.string(), z.unknown()).default({}),
  search: SearchSchema.prefault({}),
  budget: BudgetSchema,
  cache: CacheSchema.prefault({}),
  record: RecordSchema.prefault({}),
  /** Evaluation threads; 0 evaluates inline in the main thread. */
  workers: z
    .int()
    .min(0)
    .refine((n) => n <= maxWorkersForMemory(), {
      error: (issue) => `${String(issue.input)} worker threads need about ${String(issue.input)} x 256 MiB; this machine has ${(totalmem() / 2 ** 30).toFixed(1)} GiB, so use at most ${maxWorkersForMemory()}`,
    })
    .default(() => Math.min(availableParallelism(), maxWorkersForMemory())),
  /**
   * Evaluations sent to a worker in one message. Raise it for cheap domains
   * (thousands of evaluations a second), where a message round trip costs more
   * than an evaluation; each evaluation keeps its own timeout. Unused inline.
   */
  batchSize: z.int().min(1).max(100_000).default(1),
  seed: z.int().min(0).max(2 ** 32 - 1).default(0),
  evalTimeoutSeconds: z
    .number()
    .positive()
    .max(MAX_TIMEOUT_SECONDS, { message: `at most ${MAX_TIMEOUT_SECONDS} s (about 24.8 days, what a Node.js timer can hold)` })
    .default(600),
});

export type ExperimentInput = z.input<typeof ExperimentSchema>;
export type Experiment = z.output<typeof ExperimentSchema>;
export type Budget = z.output<typeof BudgetSchema>;
export type CacheSettings = z.output<typeof CacheSchema>;

/** One line per problem: `search.populationSize: Too small: expected number to be >0`. */
export function formatSchemaError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      if (issue.code === 'unrecognized_keys') {
        return `${path}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
