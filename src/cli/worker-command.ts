/**
 * `deja worker --redis URL`: serves evaluation jobs until stopped, with one
 * live line of jobs done (a plain line every few seconds when not a terminal).
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { redactRedisUrl, checkRedisUrl } from '../redis/connection.js';
import { checkQueueName, DEFAULT_QUEUE } from '../workers/evaluation-queue.js';
import type { QueueWorker, QueueWorkerStats } from '../workers/queue-worker.js';
import { CliError } from './cli-error.js';
import { SIGNAL_EXIT } from './exit-codes.js';

export interface WorkerCommandOptions {
  redis: string;
  concurrency: number;
  queue: string;
  lockDuration?: number;
}

const PLAIN_LINE_EVERY_MS = 5000;
const CONNECT_TIMEOUT_MS = 10_000;

function statusLine(s: QueueWorkerStats): string {
  return `jobs: ${s.done} done, ${s.failed} failed, ${s.running} running`;
}

/** The live line: rewritten in place on a terminal, printed every few seconds otherwise. */
function createStatusWriter(): { update(s: QueueWorkerStats): void; end(s: QueueWorkerStats): void } {
  const tty = process.stderr.isTTY === true;
  let lastPlain = 0;
  let lastText = '';
  const domains = new Set<string>();
  return {
    update(s) {
      for (const d of s.domains) {
        if (domains.has(d)) continue;
        domains.add(d);
        process.stderr.write(`${tty ? '\r\x1b[K' : ''}deja worker: serving domain ${d}\n`);
      }
      const text = statusLine(s);
      if (tty) process.stderr.write(`\r\x1b[K${text}`);
      else if (text !== lastText && Date.now() - lastPlain >= PLAIN_LINE_EVERY_MS) {
        lastPlain = Date.now();
        process.stderr.write(`${text}\n`);
      }
      lastText = text;
    },
    end(s) {
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}${statusLine(s)}\n`);
    },
  };
}

/** Resolves with the exit code once a signal has stopped the worker (a second signal exits at once). */
async function untilSignal(worker: QueueWorker): Promise<number> {
  const signals = Object.keys(SIGNAL_EXIT);
  const signal = await Promise.race(signals.map((s) => once(process, s).then(() => s)));
  const code = SIGNAL_EXIT[signal];
  process.stderr.write(`\ndeja worker: ${signal}: finishing running jobs (send it again to quit at once)\n`);
  for (const s of signals) process.once(s, () => process.exit(code));
  await worker.close();
  return code;
}

export async function workerCommand(options: WorkerCommandOptions): Promise<number> {
  const problem = checkRedisUrl(options.redis) ?? checkQueueName(options.queue);
  if (problem) throw new CliError(problem);
  const status = createStatusWriter();
  // Loaded here, not by every command: BullMQ is a large share of the CLI's start-up.
  const { QueueWorker } = await import('../workers/queue-worker.js');
  const worker = new QueueWorker({
    url: options.redis,
    queue: options.queue,
    concurrency: options.concurrency,
    lockDurationMs: options.lockDuration,
    onChange: status.update,
    onError: (message) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}deja worker: ${message}\n`),
  });
  const where = redactRedisUrl(options.redis);
  try {
    const timeout = sleep(CONNECT_TIMEOUT_MS, undefined, { ref: false }).then(() => {
      throw new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`);
    });
    await Promise.race([worker.ready(), timeout]);
  } catch (error) {
    await worker.close(true).catch(() => undefined);
    throw new CliError(`--redis: cannot reach ${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.stderr.write(
    `deja worker ${worker.name}: serving queue ${options.queue ?? DEFAULT_QUEUE} on ${where} with ${options.concurrency} evaluation thread${options.concurrency === 1 ? '' : 's'}; Ctrl-C to stop\n`,
  );
  const code = await untilSignal(worker);
  status.end(worker.stats());
  return code;
}
