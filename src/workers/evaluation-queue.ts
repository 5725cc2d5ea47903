/**
 * What the coordinator and `deja worker` processes agree on: the BullMQ queue,
 * the job's data, and where a result lands. The result key in Redis is the
 * source of truth (BullMQ's events are notifications that may be missed,
 * bullmq#2517); the channel only says "look now".
 */
import type { Redis } from 'ioredis';
import type { EvaluationOutcome, EvaluationTask } from './evaluation-task.js';

export const DEFAULT_QUEUE = 'deja-evaluations';
/** Namespaces every key deja and BullMQ write, so a shared Redis can hold other data. */
export const KEY_PREFIX = 'deja';
/** How long a result stays readable after it lands: long enough for a restarted coordinator to collect it. */
export const RESULT_TTL_MS = 24 * 3600 * 1000;

export interface EvaluationJob {
  domain: EvaluationTask['domain'];
  candidate: unknown;
  seed: number;
  timeoutMs: number;
}

/** An outcome as stored in Redis, with the worker that produced it. */
export type StoredOutcome = EvaluationOutcome & { worker: string };

export function checkQueueName(name: string): string | null {
  return /^[A-Za-z0-9._-]{1,100}$/.test(name) ? null : `--queue: "${name}" may hold only letters, digits, ".", "_" and "-"`;
}

export const resultKey = (queue: string, jobId: string): string => `${KEY_PREFIX}:${queue}:result:${jobId}`;
export const resultChannel = (queue: string): string => `${KEY_PREFIX}:${queue}:results`;

/**
 * A BullMQ job id: prefixed so it is never all digits (BullMQ reserves those)
 * and free of ":" (its key separator).
 */
export function jobIdFor(key: string): string {
  return `e-${key.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** Stores a result and announces it in one transaction, so a listener that hears of it can read it. */
export async function storeResult(redis: Redis, queue: string, jobId: string, outcome: StoredOutcome): Promise<void> {
  await redis.multi().set(resultKey(queue, jobId), JSON.stringify(outcome), 'PX', RESULT_TTL_MS).publish(resultChannel(queue), jobId).exec();
}

export function parseResult(text: string | null): StoredOutcome | null {
  if (text === null) return null;
  return JSON.parse(text) as StoredOutcome;
}
