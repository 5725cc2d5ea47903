import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeOverrides, parseExperiment } from '../experiment/load-experiment.js';
import { HASH_FORMAT_VERSION } from '../hash/functional-hash.js';
import { readEvents } from '../record/run-stats.js';
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

/** Continues a run folder: same experiment, same cache and population, budgets counted over both parts. */
export async function resumeCommand(dir: string, options: Pick<RunCommandOptions, 'workers' | 'batchSize' | 'maxEvals' | 'progress' | 'json' | 'redis' | 'queue'>): Promise<number> {
  const configPath = join(dir, 'config.json');
  const eventsPath = join(dir, 'events.jsonl');
  if (!existsSync(configPath) || !existsSync(eventsPath)) throw new CliError(`resume: ${dir} has no config.json and events.jsonl; give a folder \`deja run\` wrote`);
  const { domainName, domainVersion, probeKey, hashFormat, node: _node, resolvedMaxProposals: _derived, cacheRecord, ...recorded } = JSON.parse(readFileSync(configPath, 'utf8')) as RecordedConfig;
  const experiment = parseExperiment(mergeOverrides(recorded, { ...flagOverrides(options), ...sharedStore(dir, recorded, options.redis) }), configPath);
  const events = readEvents(eventsPath);
  if (events.some((e) => e.candidate === undefined)) {
    throw new CliError(`resume: ${dir} was recorded without candidates (record.candidates: false), so its population cannot be rebuilt`);
  }
  const resolved = await resolveSearch(experiment);
  const { domain } = resolved;
  if (domain.name !== domainName || domain.version !== domainVersion || (domain.probeKey ?? '') !== probeKey || hashFormat !== HASH_FORMAT_VERSION) {
    throw new CliError(`resume: ${dir} was hashed by ${domainName} v${domainVersion} (hash format ${hashFormat}); this deja has ${domain.name} v${domain.version} (hash format ${HASH_FORMAT_VERSION}), so its cache keys would not match`);
  }
  return executeRun(resolved, dir, options, events, cacheRecord?.runUid);
}
