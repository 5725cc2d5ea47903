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

/** Reads a whole small log into memory (tests); the CLI streams it (event-log.ts). Bad lines are skipped. */
export function readEvents(path: string): SearchEvent[] {
  const text = readFileSync(path, 'utf8');
  const events: SearchEvent[] = [];
  for (const line of text.split('\n')) {
    // Blank lines do not parse either.
    try {
      events.push(JSON.parse(line) as SearchEvent);
    } catch {
      // A crash can leave a truncated last line: everything before it still counts.
    }
  }
  return events;
}

export function computeRunStats(events: Iterable<SearchEvent>, topClasses = 5): RunStats {
  const stats = new RunStatsAccumulator();
  for (const e of events) stats.add(e);
  return stats.result(topClasses);
}

/** 53 bits from two 32-bit FNV-style hashes: tells distinct members apart without keeping their JSON. */
function fingerprint(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  // Stryker disable next-line EqualityOperator: one more step (on NaN, i.e. 0) multiplies both halves by an odd constant, a bijection: the same members collide
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  const high = (a >>> 0) * 2 ** 21;
  // Stryker disable next-line ArithmeticOperator: high - low is as one-to-one as high + low (low < 2 ** 21 is below high's step)
  return high + ((b >>> 0) & 0x1fffff);
}

interface ClassTally {
  proposals: number;
  /** Fingerprints of the distinct members (their JSON is kept for the first three only). */
  distinct: Set<number>;
  members: unknown[];
  fitness: number | null;
}

/** Classes by proposals, then distinct members (most first), then hash. */
function largestFirst([hashA, a]: [string, ClassTally], [hashB, b]: [string, ClassTally]): number {
  // Stryker disable next-line EqualityOperator: the hashes are a Map's keys, never equal, so < and <= order them alike
  return b.proposals - a.proposals || b.distinct.size - a.distinct.size || (hashA < hashB ? -1 : 1);
}

/**
 * Statistics gathered one event at a time, so `deja stats` streams a log of any
 * size: per class only a fingerprint per distinct member is kept, not its JSON.
 */
export class RunStatsAccumulator {
  private readonly counts = new Map<CacheOutcome, { count: number; cost: number }>(CACHE_OUTCOMES.map((o) => [o, { count: 0, cost: 0 }]));
  private readonly classes = new Map<string, ClassTally>();
  private proposals = 0;
  private lookups = 0;
  private failedJoins = 0;
  private bestFitness: number | null = null;
  private evaluationCost = 0;
  private evaluations = 0;
  private lastSettledAt = 0;
  private readonly fromOtherRuns = { fullHits: 0, inFlightJoins: 0, costSaved: 0 };

  add(e: SearchEvent): void {
    this.proposals++;
    const row = this.counts.get(e.outcome)!;
    row.count++;
    row.cost += e.cost;
    this.evaluationCost += e.cost;
    if (e.evalMs !== null && e.verified === undefined) this.evaluations++;
    // A join of an evaluation that failed is recorded as failed, but it was a join: it cost no evaluation.
    if (e.outcome === 'failed' && e.joined !== undefined) this.failedJoins++;
    if (e.fitness !== null && (this.bestFitness === null || e.fitness > this.bestFitness)) this.bestFitness = e.fitness;
    this.lastSettledAt = Math.max(this.lastSettledAt, e.settledAt);
    if (e.fromOtherRun) {
      if (e.outcome === 'full-hit') this.fromOtherRuns.fullHits++;
      else this.fromOtherRuns.inFlightJoins++;
      this.fromOtherRuns.costSaved += e.savedCost ?? 0;
    }
    if (e.hash === null) return;
    this.lookups++;
    let c = this.classes.get(e.hash);
    if (!c) {
      c = { proposals: 0, distinct: new Set(), members: [], fitness: e.fitness };
      this.classes.set(e.hash, c);
    }
    c.proposals++;
    if (e.candidate !== undefined) {
      const key = fingerprint(JSON.stringify(e.candidate));
      if (!c.distinct.has(key)) {
        c.distinct.add(key);
        if (c.members.length < 3) c.members.push(e.candidate);
      }
    }
  }

  result(topClasses = 5): RunStats {
    const { counts, proposals } = this;
    const hits = counts.get('full-hit')!.count + counts.get('in-flight-join')!.count + this.failedJoins;
    const largestClasses = [...this.classes.entries()]
      .sort(largestFirst)
      .slice(0, topClasses)
      .map(([hash, c]) => ({ hash, proposals: c.proposals, distinct: c.distinct.size, members: c.members, fitness: c.fitness }));
    return {
      proposals,
      evaluations: this.evaluations,
      failed: counts.get('failed')!.count,
      outcomes: CACHE_OUTCOMES.map((outcome) => ({ outcome, ...counts.get(outcome)!, share: proposals ? counts.get(outcome)!.count / proposals : 0 })),
      hitRate: this.lookups ? hits / this.lookups : 0,
      distinctHashes: this.classes.size,
      bestFitness: this.bestFitness,
      evaluationCost: this.evaluationCost,
      lastSettledAt: this.lastSettledAt,
      largestClasses,
      fromOtherRuns: { ...this.fromOtherRuns },
    };
  }
}
