/** FEC lookups per second: full hits on a warm cache, and miss + complete on new keys. */
import { FunctionalEquivalenceCache } from '../../src/cache/fec.js';
import { fmt, opsPerSecond } from './timing.js';

export function benchCache(): Record<string, number> {
  const keys = Array.from({ length: 100_000 }, (_, i) => (i * 2654435761 >>> 0).toString(16).padStart(16, '0'));
  const warm = new FunctionalEquivalenceCache<number>({ capacity: 200_000, maxEvalsPerHash: 1, forgetProbability: 0 });
  for (const k of keys) {
    warm.lookup(k, 0);
    warm.complete(k, 1, 1);
  }
  let i = 0;
  const hits = opsPerSecond(() => {
    warm.lookup(keys[i++ % keys.length], 0);
  });
  const cold = new FunctionalEquivalenceCache<number>({ capacity: 50_000, maxEvalsPerHash: 1, forgetProbability: 0 });
  let j = 0;
  const missComplete = opsPerSecond(() => {
    const k = `k${j++}`;
    cold.lookup(k, 0);
    cold.complete(k, 1, 1);
  });
  console.log(`cache: ${fmt(hits)} full-hit lookups/s (100k keys); ${fmt(missComplete)} miss+store/s (LRU at capacity 50k, evicting)`);
  return { fullHitLookupsPerSecond: hits, missAndStorePerSecond: missComplete };
}
