import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBuiltinDomain } from '../domain/builtin.js';
import { mergeOverrides, parseExperiment } from '../experiment/load-experiment.js';
import { HASH_FORMAT_VERSION } from '../hash/functional-hash.js';
import { DIGEST_FIELD, verifyDigest } from '../record/config-digest.js';
import { readCheckpoint } from '../record/checkpoint.js';
import { readEventLog } from '../record/event-log.js';
import { settleBadLines } from '../record/repair-log.js';
import { RunRestorer } from '../record/restore-run.js';
import { acquireRunLock, checkRunFolder } from '../record/run-folder.js';
import { resolveSearch } from '../search/run-search.js';
import type { ExperimentInput } from '../experiment/schema.js';
import { isRedisUrl } from '../redis/connection.js';
import { CliError } from './cli-error.js';
import { executeRun, flagOverrides, type RunCommandOptions } from './run-command.js';

/** Fields run-search adds to config.json next to the experiment itself. */
interface RecordedConfig extends Record<string, unknown> {
  domainName?: string;
  domainVersion?: string;
  probeKey?: string;
  hashFormat?: number;
  node?: string;
  resolvedMaxProposals?: number | null;
  cacheRecord?: { runUid?: string };
}

export interface ResumeCommandOptions extends Pick<RunCommandOptions, 'workers' | 'batchSize' | 'maxEvals' | 'progress' | 'json' | 'maxFailedShare' | 'redis' | 'queue' | 'cacheStore' | 'cacheDb'> {
  /** Drop corrupt lines in the middle of events.jsonl instead of refusing. */
  repair?: boolean;
  /** Run the domain module named in config.json (a run folder is data, not a program). */
  trustDomain?: boolean;
}

const notice = (line: string) => process.stderr.write(`deja: ${line}\n`);

/**
 * A run that shared its cache through Redis recorded the URL without its
 * password: it continues on the Redis named by --redis, which must be given.
 */
function sharedStore(dir: string, recorded: Record<string, unknown>, redis: string | undefined): Partial<ExperimentInput> {
  const store = (recorded.cache as { store?: unknown } | undefined)?.store;
  if (typeof store !== 'string' || !isRedisUrl(store)) return {};
  if (redis === undefined) throw new CliError(`resume: ${dir} shared its cache through Redis (${store}); pass --redis URL to continue there`);
  return { cache: { store: redis } };
}

/** config.json as `deja run` wrote it: valid JSON, an object, and unedited (its digest matches). */
export function readRecordedConfig(dir: string): RecordedConfig {
  const path = join(dir, 'config.json');
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${path}: not valid JSON (${(error as Error).message}); restore the file deja wrote`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new CliError(`${path}: expected the JSON object deja wrote`);
  const digest = verifyDigest(config as Record<string, unknown>);
  if (digest === 'mismatch') {
    throw new CliError(`${path}: edited after the run started (its digest no longer matches), so its cache and events belong to another setup; start a new run with the changed experiment instead`);
  }
  if (digest === 'missing') notice(`${path} has no digest (written by an older deja); edits cannot be detected`);
  return config as RecordedConfig;
}

/** Continues a run folder: same experiment, same cache and population, budgets counted over both parts. */
export async function resumeCommand(dir: string, options: ResumeCommandOptions): Promise<number> {
  const eventsPath = join(dir, 'events.jsonl');
  if (!existsSync(join(dir, 'config.json')) || !existsSync(eventsPath)) throw new CliError(`resume: ${dir} has no config.json and events.jsonl; give a folder \`deja run\` wrote`);
  checkRunFolder(dir, 'append');
  // Taken before anything is read or repaired; the recorder takes it again (same process).
  const release = acquireRunLock(dir);
  try {
    const { domainName, domainVersion, probeKey, hashFormat, node: _node, resolvedMaxProposals: _derived, cacheRecord, [DIGEST_FIELD]: _digest, ...recorded } = readRecordedConfig(dir);
    const experiment = parseExperiment(mergeOverrides(recorded, { ...flagOverrides(options), ...sharedStore(dir, recorded, options.redis) }), join(dir, 'config.json'));
    if (!findBuiltinDomain(experiment.domain) && !options.trustDomain) {
      throw new CliError(`resume: ${dir}/config.json names domain code (${experiment.domain}); a run folder is data, not a program: pass --trust-domain to run that module`);
    }
    // A run without candidates resumes from its checkpoint (population, best) plus the events.
    const checkpoint = experiment.record.candidates ? null : readCheckpoint(dir);
    if (!experiment.record.candidates && checkpoint === null) {
      throw new CliError(`resume: ${dir} was recorded without candidates (record.candidates: false) and has no checkpoint.json, so its population cannot be rebuilt`);
    }
    const restorer = new RunRestorer({ keep: experiment.search.populationSize, capacity: experiment.cache.capacity, checkpoint: checkpoint ?? undefined });
    let withoutCandidates = 0;
    const report = await readEventLog(eventsPath, (e) => {
      if (e.candidate === undefined) withoutCandidates++;
      restorer.add(e);
    });
    if (withoutCandidates > 0 && checkpoint === null) {
      throw new CliError(`resume: ${dir} has events without candidates and no checkpoint.json, so its population cannot be rebuilt`);
    }
    const resolved = await resolveSearch(experiment);
    const { domain } = resolved;
    if (domain.name !== domainName || domain.version !== domainVersion || (domain.probeKey ?? '') !== probeKey || hashFormat !== HASH_FORMAT_VERSION) {
      throw new CliError(`resume: ${dir} was hashed by ${domainName} v${domainVersion} (hash format ${hashFormat}); this deja has ${domain.name} v${domain.version} (hash format ${HASH_FORMAT_VERSION}), so its cache keys would not match`);
    }
    await settleBadLines(eventsPath, report, options.repair === true, notice);
    return await executeRun(resolved, dir, options, restorer.result(), cacheRecord?.runUid);
  } finally {
    release();
  }
}
