/**
 * The serving side of remote evaluation (`deja worker`): takes evaluation jobs
 * from the BullMQ queue and runs each in this process's piscina pool, the same
 * path as a local run's evaluations (timeouts, crashes and all), then stores
 * the outcome under the job's result key and announces it.
 *
 * BullMQ keeps a lock on each running job; if this process dies, the lock
 * lapses after `lockDurationMs` and another worker runs the job again (once:
 * a job that stalls twice fails, as a crashed evaluation does locally).
 */
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectRedis } from '../redis/connection.js';
import { errorMessage, type EvaluationOutcome } from './evaluation-task.js';
import { DEFAULT_QUEUE, KEY_PREFIX, resultKey, storeResult, type EvaluationJob } from './evaluation-queue.js';
import { WorkerPool } from './worker-pool.js';

export interface QueueWorkerOptions {
  url: string;
  queue?: string;
  /** Evaluations run at once: BullMQ's concurrency and the pool's thread count. */
  concurrency: number;
  /** How long a job's lock lasts without renewal, i.e. how soon a dead worker's job runs elsewhere (ms). */
  lockDurationMs?: number;
  /** Called whenever a job starts or ends (for the live line). */
  onChange?: (stats: QueueWorkerStats) => void;
  /** Called with problems that are not a job's own (lost connection, a result that could not be stored). */
  onError?: (message: string) => void;
}

export interface QueueWorkerStats {
  running: number;
  done: number;
  /** Jobs whose evaluation failed (their failure was delivered as the result). */
  failed: number;
  /** Domains (built-in names or module paths) served so far. */
  domains: string[];
}

export class QueueWorker {
  /** Who ran an evaluation, as stored with its result. */
  readonly name = `${hostname()}:${process.pid}`;
  private readonly counts: QueueWorkerStats = { running: 0, done: 0, failed: 0, domains: [] };
  private readonly worker: Worker<EvaluationJob>;
  private readonly pool: WorkerPool;
  private readonly queueName: string;

  constructor(
    private readonly options: QueueWorkerOptions,
    private readonly redis: Redis = connectRedis(options.url, { maxRetriesPerRequest: null, name: 'deja-worker' }),
  ) {
    this.queueName = options.queue ?? DEFAULT_QUEUE;
    this.pool = new WorkerPool(options.concurrency);
    const lockDuration = options.lockDurationMs ?? 30_000;
    this.worker = new Worker<EvaluationJob>(this.queueName, (job) => this.process(job), {
      connection: redis,
      prefix: KEY_PREFIX,
      concurrency: options.concurrency,
      lockDuration,
      // Look for stalled jobs twice per lock period, so a dead worker's job waits at most ~1.5 lock periods.
      stalledInterval: Math.max(100, Math.floor(lockDuration / 2)),
      maxStalledCount: 1,
    });
    // A job that stalled too often fails in BullMQ without reaching process(): deliver that failure as its result.
    this.worker.on('failed', (job, error) => {
      if (job?.id) void this.deliver(job.id, { ok: false, kind: 'crash', error: `evaluation job failed: ${error.message}`, wallMs: 0 });
    });
    this.worker.on('error', (error) => options.onError?.(errorMessage(error)));
  }

  /** Resolves once the worker is connected and taking jobs. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  stats(): QueueWorkerStats {
    return { ...this.counts, domains: [...this.counts.domains] };
  }

  private async process(job: Job<EvaluationJob>): Promise<void> {
    const jobId = job.id!;
    // A job re-run after a stall may already have its result: the evaluation is not paid twice.
    if ((await this.redis.exists(resultKey(this.queueName, jobId))) === 1) return;
    const { domain, candidate, seed, timeoutMs } = job.data;
    if (!this.counts.domains.includes(domain.spec)) this.counts.domains.push(domain.spec);
    this.counts.running++;
    this.options.onChange?.(this.stats());
    let outcome: EvaluationOutcome;
    try {
      outcome = await this.pool.evaluate({ domain, candidate, seed }, timeoutMs);
    } finally {
      this.counts.running--;
    }
    if (!outcome.ok) outcome = { ...outcome, error: `on worker ${this.name}: ${outcome.error}` };
    await this.deliver(jobId, outcome);
  }

  private async deliver(jobId: string, outcome: EvaluationOutcome): Promise<void> {
    try {
      await storeResult(this.redis, this.queueName, jobId, { ...outcome, worker: this.name });
      if (outcome.ok) this.counts.done++;
      else this.counts.failed++;
    } catch (error) {
      // Not stored: the job fails or stalls in BullMQ, and the coordinator's sweep sees that.
      this.options.onError?.(`cannot store the result of ${jobId}: ${errorMessage(error)}`);
      throw error;
    } finally {
      this.options.onChange?.(this.stats());
    }
  }

  /** Stops taking jobs; waits for running ones unless `force`. */
  async close(force = false): Promise<void> {
    await this.worker.close(force);
    await this.pool.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
