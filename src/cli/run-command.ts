import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperimentFile } from '../experiment/load-experiment.js';
import type { ExperimentInput } from '../experiment/schema.js';
import type { SearchEvent } from '../record/events.js';
import { resolveSearch, runResolvedSearch, type ResolvedSearch } from '../search/run-search.js';
import { CliError } from './cli-error.js';
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
}

function defaultOutDir(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return join('runs', `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp}`);
}

/** Command-line flags that override the experiment file. */
export function flagOverrides(options: Pick<RunCommandOptions, 'seed' | 'workers' | 'batchSize' | 'maxEvals' | 'backend'> & { cache?: boolean }): Partial<ExperimentInput> {
  return {
    domainOptions: options.backend === undefined ? undefined : { backend: options.backend },
    seed: options.seed,
    workers: options.workers,
    batchSize: options.batchSize,
    budget: options.maxEvals === undefined ? undefined : { maxEvaluations: options.maxEvals },
    cache: options.cache === false ? { enabled: false } : undefined,
  };
}

/** Exit code of a run in which more than --max-failed-share of the evaluations failed. */
export const EXIT_TOO_MANY_FAILURES = 4;

/**
 * Runs (or resumes) a resolved search with the progress line, Ctrl-C handling and the
 * printed summary; returns the exit code (0, or 4 when too many evaluations failed).
 */
export async function executeRun(resolved: ResolvedSearch, outDir: string, options: Pick<RunCommandOptions, 'progress' | 'json' | 'maxFailedShare'>, resumeFrom?: SearchEvent[]): Promise<number> {
  const { experiment, domain, mantissaBits } = resolved;
  process.stderr.write(
    `deja: ${resumeFrom ? `resuming ${experiment.name} after ${resumeFrom.length} proposals` : experiment.name}: domain ${domain.name} v${domain.version}, ${experiment.search.algorithm}, seed ${experiment.seed}, ` +
      `${experiment.workers === 0 ? 'inline evaluation' : `${experiment.workers} worker${experiment.workers === 1 ? '' : 's'}${experiment.batchSize > 1 ? ` (batches of ${experiment.batchSize})` : ''}`}, ` +
      `cache ${experiment.cache.enabled ? `on (${mantissaBits} mantissa bits)` : 'off'} -> ${outDir}\n`,
  );
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ndeja: interrupted; finishing the run record (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = options.progress ? createProgressLine(experiment.budget, resolved.maxProposals) : undefined;
  try {
    const failures = createFailureLog();
    const summary = await runResolvedSearch(resolved, { outDir, signal: controller.signal, onProgress: progress?.update, onEvent: failures.onEvent, resumeFrom });
    progress?.stop();
    process.stdout.write(options.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary, outDir) + '\n');
    const warning = failedShareWarning(summary, options.maxFailedShare, failures.describe());
    if (warning) process.stderr.write(`${warning}\n`);
    return warning ? EXIT_TOO_MANY_FAILURES : 0;
  } finally {
    progress?.stop();
    process.off('SIGINT', onSigint);
  }
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const experiment = loadExperimentFile(file, flagOverrides(options));
  const outDir = options.out ?? defaultOutDir(experiment.name);
  if (existsSync(join(outDir, 'events.jsonl')) && !options.force) {
    throw new CliError(`--out: ${outDir} already holds a run; continue it with \`deja resume ${outDir}\`, choose another folder, or pass --force to overwrite it`);
  }
  return executeRun(await resolveSearch(experiment), outDir, options);
}
