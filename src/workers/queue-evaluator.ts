/**
 * Evaluations on other machines: each one becomes a BullMQ job that a
 * `deja worker` process runs in its own thread pool. The coordinator keeps the
 * searcher, probe and hash; this evaluator only sends work and collects results.
 *
 * A result is read from its key in Redis, never taken from a notification
 * alone: the channel says "look now", and a periodic sweep looks anyway, so a
 * missed message (a reconnect, bullmq#2517) delays a result but never loses it.
 * The sweep also notices jobs that Redis no longer holds (a restart without
 * persistence) and fails them clearly instead of waiting forever.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectRedis, redactRedisUrl } from '../redis/connection.js';
import { errorMessage, type EvaluationOutcome, type EvaluationTask } from './evaluation-task.js';
import type { Evaluator } from './evaluator.js';
import {
  DEFAULT_QUEUE, jobIdFor, KEY_PREFIX, parseResult, RESULT_TTL_MS, resultChannel, resultKey,
  type EvaluationJob, type StoredOutcome,
} from './evaluation-queue.js';

export interface QueueEvaluatorOptions {
  /** redis:// or rediss:// URL, as ioredis reads it. */
  url: string;
  queue?: string;
  /** How often results are looked up directly, whatever the channel said (ms). */
  sweepMs?: number;
  /** After this long without reaching Redis, waiting evaluations fail (ms). */
  unreachableMs?: number;
  /** One-line notices for the user (no workers yet, Redis unreachable). */
  onNotice?: (line: string) => void;
}

interface Waiting {
  resolve: (outcome: EvaluationOutcome) => void;
  sentAt: number;
}

export class QueueEvaluator implements Evaluator {
  private readonly pending = new Map<string, Waiting>();
  /** Distinguishes this coordinator's jobs from every other's. */
  private readonly coordinatorId = randomUUID().slice(0, 8);
  private nextJob = 0;
  private lastContact = performance.now();
  private sweeping = false;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly queueName: string;
  private readonly sweepMs: number;
  private readonly unreachableMs: number;

  private constructor(
    private readonly options: QueueEvaluatorOptions,
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly queue: Queue,
  ) {
    this.queueName = options.queue ?? DEFAULT_QUEUE;
    this.sweepMs = options.sweepMs ?? 1000;
    this.unreachableMs = options.unreachableMs ?? 60_000;
    subscriber.on('message', (_channel: string, jobId: string) => {
      if (this.pending.has(jobId)) void this.collect([jobId]);
    });
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepMs);
    this.sweepTimer.unref();
  }

  /** Connects, subscribes to results, and says so when no worker is serving the queue yet. */
  static async connect(options: QueueEvaluatorOptions): Promise<QueueEvaluator> {
    const queueName = options.queue ?? DEFAULT_QUEUE;
    // Commands wait out a reconnect; the sweep's deadline decides when waiting is over.
    const redis = connectRedis(options.url, { maxRetriesPerRequest: null, name: 'deja-coordinator' });
    const subscriber = connectRedis(options.url, { maxRetriesPerRequest: null, name: 'deja-coordinator-results' });
    try {
      await subscriber.subscribe(resultChannel(queueName));
    } catch (error) {
      redis.disconnect();
      subscriber.disconnect();
      throw new Error(`cannot reach Redis at ${redactRedisUrl(options.url)}: ${errorMessage(error)}`);
    }
    const queue = new Queue(queueName, { connection: redis, prefix: KEY_PREFIX });
    // Connection errors surface through the commands that fail (and the sweep); unheard, BullMQ would print each one.
    queue.on('error', () => undefined);
    const evaluator = new QueueEvaluator(options, redis, subscriber, queue);
    const workers = await queue.getWorkersCount().catch(() => -1);
    if (workers === 0) {
      options.onNotice?.(`no deja worker serves queue ${queueName} yet; evaluations wait until one starts (deja worker --redis ${redactRedisUrl(options.url)})`);
    }
    return evaluator;
  }

  evaluate(task: EvaluationTask, timeoutMs: number): Promise<EvaluationOutcome> {
    const jobId = jobIdFor(task.key ?? `${this.coordinatorId}-${this.nextJob++}`);
    const job: EvaluationJob = { domain: task.domain, candidate: task.candidate, seed: task.seed, timeoutMs };
    return new Promise((resolve) => {
      this.pending.set(jobId, { resolve, sentAt: performance.now() });
      void this.send(jobId, job, task.key !== undefined);
    });
  }

  /** Sends a job unless (for work named by a key) its result is already in Redis, sent before by anyone. */
  private async send(jobId: string, job: EvaluationJob, named: boolean): Promise<void> {
    try {
      const earlier = named ? parseResult(await this.redis.get(resultKey(this.queueName, jobId))) : null;
      if (earlier) return this.land(jobId, earlier);
      // A custom job id makes a second add of the same work a no-op while the first is queued or running.
      await this.queue.add('evaluate', job, { jobId, removeOnComplete: true, removeOnFail: { age: RESULT_TTL_MS / 1000 } });
      this.lastContact = performance.now();
    } catch (error) {
      this.fail(jobId, `cannot queue the evaluation on ${redactRedisUrl(this.options.url)}: ${errorMessage(error)}`);
    }
  }

  /** Reads the results of `jobIds` and lands those that are there. */
  private async collect(jobIds: string[]): Promise<string[]> {
    const texts = await this.redis.mget(jobIds.map((id) => resultKey(this.queueName, id)));
    this.lastContact = performance.now();
    const missing: string[] = [];
    texts.forEach((text, i) => {
      const stored = parseResult(text);
      if (stored) this.land(jobIds[i], stored);
      else missing.push(jobIds[i]);
    });
    return missing;
  }

  /** Looks up every job that has waited a sweep interval: missed notifications, failed or lost jobs, a dead Redis. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.pending.size === 0) return;
    this.sweeping = true;
    try {
      const now = performance.now();
      if (now - this.lastContact > this.unreachableMs) {
        const reason = `Redis at ${redactRedisUrl(this.options.url)} unreachable for ${Math.round(this.unreachableMs / 1000)} s`;
        this.options.onNotice?.(`${reason}; failing ${this.pending.size} waiting evaluation(s)`);
        for (const jobId of [...this.pending.keys()]) this.fail(jobId, reason);
        this.lastContact = now;
        return;
      }
      const due = [...this.pending].filter(([, w]) => now - w.sentAt >= this.sweepMs).map(([id]) => id);
      if (due.length === 0) return;
      for (const jobId of await this.collect(due)) await this.checkJob(jobId);
    } catch {
      // Redis is down: the deadline above ends the wait.
    } finally {
      this.sweeping = false;
    }
  }

  /** A job with no result yet: still queued or running, failed in BullMQ, or gone. */
  private async checkJob(jobId: string): Promise<void> {
    const state = await this.queue.getJobState(jobId);
    if (state === 'failed') {
      const job = await this.queue.getJob(jobId);
      this.fail(jobId, `evaluation job failed on the queue: ${job?.failedReason ?? 'no reason given'}`);
    } else if (state === 'unknown') {
      // The job may have completed (and been removed) since the result lookup.
      const missing = await this.collect([jobId]);
      if (missing.length > 0) this.fail(jobId, `evaluation job ${jobId} is no longer in Redis (was Redis restarted without persistence?)`);
    }
  }

  private land(jobId: string, stored: StoredOutcome): void {
    const waiting = this.pending.get(jobId);
    if (!waiting) return;
    this.pending.delete(jobId);
    const { worker: _worker, ...outcome } = stored;
    // A failure is not kept: the same work sent again later must run again, not read the old failure.
    if (!outcome.ok) void this.forget(jobId);
    waiting.resolve(outcome);
  }

  private fail(jobId: string, error: string): void {
    const waiting = this.pending.get(jobId);
    if (!waiting) return;
    this.pending.delete(jobId);
    waiting.resolve({ ok: false, kind: 'crash', error, wallMs: performance.now() - waiting.sentAt });
  }

  private async forget(jobId: string): Promise<void> {
    await Promise.allSettled([this.redis.del(resultKey(this.queueName, jobId)), this.queue.remove(jobId)]);
  }

  cancelAll(): void {
    for (const [jobId, waiting] of [...this.pending]) {
      this.pending.delete(jobId);
      // A job not yet taken is removed; one already running finishes on its worker, unread.
      void this.queue.remove(jobId).catch(() => undefined);
      waiting.resolve({ ok: false, kind: 'cancelled', error: 'evaluation cancelled', wallMs: performance.now() - waiting.sentAt });
    }
  }

  get inFlight(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.cancelAll();
    const graceful = Promise.allSettled([this.queue.close(), this.subscriber.quit(), this.redis.quit()]);
    // A Redis that is down would keep QUIT waiting: give it a second, then cut the connections.
    await Promise.race([graceful, sleep(1000, undefined, { ref: false })]);
    this.subscriber.disconnect();
    this.redis.disconnect();
  }
}
