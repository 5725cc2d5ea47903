/** Functional-hash throughput (quantize + xxHash64) for probe vectors of 64 and 4096 float64 values. */
import { createFunctionalHasher } from '../../src/hash/functional-hash.js';
import { quantizeInto } from '../../src/hash/quantize.js';
import { fmt, opsPerSecond } from './timing.js';

export async function benchHash(): Promise<Record<string, number>> {
  const hash = (await createFunctionalHasher()).forKey({ domain: 'bench', version: '1' });
  const results: Record<string, number> = {};
  for (const n of [64, 4096]) {
    const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3);
    const hashes = opsPerSecond(() => hash(values), 1000, n > 1000 ? 50 : 1000);
    const scratch = new Float64Array(n);
    const quantizeOnly = opsPerSecond(() => quantizeInto(values, 24, scratch), 500, n > 1000 ? 50 : 1000);
    results[`hashesPerSecond_${n}`] = hashes;
    results[`megabytesPerSecond_${n}`] = (hashes * n * 8) / 1e6;
    results[`quantizeShare_${n}`] = hashes / quantizeOnly;
    console.log(`hash ${String(n).padStart(4)} values: ${fmt(hashes)} hashes/s (${fmt((hashes * n * 8) / 1e6, 1)} MB/s; quantization ~${fmt((100 * hashes) / quantizeOnly)}% of the time)`);
  }
  return results;
}
