/**
 * `npm run bench`: the core engine benchmarks, side by side in one process.
 * Writes the numbers to .bench-out/core.json as well as printing them.
 * Domain benchmarks live in bench/<domain>/ and are run on their own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { benchCache } from './core/cache-lookups.js';
import { benchEngineOverhead } from './core/engine-overhead.js';
import { benchHash } from './core/hash-throughput.js';
import { benchWorkerScaling } from './core/worker-scaling.js';

console.log(`deja core benchmarks: node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'})\n`);
const results = {
  hash: await benchHash(),
  cache: benchCache(),
  engine: await benchEngineOverhead(),
  workers: await benchWorkerScaling(),
};
mkdirSync('.bench-out', { recursive: true });
writeFileSync('.bench-out/core.json', JSON.stringify(results, null, 2) + '\n');
console.log('\nwritten to .bench-out/core.json');
