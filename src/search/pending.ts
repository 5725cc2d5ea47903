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
}
