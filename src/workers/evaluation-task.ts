/**
 * The message that crosses into an evaluation worker and the outcome that
 * comes back: plain data, so it survives structured cloning.
 */
import type { EvalResult, MetricValue } from '../domain/domain.js';

/** How a worker finds its domain: a built-in name or an absolute module path, plus the options for its factory. */
export interface DomainRef {
  spec: string;
  options: Record<string, unknown>;
}

export interface EvaluationTask {
  domain: DomainRef;
  candidate: unknown;
  seed: number;
  /**
   * Names the work: two tasks with the same key are the same evaluation, so a
   * shared queue runs it once (e.g. the functional hash and its namespace).
   */
  key?: string;
  /**
   * Set to 1 by the worker once its domain is loaded and the evaluation begins,
   * so the timeout measures the evaluation, not a fresh worker's start-up.
   */
  started?: Int32Array;
}

/**
 * Several evaluations in one message (experiment `batchSize`): for cheap
 * domains a message round trip costs more than an evaluation.
 */
export interface EvaluationBatch {
  domain: DomainRef;
  items: Array<{ candidate: unknown; seed: number }>;
  /** The worker stores i + 1 here as it begins item i, so the pool can time each item and tell which one hung. */
  progress: Int32Array;
}

/**
 * A candidate as it crosses into a worker: its JSON form when it has one. A
 * domain may keep richer objects in the main thread (a parsed program, say)
 * and give them a toJSON; structured cloning would drop their methods.
 */
export function wireForm(candidate: unknown): unknown {
  const toJSON = (candidate as { toJSON?: unknown } | null)?.toJSON;
  return typeof toJSON === 'function' ? toJSON.call(candidate) : candidate;
}

export type FailureKind = 'error' | 'timeout' | 'crash' | 'invalid-fitness' | 'cancelled';

export type EvaluationOutcome =
  | { ok: true; fitness: number; metrics?: Record<string, MetricValue>; cost?: number; wallMs: number }
  | { ok: false; kind: FailureKind; error: string; wallMs: number };

/** Checks what a domain's evaluate returned; a NaN or missing fitness is a failure, not a result. */
export function checkEvalResult(result: EvalResult | undefined, wallMs: number): EvaluationOutcome {
  const fitness = result?.fitness;
  if (typeof fitness !== 'number' || !Number.isFinite(fitness)) {
    return { ok: false, kind: 'invalid-fitness', error: `evaluate returned fitness ${String(fitness)}; expected a finite number`, wallMs };
  }
  if (result!.cost !== undefined && !(Number.isFinite(result!.cost) && result!.cost >= 0)) {
    return { ok: false, kind: 'invalid-fitness', error: `evaluate returned cost ${String(result!.cost)}; expected a finite number >= 0`, wallMs };
  }
  const badMetric = checkMetrics(result!.metrics);
  if (badMetric !== null) return { ok: false, kind: 'invalid-fitness', error: badMetric, wallMs };
  return { ok: true, fitness, metrics: result!.metrics, cost: result!.cost, wallMs };
}

/** Metrics are recorded as JSON: a BigInt, an object or a function cannot be, so the result is refused whole. */
function checkMetrics(metrics: unknown): string | null {
  if (metrics === undefined) return null;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return `evaluate returned metrics of type ${Array.isArray(metrics) ? 'array' : typeof metrics}; expected an object`;
  // Object.keys, not entries: no pair array per metric on every evaluation (the same own keys, same order).
  for (const key of Object.keys(metrics)) {
    const value = (metrics as Record<string, unknown>)[key];
    const type = value === null ? 'null' : typeof value;
    if (type !== 'number' && type !== 'string' && type !== 'boolean' && type !== 'null') {
      return `evaluate returned metrics.${key} of type ${type}; metrics must be numbers, strings, booleans or null`;
    }
  }
  return null;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
