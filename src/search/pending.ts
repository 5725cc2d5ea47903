/** A proposed candidate on its way through the engine, from proposal to settling. */
import type { CacheOutcome } from '../record/events.js';

export interface Pending {
  id: number;
  parentId: number | null;
  candidate: unknown;
  /** Functional hash; null when the cache is off or the probe failed. */
  hash: string | null;
  /** What the cache answered (miss or partial hit for an evaluated proposal). */
  lookup: CacheOutcome;
  probeMs: number;
  proposedAt: number;
  /** A full hit sampled for verification: evaluated anyway, then compared with the stored fitness. */
  verify?: VerifiedHit;
}

export interface VerifiedHit {
  stored: number;
  /** The forgetful cache dropped the key after this hit (recorded so a resume drops it too). */
  forgotten: boolean;
  fromOtherRun?: true;
  savedCost?: number;
  /** The proposal of this run whose evaluation made the entry (unknown when another run made it). */
  madeBy: number | null;
}
