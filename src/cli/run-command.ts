import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperimentFile } from '../experiment/load-experiment.js';
import type { ExperimentInput } from '../experiment/schema.js';
import { resolveSearch, runResolvedSearch } from '../search/run-search.js';
import { CliError } from './cli-error.js';
import { formatSummary } from './format.js';
import { createProgressLine } from './progress.js';

export interface RunCommandOptions {
  out?: string;
  seed?: number;
  workers?: number;
  maxEvals?: number;
  cache: boolean;
  progress: boolean;
  json?: boolean;
  force?: boolean;
}

function defaultOutDir(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return join('runs', `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp}`);
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<void> {
  const overrides: Partial<ExperimentInput> = {
    seed: options.seed,
    workers: options.workers,
    budget: options.maxEvals === undefined ? undefined : { maxEvaluations: options.maxEvals },
    cache: options.cache ? undefined : { enabled: false },
  };
  const experiment = loadExperimentFile(file, overrides);
  const outDir = options.out ?? defaultOutDir(experiment.name);
  if (existsSync(join(outDir, 'events.jsonl')) && !options.force) {
    throw new CliError(`--out: ${outDir} already holds a run; choose another folder or pass --force to overwrite it`);
  }
  const resolved = await resolveSearch(experiment);
  const { domain, mantissaBits } = resolved;
  process.stderr.write(
    `deja: ${experiment.name}: domain ${domain.name} v${domain.version}, ${experiment.search.algorithm}, seed ${experiment.seed}, ` +
      `${experiment.workers === 0 ? 'inline evaluation' : `${experiment.workers} worker${experiment.workers === 1 ? '' : 's'}`}, ` +
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
    const summary = await runResolvedSearch(resolved, { outDir, signal: controller.signal, onProgress: progress?.update });
    progress?.stop();
    process.stdout.write(options.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary, outDir) + '\n');
  } finally {
    progress?.stop();
    process.off('SIGINT', onSigint);
  }
}
