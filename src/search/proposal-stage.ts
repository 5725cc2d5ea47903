/**
 * Propose, probe, hash, look up: a new candidate from the searcher is probed
 * on the domain's fixed inputs, hashed, and routed by the cache's answer to
 * settling (full hit), waiting (in-flight join) or evaluation (miss, partial hit).
 */
import { performance } from 'node:perf_hooks';
import type { FunctionalEquivalenceCache, Lookup } from '../cache/fec.js';
import type { Domain } from '../domain/domain.js';
import { checkProbeOutputs, ProbeContractError, rechecked } from '../domain/probe-contract.js';
import type { ProbeHashFn } from '../hash/functional-hash.js';
import type { EvaluationStage } from './evaluation-stage.js';
import type { Pending } from './pending.js';
import type { RunState } from './run-state.js';
import type { Searcher } from './searcher.js';
import type { SettleDetails, Settler } from './settle.js';
import type { Verifier } from './verify-stage.js';

/** The cache and the hash function for its keys; null when the cache is off. */
export interface CacheStage {
  fec: FunctionalEquivalenceCache<Pending>;
  hash: ProbeHashFn;
}

/**
 * Milliseconds since `start`, to a tenth of a microsecond: finer digits are the clock's noise, and
 * writing them out cost a tenth of an event's line; the run's probe time sums these same values.
 */
function msSince(start: number): number {
  return Math.round((performance.now() - start) * 1e4) / 1e4;
}

export class ProposalStage {
  constructor(
    private readonly state: RunState,
    private readonly searcher: Searcher<unknown>,
    private readonly domain: Domain,
    private readonly cache: CacheStage | null,
    private readonly evaluation: EvaluationStage,
    private readonly settler: Settler,
    private readonly verifier: Verifier,
    /** Probe a sample of candidates twice (cache.recheckProbes). */
    private readonly recheckProbes = true,
  ) {}

  /** Proposes one candidate and routes it; returns a promise only when the domain's probe is async. */
  proposeOne(): void | Promise<void> {
    const { candidate, parentId } = this.searcher.propose();
    const probeStart = performance.now();
    const p: Pending = { id: this.state.proposals++, parentId, candidate, hash: null, lookup: 'miss', probeMs: 0, proposedAt: this.state.timestamp(probeStart) };
    if (this.cache === null) return this.evaluation.dispatch(p);
    let outputs: ArrayLike<number> | Promise<ArrayLike<number>>;
    try {
      outputs = this.domain.probe(candidate);
    } catch (error) {
      return this.failProbe(p, error, probeStart);
    }
    if (outputs instanceof Promise) {
      return outputs.then((o) => this.checked(p, o, probeStart), (error) => this.failProbe(p, error, probeStart));
    }
    return this.checked(p, outputs, probeStart);
  }

  /** Holds the domain to the probe contract (probe-contract.ts) before the cache sees the outputs. */
  private checked(p: Pending, outputs: ArrayLike<number>, probeStart: number): void | Promise<void> {
    const problem = checkProbeOutputs(outputs);
    if (problem !== null) return this.failProbe(p, new Error(problem), probeStart);
    // Set in place, not Object.assign: no throwaway object per proposal.
    p.hash = this.cache!.hash(outputs);
    const hashed = p as Pending & { hash: string };
    if (!this.recheckProbes || !rechecked(p.id)) return this.route(hashed, probeStart);
    // The candidate's JSON form, as a file or a worker would give it: a domain that memoizes by
    // object identity is probed for real (and a candidate with toJSON keeps its record form).
    let again: ArrayLike<number> | Promise<ArrayLike<number>>;
    try {
      again = this.domain.probe(JSON.parse(JSON.stringify(p.candidate)));
    } catch (error) {
      throw this.nondeterministic(p, `the second probe threw (${error instanceof Error ? error.message : String(error)})`);
    }
    const compare = (second: ArrayLike<number>) => {
      const secondHash = checkProbeOutputs(second) === null ? this.cache!.hash(second) : 'not an array of numbers';
      if (secondHash !== hashed.hash) throw this.nondeterministic(p, `hash ${hashed.hash}, then ${secondHash}`);
      return this.route(hashed, probeStart);
    };
    return again instanceof Promise ? again.then(compare) : compare(again);
  }

  private nondeterministic(p: Pending, what: string): ProbeContractError {
    return new ProbeContractError(
      `domain "${this.domain.name}": its probe is not deterministic: candidate #${p.id} probed twice gave ${what}; ` +
        'the cache would hand one candidate\'s fitness to another, so the run stopped. Make probe a pure function of the candidate ' +
        '(seed any randomness from fixed values), or set cache.recheckProbes: false if the difference is known to be harmless',
    );
  }

  /** Asks the cache about a hashed proposal; returns a promise only when a remote store answers later. */
  private route(p: Pending & { hash: string }, probeStart: number): void | Promise<void> {
    const { fec } = this.cache!;
    p.probeMs = msSince(probeStart);
    this.state.probeMs += p.probeMs;
    const found = fec.lookup(p.hash, p);
    if (found.outcome === 'pending') return found.answer.then((answer) => this.act(p, answer));
    this.act(p, found);
  }

  /** Acts on the cache's answer: settle a full hit, wait with a join, evaluate the rest. */
  act(p: Pending, found: Lookup): void {
    p.lookup = found.outcome === 'pending' ? 'miss' : found.outcome;
    if (found.outcome === 'full-hit') {
      if (this.verifier.sample()) return this.verify(p, found);
      const details: SettleDetails = { cost: 0, evalMs: null, forgotten: found.forgotten };
      if (found.fromOtherRun) Object.assign(details, { fromOtherRun: true, savedCost: found.entry.meanCost });
      this.settler.settle(p, 'full-hit', found.entry.fitness, details);
    } else if (found.outcome === 'in-flight-join') this.state.joinsWaiting++;
    else this.evaluation.dispatch(p);
  }

  /** A sampled full hit: evaluated anyway, settled when its evaluation lands (evaluation-stage). */
  private verify(p: Pending, hit: Extract<Lookup, { outcome: 'full-hit' }>): void {
    p.verify = { stored: hit.entry.fitness, forgotten: hit.forgotten, madeBy: this.verifier.madeByOf(p.hash!) };
    if (hit.fromOtherRun) Object.assign(p.verify, { fromOtherRun: true, savedCost: hit.entry.meanCost });
    this.evaluation.dispatch(p);
  }

  /**
   * Joins on other runs' evaluations that ended: they settle with the stored
   * entry, or, when the other run failed or died, are looked up again (one of
   * them claims the hash and is evaluated here).
   */
  settleOtherRunJoins(): void {
    const fec = this.cache!.fec;
    for (const { hash, waiters, entry } of fec.pollOtherRuns()) {
      this.state.joinsWaiting -= waiters.length;
      for (const w of waiters) {
        if (entry) {
          this.settler.settle(w, 'in-flight-join', entry.fitness, { cost: 0, evalMs: null, fromOtherRun: true, savedCost: entry.meanCost });
          continue;
        }
        const found = fec.lookup(hash, w);
        if (found.outcome === 'pending') void found.answer.then((answer) => this.act(w, answer));
        else this.act(w, found);
      }
    }
  }

  private failProbe(p: Pending, error: unknown, probeStart: number): void {
    p.probeMs = msSince(probeStart);
    const message = error instanceof Error ? error.message : String(error);
    this.settler.settle(p, 'failed', null, { cost: 0, evalMs: null, failure: 'error', error: `probe failed: ${message}` });
  }
}
