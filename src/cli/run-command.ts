import { existsSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultStoreKind } from '../cache/cache-location.js';
import { loadExperimentFile } from '../experiment/load-experiment.js';
import type { ExperimentInput } from '../experiment/schema.js';
import type { RestoredRun } from '../record/restore-run.js';
import { checkRunFolder, makeFolder } from '../record/run-folder.js';
import { resolveSearch, runResolvedSearch, type ResolvedSearch } from '../search/run-search.js';
import { checkRedisUrl, isRedisUrl, redactRedisUrl } from '../redis/connection.js';
import { checkQueueName, DEFAULT_QUEUE } from '../workers/evaluation-queue.js';
import { errorMessage } from '../workers/evaluation-task.js';
import type { Evaluator } from '../workers/evaluator.js';
import { CliError } from './cli-error.js';
import { EXIT, SIGNAL_EXIT } from './exit-codes.js';
import { createFailureLog, failedShareWarning } from './failed-share.js';
import { formatSummary } from './format.js';
import { createProgressLine } from './progress.js';

export interface RunCommandOptions {
  out?: string;
  seed?: number;
  workers?: number;
  batchSize?: number;
  maxEvals?: number;
  cache: boolean;
  progress: boolean;
  json?: boolean;
  force?: boolean;
  backend?: string;
  /** Exit 4 (after a loud warning) when more than this share of evaluations failed. */
  maxFailedShare: number;
  verbose?: boolean;
  cacheStore?: string;
  cacheDb?: string;
  /** Send evaluations to `deja worker`s through this Redis (redis:// or rediss:// URL), and share the cache there. */
  redis?: string;
  queue?: string;
}

function defaultOutDir(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return join('runs', `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp}`);
}

/** Command-line flags that override the experiment file. */
export function flagOverrides(options: Pick<RunCommandOptions, 'seed' | 'workers' | 'batchSize' | 'maxEvals' | 'backend' | 'cacheStore' | 'cacheDb'> & { cache?: boolean }): Partial<ExperimentInput> {
  const store = options.cacheDb ?? options.cacheStore;
  return {
    domainOptions: options.backend === undefined ? undefined : { backend: options.backend },
    seed: options.seed,
    workers: options.workers,
    batchSize: options.batchSize,
    budget: options.maxEvals === undefined ? undefined : { maxEvaluations: options.maxEvals },
    cache: options.cache === false ? { enabled: false } : store !== undefined ? { store } : undefined,
  };
}

/** Where evaluations run, in words, for the first line of a run. */
function describeEvaluation(experiment: ResolvedSearch['experiment'], options: Pick<RunCommandOptions, 'redis' | 'queue'>): string {
  if (options.redis) return `evaluations on queue ${options.queue ?? DEFAULT_QUEUE} at ${redactRedisUrl(options.redis)} (${Math.max(1, experiment.workers)} in flight)`;
  if (experiment.workers === 0) return 'inline evaluation';
  return `${experiment.workers} worker${experiment.workers === 1 ? '' : 's'}${experiment.batchSize > 1 ? ` (batches of ${experiment.batchSize})` : ''}`;
}

/** A store spec for messages: a Redis URL without its password. */
function describeStore(spec: string): string {
  return isRedisUrl(spec) ? redactRedisUrl(spec) : spec;
}

/** The queue evaluator of `--redis`, connected; undefined without the flag. */
async function remoteEvaluator(options: Pick<RunCommandOptions, 'redis' | 'queue'>): Promise<Evaluator | undefined> {
  if (options.redis === undefined) return undefined;
  const problem = checkRedisUrl(options.redis) ?? checkQueueName(options.queue ?? DEFAULT_QUEUE);
  if (problem) throw new CliError(problem);
  try {
    // Loaded here: BullMQ and ioredis cost a run that does not use them ~0.4 CPU-s of start-up.
    const { QueueEvaluator } = await import('../workers/queue-evaluator.js');
    return await QueueEvaluator.connect({ url: options.redis, queue: options.queue, onNotice: (line) => process.stderr.write(`deja: ${line}\n`) });
  } catch (error) {
    throw new CliError(`--redis: ${errorMessage(error)}`);
  }
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * SIGINT, SIGTERM and SIGHUP all stop a run the same way: stop proposing, settle or
 * cancel what is in flight, write summary.json. A second signal exits at once (the
 * recorder's exit hook still flushes what settled). Returns the detach function and
 * the signal that stopped the run, if any.
 */
function stopOnSignals(controller: AbortController): { detach: () => void; received: () => string | null } {
  let received: string | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received !== null) process.exit(SIGNAL_EXIT[signal] ?? EXIT.sigint);
    received = signal;
    process.stderr.write(`\ndeja: ${signal === 'SIGINT' ? 'interrupted' : `received ${signal}`}; finishing the run record (send it again to quit at once)\n`);
    controller.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return { detach: () => STOP_SIGNALS.forEach((signal) => process.off(signal, onSignal)), received: () => received };
}

/**
 * Runs (or resumes) a resolved search with the progress line, signal handling and the
 * printed summary; returns the exit code: 0, 128 + the signal that interrupted it, or 4
 * when more than --max-failed-share of the evaluations failed.
 */
export async function executeRun(resolved: ResolvedSearch, outDir: string, options: Pick<RunCommandOptions, 'progress' | 'json' | 'force' | 'maxFailedShare' | 'redis' | 'queue'>, restored?: RestoredRun, cacheRunUid?: string): Promise<number> {
  const { experiment, domain, mantissaBits } = resolved;
  const evaluator = await remoteEvaluator(options);
  const defaultStore = options.redis ?? defaultStoreKind();
  process.stderr.write(
    `deja: ${restored ? `resuming ${experiment.name} after ${restored.nextId} proposals` : experiment.name}: domain ${domain.name} v${domain.version}, ${experiment.search.algorithm}, seed ${experiment.seed}, ` +
      `${describeEvaluation(experiment, options)}, ` +
      `cache ${experiment.cache.enabled ? `on (${mantissaBits} mantissa bits, ${describeStore(experiment.cache.store ?? defaultStore)} store)` : 'off'} -> ${outDir}\n`,
  );
  if (experiment.workers === 0 && evaluator === undefined) {
    process.stderr.write('deja: inline evaluation: a synchronous hang in domain code cannot be timed out or interrupted here; use --workers 1 or more for that\n');
  }
  const controller = new AbortController();
  const signals = stopOnSignals(controller);
  const progress = options.progress ? createProgressLine(experiment.budget, resolved.maxProposals) : undefined;
  try {
    const failures = createFailureLog();
    // The command line keeps the cache between runs unless told otherwise (--cache-store memory);
    // with --redis, in that Redis, shared by every run that uses it.
    const summary = await runResolvedSearch(resolved, {
      outDir, signal: controller.signal, onProgress: progress?.update, onEvent: failures.onEvent, restored, replace: options.force, evaluator, defaultCacheStore: defaultStore, cacheRunUid,
    });
    progress?.stop();
    process.stdout.write(options.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary, outDir) + '\n');
    const warning = failedShareWarning(summary, options.maxFailedShare, failures.describe());
    if (warning) process.stderr.write(`${warning}\n`);
    const signal = signals.received();
    if (signal !== null) return SIGNAL_EXIT[signal];
    return warning ? EXIT.tooManyFailures : EXIT.ok;
  } finally {
    progress?.stop();
    signals.detach();
    await evaluator?.close(); // the run closes it too; this covers a run that failed before starting
  }
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const experiment = loadExperimentFile(file, flagOverrides(options));
  const outDir = options.out ?? defaultOutDir(experiment.name);
  // Checked again under the folder's lock when the run starts; here it fails before any domain loads.
  checkRunFolder(outDir, options.force ? 'replace' : 'new');
  // Made now, so a folder that cannot be made (read-only, too long, under a file) fails in one line.
  const made = !existsSync(outDir);
  makeFolder(outDir);
  try {
    return await executeRun(await resolveSearch(experiment), outDir, options);
  } catch (error) {
    if (made) {
      try {
        rmdirSync(outDir); // only an empty folder: once the run wrote files, they stay
      } catch {
        // it holds the run's files
      }
    }
    throw error;
  }
}
