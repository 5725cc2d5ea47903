/**
 * Scale-out benchmarks, all on a private redis-server on 127.0.0.1:
 * 1. evaluations/s of `deja run --redis` with 1, 2, 4, 8, 16 `deja worker`
 *    processes on a domain whose evaluation sleeps 200 ms, against the ideal;
 * 2. per-evaluation overhead (dispatch to landed, minus the evaluation itself)
 *    through Redis vs the local piscina pool, in alternating rounds of one run;
 * 3. two coordinators with different seeds on one experiment at once, sharing
 *    the cache on Redis, vs the same two runs apart (each its own memory cache):
 *    evaluations paid, hits and joins across runs.
 *
 *   npm run build && node dist/bench/scaleout/queue-scaling.js [--max-workers 16] [--sharing-only | --overhead-only [--overhead-eval-ms 200]]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startRedis } from '../../test/fixtures/redis-server.js';
import { startWorker, type WorkerProcess } from '../../test/fixtures/worker-processes.js';
import type { RunSummary } from '../../src/record/summary.js';
import { runSearch } from '../../src/search/run-search.js';
import type { Evaluator } from '../../src/workers/evaluator.js';
import { QueueEvaluator } from '../../src/workers/queue-evaluator.js';
import { WorkerPool } from '../../src/workers/worker-pool.js';
import { domainPath } from '../core/paths.js';
import { fmt } from '../core/timing.js';

const EVAL_MS = 200;
const EVALS_PER_WORKER = 20;
/** The evaluation timed by the overhead rounds: 0 keeps every process busy; 200 lets them sleep between jobs. */
const OVERHEAD_EVAL_MS = Number(process.argv[process.argv.indexOf('--overhead-eval-ms') + 1] ?? 0) || 0;
const only = process.argv.includes('--sharing-only');
const overheadOnly = process.argv.includes('--overhead-only');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/** Starts `n` worker processes, a few at a time (16 node processes booting at once starve a small machine). */
const started: WorkerProcess[] = [];

async function startWorkers(url: string, queue: string, n: number): Promise<WorkerProcess[]> {
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < n; i += 4) {
    const batch = Array.from({ length: Math.min(4, n - i) }, () => startWorker(url, '--queue', queue));
    started.push(...batch);
    await Promise.all(batch.map((w) => w.waitFor(/serving queue/, 300_000)));
    workers.push(...batch);
  }
  return workers;
}

/** Steady-state evaluations/s of one search: from the first wave of landings to the last (the first jobs also load the domain). */
async function searchRate(n: number, evaluator?: Evaluator): Promise<{ steady: number; summary: RunSummary }> {
  const landed: number[] = [];
  const summary = await runSearch(
    {
      name: 'queue-scaling',
      domain: domainPath('trivial-domain'),
      domainOptions: { evalMs: EVAL_MS, mode: 'sleep' },
      budget: { maxEvaluations: EVALS_PER_WORKER * n },
      cache: { enabled: false },
      workers: n,
      seed: 1,
    },
    { evaluator, onEvent: (e) => landed.push(e.settledAt) },
  );
  return { steady: (landed.length - n) / (landed[landed.length - 1] - landed[n - 1]), summary };
}

/** One `deja run --redis`-equivalent search per worker count; cache off so every proposal is evaluated. */
async function scaling(url: string, counts: number[]): Promise<Array<Record<string, number>>> {
  const rows: Array<Record<string, number>> = [];
  for (const n of counts) {
    const queue = `scaling-${n}`;
    const workers = await startWorkers(url, queue, n);
    const remote = await searchRate(n, await QueueEvaluator.connect({ url, queue }));
    await Promise.all(workers.map((w) => w.stop()));
    // The same search on a local piscina pool of n threads, right after: what the machine gives without Redis.
    const local = await searchRate(n);
    const ideal = (n * 1000) / EVAL_MS;
    rows.push({ workers: n, steadyPerSecond: remote.steady, wholeRunPerSecond: remote.summary.evaluationsPerSecond, localPoolPerSecond: local.steady, ideal });
    console.log(
      `${String(n).padStart(2)} worker processes: ${fmt(remote.steady, 1).padStart(5)} evals/s steady (${fmt((100 * remote.steady) / ideal, 0)}% of ideal ${fmt(ideal, 0)}; ` +
        `${fmt(remote.summary.evaluationsPerSecond, 1)} over the whole run, start-up included); local pool of ${n} threads ${fmt(local.steady, 1)} evals/s (${fmt((100 * local.steady) / ideal, 0)}%)`,
    );
  }
  return rows;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** Dispatch-to-landed minus the evaluation's own time, one evaluation at a time. */
async function overheadRound(evaluator: Evaluator, n: number, into: number[]): Promise<void> {
  const domain = { spec: domainPath('trivial-domain'), options: { evalMs: OVERHEAD_EVAL_MS, mode: 'sleep' } };
  for (let i = 0; i < n; i++) {
    const sent = performance.now();
    const outcome = await evaluator.evaluate({ domain, candidate: i, seed: i }, 60_000);
    into.push(performance.now() - sent - outcome.wallMs);
  }
}

async function overhead(url: string, rounds: number, perRound: number): Promise<Record<string, number>> {
  const [worker] = await startWorkers(url, 'overhead', 1);
  const remote = await QueueEvaluator.connect({ url, queue: 'overhead' });
  const local = new WorkerPool(1);
  const times = { redis: [] as number[], piscina: [] as number[] };
  // Warm-up (domain loads, connections), then alternating rounds so both see the same machine load.
  await overheadRound(remote, 20, []);
  await overheadRound(local, 20, []);
  for (let r = 0; r < rounds; r++) {
    await overheadRound(remote, perRound, times.redis);
    await overheadRound(local, perRound, times.piscina);
  }
  await remote.close();
  await local.close();
  await worker.stop();
  const result: Record<string, number> = {};
  for (const [name, list] of Object.entries(times)) {
    const sorted = [...list].sort((a, b) => a - b);
    result[`${name}_p50_ms`] = percentile(sorted, 0.5);
    result[`${name}_p99_ms`] = percentile(sorted, 0.99);
    console.log(`overhead ${name.padEnd(7)} (evaluation ${OVERHEAD_EVAL_MS} ms): p50 ${fmt(percentile(sorted, 0.5), 2)} ms, p99 ${fmt(percentile(sorted, 0.99), 2)} ms (${sorted.length} evaluations)`);
  }
  return result;
}

/** Two runs (seeds 1 and 2) at once; `shared`: both on the Redis store, else each on its own memory store. */
async function twoRuns(url: string, shared: boolean): Promise<RunSummary[]> {
  const queue = shared ? 'sharing-on' : 'sharing-off';
  const workers = await startWorkers(url, queue, 4);
  const runs = [1, 2].map(async (seed) =>
    runSearch(
      {
        name: 'sharing',
        domain: domainPath('trivial-domain'),
        // 64 functions; each proposal a fresh random integer, so hits come from repeated functions only.
        domainOptions: { evalMs: EVAL_MS, mode: 'sleep', classes: 64 },
        budget: { maxProposals: 120 },
        workers: 4,
        seed,
      },
      { evaluator: await QueueEvaluator.connect({ url, queue }), defaultCacheStore: shared ? url : 'memory' },
    ),
  );
  const summaries = await Promise.all(runs);
  await Promise.all(workers.map((w) => w.stop()));
  return summaries;
}

async function sharing(url: string): Promise<Record<string, number>> {
  const apart = await twoRuns(url, false);
  const together = await twoRuns(url, true);
  const sum = (list: RunSummary[], f: (s: RunSummary) => number) => list.reduce((n, s) => n + f(s), 0);
  const result = {
    evaluationsApart: sum(apart, (s) => s.evaluations),
    evaluationsShared: sum(together, (s) => s.evaluations),
    crossRunHits: sum(together, (s) => s.cache.fromOtherRuns?.fullHits ?? 0),
    crossRunJoins: sum(together, (s) => s.cache.fromOtherRuns?.inFlightJoins ?? 0),
    proposals: sum(together, (s) => s.proposals),
  };
  console.log(
    `two coordinators (seeds 1, 2; 120 proposals each; 64 functions): ${result.evaluationsApart} evaluations paid apart, ${result.evaluationsShared} sharing the cache on Redis ` +
      `(${fmt((100 * result.evaluationsShared) / result.evaluationsApart, 0)}%); ${result.crossRunHits} hits and ${result.crossRunJoins} joins across the runs`,
  );
  return result;
}

const maxWorkers = arg('--max-workers', 16);
console.log(`scale-out benchmark: node ${process.version}, ${availableParallelism()} cores; evaluation sleeps ${EVAL_MS} ms; Redis on 127.0.0.1\n`);
const redis = await startRedis();
try {
  const results = {
    scaling: only || overheadOnly ? [] : await scaling(redis.url, [1, 2, 4, 8, 16].filter((n) => n <= maxWorkers)),
    overhead: only ? {} : await overhead(redis.url, overheadOnly ? 2 : 5, overheadOnly ? 20 : 100),
    sharing: overheadOnly ? {} : await sharing(redis.url),
  };
  mkdirSync('.bench-out', { recursive: true });
  const file = `.bench-out/scaleout${only ? '-sharing' : overheadOnly ? `-overhead-${OVERHEAD_EVAL_MS}ms` : ''}.json`;
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwritten to ${file}`);
} finally {
  // Also after a failure: no worker process may outlive the benchmark.
  await Promise.all(started.map((w) => w.kill9()));
  await redis.stop();
}
