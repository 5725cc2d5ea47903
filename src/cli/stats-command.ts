import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEventLog } from '../record/event-log.js';
import { describeBadLines } from '../record/repair-log.js';
import { RunStatsAccumulator, type RunStats } from '../record/run-stats.js';
import type { RunSummary } from '../record/summary.js';
import { candidateViewer } from '../report/candidate-view.js';
import { RunFolder } from '../report/run-folder.js';
import { CliError } from './cli-error.js';
import { cost, fixed, integer, percent, table, truncate } from './format.js';

export interface StatsCommandOptions {
  json?: boolean;
  top: number;
  trustDomain?: boolean;
}

/** summary.json is a convenience: when it is missing or unreadable the statistics come from events.jsonl alone. */
function readSummary(path: string): RunSummary | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const summary = JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
    if (typeof summary === 'object' && summary !== null && typeof summary.cache === 'object' && summary.cache !== null && typeof summary.wallSeconds === 'number') return summary;
  } catch {
    // reported below
  }
  process.stderr.write(`deja: ${path} is not a summary deja wrote; ignoring it (the statistics below come from events.jsonl)\n`);
  return undefined;
}

export async function statsCommand(dir: string, options: StatsCommandOptions): Promise<void> {
  const eventsPath = join(dir, 'events.jsonl');
  if (!existsSync(eventsPath)) throw new CliError(`stats: ${dir} has no events.jsonl; give the folder a \`deja run --out\` wrote`);
  const accumulator = new RunStatsAccumulator();
  const report = await readEventLog(eventsPath, (e) => accumulator.add(e));
  const stats = accumulator.result(options.top);
  if (report.tornTail) process.stderr.write(`deja: ${eventsPath}: the last line (line ${report.tornTail.line}) was cut short by a crash; not counted\n`);
  if (report.corrupt.length > 0) process.stderr.write(`deja: ${eventsPath}: ${describeBadLines(report)}; not counted (\`deja resume --repair\` drops bad lines)\n`);
  const summaryPath = join(dir, 'summary.json');
  const summary = readSummary(summaryPath);
  if (options.json) {
    // The report's time series (binned, at most 512 points each), streamed from the log.
    const folder = new RunFolder(dir, dir);
    await folder.refresh();
    process.stdout.write(JSON.stringify({ ...stats, summary: summary ?? null, series: folder.series() }, null, 2) + '\n');
    return;
  }
  const lines: string[] = [];
  const unit = summary?.costUnit ?? 's';
  lines.push(summary
    ? `${summary.name} (${summary.domain}), seed ${summary.seed}, cache ${summary.cache.enabled ? 'on' : 'off'}, stopped by ${summary.stopReason} after ${summary.wallSeconds.toFixed(1)} s`
    : `${dir}: no summary.json (the run did not finish); statistics from events.jsonl`);
  lines.push('');
  lines.push(table(['outcome', 'proposals', 'share', 'eval cost'], stats.outcomes.map((r) => [r.outcome, integer(r.count), percent(r.share), cost(r.cost, unit)])));
  lines.push('');
  lines.push(`proposals ${integer(stats.proposals)}, evaluations ${integer(stats.evaluations)}, failed ${integer(stats.failed)}, hit rate ${percent(stats.hitRate)}, distinct hashes ${integer(stats.distinctHashes)}, best fitness ${fixed(stats.bestFitness)}`);
  if (summary?.cache.enabled) lines.push(`cache size ${integer(summary.cache.size)}, cost saved ${cost(summary.cache.costSaved, unit)} (evaluation cost paid ${cost(summary.evaluationCost, unit)})`);
  if (summary?.cache.store) lines.push(`cache store ${summary.cache.store.kind} ${summary.cache.store.location}, namespace ${summary.cache.store.namespace}`);
  const other = stats.fromOtherRuns;
  if (other.fullHits + other.inFlightJoins > 0) {
    lines.push(`from earlier runs: ${integer(other.fullHits)} full hits, ${integer(other.inFlightJoins)} joins on other runs' evaluations; cost saved from earlier runs ${cost(other.costSaved, unit)}`);
  }
  lines.push('', ...(await classLines(dir, stats, options.trustDomain === true)));
  process.stdout.write(lines.join('\n') + '\n');
}

/** The largest equivalence classes, or why there are none to show. */
async function classLines(dir: string, stats: RunStats, trustDomain: boolean): Promise<string[]> {
  if (stats.proposals === 0) return ['no proposals recorded yet, so no equivalence classes'];
  if (stats.distinctHashes === 0) return ['no equivalence classes: the run was made with the cache off (--no-cache or cache.enabled: false), so no candidate was hashed'];
  const title = 'largest equivalence classes (proposals sharing one functional hash):';
  // Without record.candidates only new bests keep their candidate, so some classes have members and most do not.
  const recorded = stats.largestClasses.every((c) => c.members.length > 0);
  if (!recorded) {
    return [
      title,
      table(['hash', 'proposals', 'fitness'], stats.largestClasses.map((c) => [c.hash, integer(c.proposals), fixed(c.fitness, 4)])),
      'members not shown: the run was recorded without candidates (record.candidates: false), so events.jsonl holds hashes only',
    ];
  }
  const view = await candidateViewer(dir, trustDomain, (line) => process.stderr.write(`deja: ${line}\n`));
  const describe = (candidate: unknown) => view(candidate).text;
  return [
    title,
    table(['hash', 'proposals', 'distinct', 'fitness', 'members'], stats.largestClasses.map((c) => [
      c.hash, integer(c.proposals), integer(c.distinct), fixed(c.fitness, 4), truncate(c.members.map(describe).join('  |  '), 100),
    ])),
  ];
}
