/**
 * Engine overhead per candidate with a trivial domain evaluated inline: the
 * whole run's wall time over its proposals (propose, mutate, probe, hash,
 * cache, settle, record), with the cache on and off, with and without writing
 * events.jsonl. The domain's own work is a few integer operations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSearch } from '../../src/search/run-search.js';
import { fmt } from './timing.js';
import { domainPath } from './paths.js';

export async function benchEngineOverhead(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  const proposals = 200_000;
  for (const [label, cache, record, classes, mode] of [
    ['cache on, mostly hits', true, false, 1_000, 'sleep'],
    ['cache on, mostly misses, async evaluate', true, false, 1 << 30, 'sleep'],
    ['cache on, mostly misses, sync evaluate', true, false, 1 << 30, 'sync'],
    ['cache off, async evaluate', false, false, 1_000, 'sleep'],
    ['cache off, sync evaluate', false, false, 1_000, 'sync'],
    ['cache on, mostly hits, writing events.jsonl', true, true, 1_000, 'sleep'],
  ] as const) {
    const dir = record ? mkdtempSync(join(tmpdir(), 'deja-bench-')) : undefined;
    const summary = await runSearch(
      {
        name: 'overhead',
        domain: domainPath('trivial-domain'),
        domainOptions: { classes, mode },
        search: { populationSize: 100, tournamentSize: 10 },
        budget: { maxProposals: proposals },
        cache: { enabled: cache },
        workers: 0,
        seed: 1,
      },
      { outDir: dir },
    );
    if (dir) rmSync(dir, { recursive: true, force: true });
    const micros = (summary.wallSeconds * 1e6) / summary.proposals;
    results[`microsPerCandidate_${label}`] = micros;
    console.log(`engine overhead (${label}): ${fmt(micros, 2)} us/candidate, hit rate ${fmt(100 * summary.cache.hitRate, 1)}%, ${fmt(summary.proposalsPerSecond)} candidates/s`);
  }
  return results;
}
