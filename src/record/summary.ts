/** summary.json: the result of a run, written at its end (also after Ctrl-C). */
export interface CacheSummary {
  enabled: boolean;
  misses: number;
  partialHits: number;
  fullHits: number;
  inFlightJoins: number;
  /** (full hits + in-flight joins) / cache lookups: the share of proposals that cost no evaluation. */
  hitRate: number;
  size: number;
  /** Evaluation cost the hits and joins did not pay (the stored mean cost of what they matched). */
  costSaved: number;
  forgotten: number;
  /** Where the entries lived: 'memory' or 'sqlite' (a file shared by runs), its location and the namespace (evaluation fingerprint). */
  store?: { kind: 'memory' | 'sqlite' | 'redis'; location: string; namespace: string };
  /** Full hits evaluated anyway (cache.verifyProbability) and those that disagreed with the stored fitness. */
  verified?: number;
  falseMerges?: number;
  /** The part of the hits, joins and saved cost owed to entries and evaluations of other (earlier or concurrent) runs. */
  fromOtherRuns?: { fullHits: number; inFlightJoins: number; costSaved: number };
}

export interface BestSummary<C = unknown> {
  id: number;
  fitness: number;
  candidate: C;
  description: string;
  metrics?: Record<string, unknown>;
  /** The domain's finalEvaluate of this candidate (held-out work), when the domain has one. */
  final?: FinalScore;
}

export type FinalScore = { fitness: number; metrics?: Record<string, unknown>; seconds: number } | { error: string };

export type StopReason = 'max-evaluations' | 'max-proposals' | 'max-wall-seconds' | 'max-cost' | 'target-fitness' | 'interrupted';

export interface RunSummary<C = unknown> {
  name: string;
  domain: string;
  seed: number;
  workers: number;
  /** Real evaluations run (misses and partial hits), failed ones included. */
  evaluations: number;
  proposals: number;
  failed: number;
  cache: CacheSummary;
  /** Summed cost of the evaluations run, in `costUnit`. */
  evaluationCost: number;
  /** The domain's cost unit: "s" (wall seconds) unless the domain reports its own. */
  costUnit: string;
  best: BestSummary<C> | null;
  wallSeconds: number;
  evaluationsPerSecond: number;
  proposalsPerSecond: number;
  /** Main-thread seconds spent probing and hashing. */
  probeSeconds: number;
  stopReason: StopReason;
}

export function hitRate(c: { misses: number; partialHits: number; fullHits: number; inFlightJoins: number }): number {
  const lookups = c.misses + c.partialHits + c.fullHits + c.inFlightJoins;
  return lookups === 0 ? 0 : (c.fullHits + c.inFlightJoins) / lookups;
}
