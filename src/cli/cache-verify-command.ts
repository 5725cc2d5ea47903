/**
 * `deja cache verify DIR`: evaluates a sample of a finished run's full hits
 * again and compares each with the fitness the cache answered, counting false
 * merges (two different functions under one hash) with the pair of candidates.
 * The offline twin of `cache.verifyProbability`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDomain } from '../domain/load-domain.js';
import { createRng, deriveSeed } from '../random/rng.js';
import { seededPermutation } from '../random/permutation.js';
import type { SearchEvent } from '../record/events.js';
import { readEvents } from '../record/run-stats.js';
import { DEFAULT_FITNESS_TOLERANCE, fitnessAgrees } from '../search/verify-stage.js';
import { InlineEvaluator } from '../workers/inline-evaluator.js';
import { CliError } from './cli-error.js';
import { integer, percent, truncate } from './format.js';

export interface CacheVerifyOptions {
  max: number;
  json?: boolean;
}

export interface FalseMerge {
  hash: string;
  id: number;
  stored: number;
  fresh: number;
  candidate: string;
  /** The candidate of this run whose evaluation made the entry; null when an earlier run made it. */
  madeBy: { id: number; candidate: string } | null;
}

export interface VerifyReport {
  checked: number;
  agreed: number;
  failed: number;
  falseMerges: FalseMerge[];
  tolerance: number;
}

/** Full hits with their candidate, in a seeded random order, at most `max`. */
function sampleHits(events: SearchEvent[], max: number, seed: number): SearchEvent[] {
  const hits = events.filter((e) => e.outcome === 'full-hit' && e.candidate !== undefined && e.fitness !== null);
  const order = seededPermutation(hits.length, createRng(seed, 'cache-verify'));
  return Array.from(order.slice(0, max), (i) => hits[i]);
}

export async function verifyRun(dir: string, max: number): Promise<VerifyReport> {
  const configPath = join(dir, 'config.json');
  const eventsPath = join(dir, 'events.jsonl');
  if (!existsSync(configPath) || !existsSync(eventsPath)) throw new CliError(`cache verify: ${dir} has no config.json and events.jsonl; give a folder \`deja run\` wrote`);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { domain: string; domainOptions?: Record<string, unknown>; seed?: number; evalTimeoutSeconds?: number };
  const ref = { spec: config.domain, options: config.domainOptions ?? {} };
  const domain = await loadDomain(ref);
  const tolerance = domain.fitnessTolerance ?? DEFAULT_FITNESS_TOLERANCE;
  const events = readEvents(eventsPath);
  const makers = new Map<string, SearchEvent>();
  for (const e of events) if (e.hash !== null && e.outcome !== 'full-hit' && e.evalMs !== null && !makers.has(e.hash)) makers.set(e.hash, e);
  const evaluator = new InlineEvaluator(domain);
  const report: VerifyReport = { checked: 0, agreed: 0, failed: 0, falseMerges: [], tolerance };
  for (const e of sampleHits(events, max, config.seed ?? 0)) {
    const outcome = await evaluator.evaluate({ domain: ref, candidate: e.candidate, seed: deriveSeed(config.seed ?? 0, 'evaluate', e.id) }, (config.evalTimeoutSeconds ?? 600) * 1000);
    report.checked++;
    if (!outcome.ok) report.failed++;
    else if (fitnessAgrees(e.fitness!, outcome.fitness, tolerance)) report.agreed++;
    else {
      const maker = makers.get(e.hash!);
      report.falseMerges.push({
        hash: e.hash!, id: e.id, stored: e.fitness!, fresh: outcome.fitness, candidate: domain.describe(e.candidate),
        madeBy: maker ? { id: maker.id, candidate: maker.candidate === undefined ? '(not recorded)' : domain.describe(maker.candidate) } : null,
      });
    }
  }
  await evaluator.close();
  await domain.close?.();
  return report;
}

export async function cacheVerifyCommand(dir: string, options: CacheVerifyOptions): Promise<void> {
  const report = await verifyRun(dir, options.max);
  if (options.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const merges = report.falseMerges.length;
  const lines = [
    `${dir}: ${integer(report.checked)} full hits evaluated again: ${integer(report.agreed)} agreed with the cached fitness (tolerance ${report.tolerance}), ` +
      `${integer(merges)} false merges (${percent(report.checked - report.failed > 0 ? merges / (report.checked - report.failed) : 0)}), ${integer(report.failed)} failed to evaluate`,
  ];
  for (const m of report.falseMerges) {
    lines.push(`  hash ${m.hash}: #${m.id} ${truncate(m.candidate, 80)} scores ${m.fresh}, but the cache answered ${m.stored} from ${m.madeBy ? `#${m.madeBy.id} ${truncate(m.madeBy.candidate, 80)}` : 'an earlier run'}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
