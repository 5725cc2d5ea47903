/**
 * The contract between the engine and a search domain.
 *
 * A domain knows its candidates (plain JSON-serializable objects, or objects
 * whose toJSON gives one: that form is what workers receive and runs record),
 * how to sample and mutate them, how to probe them cheaply and
 * deterministically, and how to evaluate them expensively. It knows nothing about caches, workers or
 * searchers: the engine moves candidates between those layers.
 */
import type { Rng } from '../random/rng.js';

export type MetricValue = number | string | boolean | null;

export interface EvalResult {
  /** Higher is better. Must be a finite number: NaN or infinities mark the evaluation failed. */
  fitness: number;
  /** Anything worth recording next to the fitness (test accuracy, fitted constants, ...). */
  metrics?: Record<string, MetricValue>;
  /** Cost in the domain's `costUnit` (e.g. simulated training seconds). Defaults to the evaluation's wall seconds. */
  cost?: number;
}

export interface EvalContext {
  /** Seed for this evaluation: a pure function of the run seed and the candidate id. */
  seed: number;
  /** A generator seeded with `seed`. */
  rng: Rng;
  /** Aborted when the evaluation times out or the run stops; long async work should honour it. */
  signal: AbortSignal;
}

export interface Domain<C = unknown> {
  /** Short identifier, e.g. "symbolic". Part of every hash key. */
  name: string;
  /** Bump whenever probe semantics change, so old hashes can never match new ones. */
  version: string;
  /** One line for `deja domains`. */
  description: string;
  /**
   * Everything the probe depends on besides the candidate (probe inputs, their
   * seed, sizes). Part of every hash key, so differently probed runs never share keys.
   */
  probeKey?: string;
  /**
   * The probe never returns an outputs object again once its contents have
   * changed (it returns a fresh object, or the same unchanged one, e.g. for
   * candidates that differ only in dead code). The engine then remembers the
   * hash of each outputs object it saw and does not hash that object again.
   */
  stableProbeOutputs?: boolean;
  /** Mantissa bits this domain's probe outputs need by default (engine default 24). */
  mantissaBits?: number;
  /** Unit of `EvalResult.cost` when the domain reports its own (e.g. "GPU h"); default "s", wall seconds. */
  costUnit?: string;
  /**
   * Plain data naming everything in `options` (the experiment's domainOptions)
   * that changes a fitness: the target and data, a training setup; not what
   * only shapes the search (limits) or where it runs (a backend). Runs with
   * equal keys share persistent cache entries. Default: all the options.
   */
  evaluationKey?(options: Record<string, unknown>): unknown;
  /**
   * How far two evaluations of one function may differ and still count as
   * agreeing, relative to the larger magnitude (cache verification). Default
   * 1e-9: evaluations are expected to be deterministic; raise it for noisy ones.
   */
  fitnessTolerance?: number;
  random(rng: Rng): C;
  mutate(candidate: C, rng: Rng): C;
  /** Cheap, deterministic outputs on fixed probe inputs. Equal functions must give equal outputs. */
  probe(candidate: C): ArrayLike<number> | Promise<ArrayLike<number>>;
  evaluate(candidate: C, ctx: EvalContext): EvalResult | Promise<EvalResult>;
  /** Human-readable one-line form (an expression, a cell summary, ...). */
  describe(candidate: C): string;
  /**
   * A picture of the candidate for `deja report` and `deja serve`: a
   * self-contained SVG or HTML fragment (no scripts, nothing loaded from
   * elsewhere; escape any text taken from the candidate). Optional: without it
   * the report shows `describe`.
   */
  render?(candidate: C): string;
  /**
   * Check a candidate, e.g. one read from a file or produced by a mutation.
   * Returns null when valid, else one line naming the field and what is allowed.
   */
  validate?(candidate: unknown): string | null;
  /** Parse the domain's text form (for `deja hash <domain> --expr`). Throws DomainInputError. */
  parse?(text: string): C;
  /**
   * Domain options a candidate in text form needs beyond the defaults (for
   * `deja hash --expr`), e.g. the variables an expression uses, so the user
   * need not spell them out. Options the user gives win.
   */
  optionsFor?(text: string): Record<string, unknown>;
  /** Canonical form to store and mutate from (e.g. a pruned cell). Defaults to identity. */
  normalize?(candidate: C): C;
  /**
   * Scores a candidate on held-out work the search never saw (unseen tasks, a
   * test set). The engine runs it once, on the run's best, after the search;
   * the result is summary.best.final.
   */
  finalEvaluate?(candidate: C): EvalResult | Promise<EvalResult>;
  /** Release resources (models, backends) when a worker or run ends. */
  close?(): void | Promise<void>;
}

/** A module may export a domain, or a factory that builds one from the experiment's `domainOptions`. */
export type DomainFactory<C = unknown> = (options: Record<string, unknown>) => Domain<C> | Promise<Domain<C>>;

/** Raised for bad user input about candidates or domain options: the message is shown as is. */
export class DomainInputError extends Error {
  override name = 'DomainInputError';
}

const REQUIRED_FUNCTIONS = ['random', 'mutate', 'probe', 'evaluate', 'describe'] as const;

/** Checks the shape of a domain once, so a malformed custom domain fails with a clear message. */
export function defineDomain<C>(domain: Domain<C>): Domain<C> {
  if (typeof domain?.name !== 'string' || domain.name.length === 0) {
    throw new DomainInputError('domain.name: expected a non-empty string');
  }
  if (typeof domain.version !== 'string' || domain.version.length === 0) {
    throw new DomainInputError(`domain "${domain.name}": version: expected a non-empty string such as "1"`);
  }
  for (const key of REQUIRED_FUNCTIONS) {
    if (typeof domain[key] !== 'function') {
      throw new DomainInputError(`domain "${domain.name}": ${key}: expected a function`);
    }
  }
  if (domain.mantissaBits !== undefined && !(Number.isInteger(domain.mantissaBits) && domain.mantissaBits >= 0 && domain.mantissaBits <= 52)) {
    throw new DomainInputError(`domain "${domain.name}": mantissaBits: expected an integer from 0 to 52`);
  }
  if (domain.stableProbeOutputs !== undefined && typeof domain.stableProbeOutputs !== 'boolean') {
    throw new DomainInputError(`domain "${domain.name}": stableProbeOutputs: expected true or false`);
  }
  if (domain.costUnit !== undefined && !(typeof domain.costUnit === 'string' && domain.costUnit.length > 0 && domain.costUnit.length <= 16)) {
    throw new DomainInputError(`domain "${domain.name}": costUnit: expected a short unit such as "s" or "GPU h"`);
  }
  return domain;
}
