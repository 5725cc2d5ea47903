/**
 * Scale-out benchmarks, all on a private redis-server on 127.0.0.1:
 * 1. evaluations/s of `deja run --redis` with 1, 2, 4, 8, 16 `deja worker`
 *    processes on a domain whose evaluation sleeps 200 ms, against the ideal;
 * 2. per-evaluation overhead (dispatch to landed, minus the evaluation itself)
 *    through Redis vs the local piscina pool, in alternating rounds of one run.
 *
 *   npm run build && node dist/bench/scaleout/queue-scaling.js [--max-workers 16]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startRedis } from '../../test/fixtures/redis-server.js';
import { startWorker, type WorkerProcess } from '../../test/fixtures/worker-processes.js';
import { runSearch } from '../../src/search/run-search.js';
import type { Evaluator } from '../../src/workers/evaluator.js';
import { QueueEvaluator } from '../../src/workers/queue-evaluator.js';
import { WorkerPool } from '../../src/workers/worker-pool.js';
import { domainPath } from '../core/paths.js';
import { fmt } from '../core/timing.js';

const EVAL_MS = 200;
const EVALS_PER_WORKER = 25;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

async function startWorkers(url: string, queue: string, n: number): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: n }, () => startWorker(url, '--queue', queue));
  await Promise.all(workers.map((w) => w.waitFor(/serving queue/, 120_000)));
  return workers;
}

/** One `deja run --redis`-equivalent search per worker count; cache off so every proposal is evaluated. */
async function scaling(url: string, counts: number[]): Promise<Array<Record<string, number>>> {
  const rows: Array<Record<string, number>> = [];
  for (const n of counts) {
    const queue = `scaling-${n}`;
    const workers = await startWorkers(url, queue, n);
    const evaluator = await QueueEvaluator.connect({ url, queue });
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
      { evaluator },
    );
    await Promise.all(workers.map((w) => w.stop()));
    const ideal = (n * 1000) / EVAL_MS;
    rows.push({ workers: n, evaluationsPerSecond: summary.evaluationsPerSecond, ideal, efficiency: summary.evaluationsPerSecond / ideal });
    console.log(`${String(n).padStart(2)} worker processes: ${fmt(summary.evaluationsPerSecond, 1).padStart(6)} evals/s, ideal ${fmt(ideal, 1).padStart(5)} (${fmt((100 * summary.evaluationsPerSecond) / ideal, 0)}%), ${summary.evaluations} evaluations in ${fmt(summary.wallSeconds, 2)} s`);
  }
  return rows;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** Dispatch-to-landed minus the evaluation's own time, one evaluation at a time. */
async function overheadRound(evaluator: Evaluator, n: number, into: number[]): Promise<void> {
  const domain = { spec: domainPath('trivial-domain'), options: { evalMs: 0, mode: 'sleep' } };
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
    console.log(`overhead ${name.padEnd(7)}: p50 ${fmt(percentile(sorted, 0.5), 2)} ms, p99 ${fmt(percentile(sorted, 0.99), 2)} ms (${sorted.length} evaluations)`);
  }
  return result;
}

const maxWorkers = arg('--max-workers', 16);
console.log(`scale-out benchmark: node ${process.version}, ${availableParallelism()} cores; evaluation sleeps ${EVAL_MS} ms; Redis on 127.0.0.1\n`);
const redis = await startRedis();
try {
  const results = {
    scaling: await scaling(redis.url, [1, 2, 4, 8, 16].filter((n) => n <= maxWorkers)),
    overhead: await overhead(redis.url, 5, 100),
  };
  mkdirSync('.bench-out', { recursive: true });
  writeFileSync('.bench-out/scaleout.json', JSON.stringify(results, null, 2) + '\n');
  console.log('\nwritten to .bench-out/scaleout.json');
} finally {
  await redis.stop();
}
