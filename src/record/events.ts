/** One line of events.jsonl: what happened to one proposed candidate. */
import type { MetricValue } from '../domain/domain.js';
import type { FailureKind } from '../workers/evaluation-task.js';

export const CACHE_OUTCOMES = ['miss', 'partial-hit', 'full-hit', 'in-flight-join', 'failed'] as const;
export type CacheOutcome = (typeof CACHE_OUTCOMES)[number];

export interface SearchEvent<C = unknown> {
  id: number;
  parentId: number | null;
  /** Functional hash, 16 hex digits; null when the cache is off (nothing is probed). */
  hash: string | null;
  outcome: CacheOutcome;
  /** The fitness the searcher saw (the cached mean on hits); null when failed. */
  fitness: number | null;
  /** Evaluation cost paid for this candidate (0 for full hits and joins). */
  cost: number;
  /** Wall time of the probe and hash, to a tenth of a microsecond. */
  probeMs: number;
  /** Wall time of this candidate's own evaluation; null when it was not evaluated. */
  evalMs: number | null;
  /** Seconds since the run started, to the microsecond. */
  proposedAt: number;
  settledAt: number;
  /** For a join: the id whose evaluation it waited for. */
  joined?: number;
  /** A full hit on an entry another (earlier or concurrent) run made, or a join on another run's evaluation. */
  fromOtherRun?: true;
  /** With `fromOtherRun`: the stored mean cost the hit or join did not pay (this run's log cannot recompute it). */
  savedCost?: number;
  /**
   * A full hit sampled for verification (cache.verifyProbability): its own evaluation's fitness
   * (or failure) and whether it agreed with the stored one within the domain's tolerance. On a
   * false merge, `mergedWith` is the proposal of this run whose evaluation made the entry.
   */
  verified?: { fitness: number | null; agreed: boolean; error?: string };
  mergedWith?: number;
  /** A full hit after which the forgetful cache dropped the key (so a resume drops it too). */
  forgotten?: boolean;
  /** A failed evaluation: what the cache answered before it ran (a resume counts that lookup). */
  lookup?: 'miss' | 'partial-hit';
  failure?: FailureKind;
  error?: string;
  metrics?: Record<string, MetricValue>;
  candidate?: C;
}
