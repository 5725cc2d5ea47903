/**
 * Remote evaluation through BullMQ on a private Redis: results, failures, a
 * domain a worker cannot load, a worker killed mid-evaluation, Redis restarted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { fixturePath } from '../fixtures/paths.js';
import { startRedis, type RedisServer } from '../fixtures/redis-server.js';
import { KEY_PREFIX } from '../../src/workers/evaluation-queue.js';
import type { EvaluationOutcome } from '../../src/workers/evaluation-task.js';
import { QueueEvaluator } from '../../src/workers/queue-evaluator.js';
import { QueueWorker } from '../../src/workers/queue-worker.js';
import { startWorker, type WorkerProcess } from '../fixtures/worker-processes.js';

const domain = (options: Record<string, unknown> = {}) => ({ spec: fixturePath('test-domain'), options });
const task = (x: number, options: Record<string, unknown> = {}) => ({ domain: domain(options), candidate: { x }, seed: x });

/** Waits until `n` jobs of `queue` are running on a worker. */
async function untilActive(url: string, queue: string, n: number): Promise<void> {
  const q = new Queue(queue, { connection: { url }, prefix: KEY_PREFIX });
  try {
    while ((await q.getActiveCount()) < n) await sleep(20);
  } finally {
    await q.close();
  }
}

describe('evaluations through a BullMQ queue (deja worker)', { concurrency: true, timeout: 120_000 }, () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  const evaluators: QueueEvaluator[] = [];
  const connect = async (queue: string, extra: Partial<Parameters<typeof QueueEvaluator.connect>[0]> = {}) => {
    const evaluator = await QueueEvaluator.connect({ url: redis.url, queue, sweepMs: 200, ...extra });
    evaluators.push(evaluator);
    return evaluator;
  };
  const worker = (queue: string, ...args: string[]) => {
    const w = startWorker(redis.url, '--queue', queue, ...args);
    workers.push(w);
    return w;
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const e of evaluators) await e.close();
    for (const w of workers) await w.kill9();
    await redis.stop();
  });

  it('runs evaluations on worker processes and returns outcomes as a local pool does', async () => {
    const w = worker('basic', '--concurrency', '2');
    await w.waitFor(/serving queue basic on redis:\/\/127\.0\.0\.1:\d+ with 2 evaluation threads/);
    const evaluator = await connect('basic');
    const outcomes = await Promise.all([3, 57, 8, 120].map((x) => evaluator.evaluate(task(x, { delayMs: 20, throwOn: [8] }), 10_000)));
    assert.deepEqual(outcomes.map((o) => o.ok && o.fitness), [3, 7, false, 20]);
    const failed = outcomes[2] as Extract<EvaluationOutcome, { ok: false }>;
    assert.equal(failed.kind, 'error');
    assert.match(failed.error, /^on worker [^:]+:\d+: candidate 8 refuses to train$/);
    const timedOut = await evaluator.evaluate(task(5, { hangOn: [5] }), 300);
    assert.equal(timedOut.ok === false && timedOut.kind, 'timeout');
    await w.waitFor(/serving domain .*test-domain/);
    assert.equal(await w.stop(), 143);
    assert.match(w.output(), /jobs: 3 done, 2 failed, 0 running\n$/);
  });

  it('fails the evaluation clearly when a worker cannot load the domain', async () => {
    worker('noload');
    const evaluator = await connect('noload');
    // The evaluation's own timeout is far away: an answer before the test's timeout is a clear failure, not a hang.
    const outcome = await evaluator.evaluate({ domain: { spec: '/nowhere/my-domain.js', options: {} }, candidate: { x: 1 }, seed: 1 }, 600_000);
    assert.equal(outcome.ok, false);
    assert.match((outcome as { error: string }).error, /on worker .*cannot load module \/nowhere\/my-domain\.js/);
  });

  it('re-runs the job of a worker killed mid-evaluation on another worker, once', async () => {
    const first = worker('kill', '--lock-duration', '800');
    const evaluator = await connect('kill');
    const pending = evaluator.evaluate(task(42, { delayMs: 1500 }), 60_000);
    await untilActive(redis.url, 'kill', 1);
    await first.kill9();
    // In this process, so the test does not wait for a second process to boot.
    const second = new QueueWorker({ url: redis.url, queue: 'kill', concurrency: 1, lockDurationMs: 800 });
    const outcome = await pending;
    assert.deepEqual(outcome.ok && outcome.fitness, 42);
    assert.equal(evaluator.inFlight, 0);
    await second.close();
    assert.deepEqual(second.stats(), { running: 0, done: 1, failed: 0, domains: [fixturePath('test-domain')] });
  });

  it('fails a job that Redis lost in a restart, clearly, and goes on with new jobs', async () => {
    // A Redis of its own: the restart would disturb the other tests.
    const own = await startRedis();
    const w = startWorker(own.url, '--queue', 'restart');
    workers.push(w);
    await w.waitFor(/serving queue restart/);
    const evaluator = await QueueEvaluator.connect({ url: own.url, queue: 'restart', sweepMs: 200 });
    evaluators.push(evaluator);
    const pending = evaluator.evaluate(task(11, { delayMs: 3000 }), 60_000);
    await untilActive(own.url, 'restart', 1);
    await own.restart();
    const lost = await pending;
    // Either the worker's result reached the new Redis, or the loss is named; never a wrong fitness.
    if (lost.ok) assert.equal(lost.fitness, 11);
    else assert.match(lost.error, /no longer in Redis \(was Redis restarted without persistence\?\)/);
    const next = await evaluator.evaluate(task(13), 30_000);
    assert.deepEqual(next.ok && next.fitness, 13);
    await evaluator.close();
    await w.kill9();
    await own.stop();
  });
});
