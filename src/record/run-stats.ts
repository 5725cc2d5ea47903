/**
 * Cache statistics recomputed from events.jsonl alone, so they are available
 * for a run that crashed before writing summary.json.
 */
import { readFileSync } from 'node:fs';
import { CACHE_OUTCOMES, type CacheOutcome, type SearchEvent } from './events.js';

export interface OutcomeRow {
  outcome: CacheOutcome;
  count: number;
  share: number;
  /** Evaluation cost paid by candidates with this outcome. */
  cost: number;
}

export interface EquivalenceClass {
  hash: string;
  proposals: number;
  /** Distinct candidates (by JSON) seen with this hash. */
  distinct: number;
  /** Up to three differently written members. */
  members: unknown[];
  fitness: number | null;
}

export interface RunStats {
  proposals: number;
  evaluations: number;
  failed: number;
  outcomes: OutcomeRow[];
  hitRate: number;
  distinctHashes: number;
  bestFitness: number | null;
  evaluationCost: number;
  lastSettledAt: number;
  largestClasses: EquivalenceClass[];
  /** Hits and joins on entries or evaluations of other (earlier or concurrent) runs, and the cost they saved. */
  fromOtherRuns: { fullHits: number; inFlightJoins: number; costSaved: number };
}

function otherRunCounts(events: readonly SearchEvent[]): RunStats['fromOtherRuns'] {
  const counts = { fullHits: 0, inFlightJoins: 0, costSaved: 0 };
  for (const e of events) {
    if (!e.fromOtherRun) continue;
    if (e.outcome === 'full-hit') counts.fullHits++;
    else counts.inFlightJoins++;
    counts.costSaved += e.savedCost ?? 0;
  }
  return counts;
}

export function readEvents(path: string): SearchEvent[] {
  const text = readFileSync(path, 'utf8');
  const events: SearchEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as SearchEvent);
    } catch {
      // A crash can leave a truncated last line: everything before it still counts.
    }
  }
  return events;
}

export function computeRunStats(events: readonly SearchEvent[], topClasses = 5): RunStats {
  const counts = new Map<CacheOutcome, { count: number; cost: number }>(CACHE_OUTCOMES.map((o) => [o, { count: 0, cost: 0 }]));
  const classes = new Map<string, { proposals: number; members: Map<string, unknown>; fitness: number | null }>();
  let bestFitness: number | null = null;
  let evaluationCost = 0;
  let evaluations = 0;
  let lastSettledAt = 0;
  for (const e of events) {
    const row = counts.get(e.outcome)!;
    row.count++;
    row.cost += e.cost;
    evaluationCost += e.cost;
    if (e.evalMs !== null && e.verified === undefined) evaluations++;
    if (e.fitness !== null && (bestFitness === null || e.fitness > bestFitness)) bestFitness = e.fitness;
    lastSettledAt = Math.max(lastSettledAt, e.settledAt);
    if (e.hash !== null) {
      let c = classes.get(e.hash);
      if (!c) {
        c = { proposals: 0, members: new Map(), fitness: e.fitness };
        classes.set(e.hash, c);
      }
      c.proposals++;
      if (e.candidate !== undefined) {
        const key = JSON.stringify(e.candidate);
        if (!c.members.has(key)) c.members.set(key, e.candidate);
      }
    }
  }
  const proposals = events.length;
  // A join of an evaluation that failed is recorded as failed, but it was a join: it cost no evaluation.
  const failedJoins = events.filter((e) => e.outcome === 'failed' && e.joined !== undefined).length;
  const hits = counts.get('full-hit')!.count + counts.get('in-flight-join')!.count + failedJoins;
  const lookups = events.filter((e) => e.hash !== null).length;
  const largestClasses = [...classes.entries()]
    .sort((a, b) => b[1].proposals - a[1].proposals || b[1].members.size - a[1].members.size || (a[0] < b[0] ? -1 : 1))
    .slice(0, topClasses)
    .map(([hash, c]) => ({ hash, proposals: c.proposals, distinct: c.members.size, members: [...c.members.values()].slice(0, 3), fitness: c.fitness }));
  return {
    proposals,
    evaluations,
    failed: counts.get('failed')!.count,
    outcomes: CACHE_OUTCOMES.map((outcome) => ({ outcome, ...counts.get(outcome)!, share: proposals ? counts.get(outcome)!.count / proposals : 0 })),
    hitRate: lookups ? hits / lookups : 0,
    distinctHashes: classes.size,
    bestFitness,
    evaluationCost,
    lastSettledAt,
    largestClasses,
    fromOtherRuns: otherRunCounts(events),
  };
}
