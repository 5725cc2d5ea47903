/**
 * Cache verification (cache.verifyProbability): a sampled share of full hits
 * is evaluated anyway and the result compared with the stored fitness, so a
 * user can see whether the probe tells their domain's functions apart. A
 * disagreement beyond the domain's tolerance is a false merge: two different
 * functions shared one hash.
 */
import type { Rng } from '../random/rng.js';

/** Relative tolerance when the domain declares none: evaluations are expected to be deterministic. */
export const DEFAULT_FITNESS_TOLERANCE = 1e-9;

export class Verifier {
  /** hash -> the proposal of this run whose evaluation made the entry (kept only while verifying). */
  private readonly madeBy = new Map<string, number>();

  constructor(
    private readonly probability: number,
    private readonly tolerance: number,
    private readonly rng: Rng,
  ) {}

  /** Whether this full hit is evaluated anyway (draws only when verification is on). */
  sample(): boolean {
    return this.probability > 0 && this.rng.bernoulli(this.probability);
  }

  /** Notes which proposal's evaluation made an entry, to name the other half of a false merge. */
  remember(hash: string, id: number): void {
    if (this.probability > 0 && !this.madeBy.has(hash)) this.madeBy.set(hash, id);
  }

  madeByOf(hash: string): number | null {
    return this.madeBy.get(hash) ?? null;
  }

  agrees(stored: number, fresh: number): boolean {
    return fitnessAgrees(stored, fresh, this.tolerance);
  }
}

/** |a - b| within `tolerance` relative to the larger magnitude (absolute below 1). */
export function fitnessAgrees(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}
