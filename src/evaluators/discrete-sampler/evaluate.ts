/**
 * The evaluation: run the sampler on a fixed set of uniforms, compare its
 * sequences with the chain (exact bigram KL plus the trigram two-sample MMD
 * against as many exact draws), and charge the expected NFE above the limit.
 * fitness = -(bigram KL + trigram MMD) - nfePenalty * max(0, E[NFE] - nfe).
 * The final score repeats this on held-out uniforms (and held-out exact draws).
 */
import type { EvalResult } from '../../domain/domain.js';
import { createRng } from '../../random/rng.js';
import type { DiscreteCandidate } from './candidate.js';
import { createMarkovChain, sampleChain, type MarkovChain } from './markov-chain.js';
import { bigramKl, exactBigrams, trigramMmd } from './metrics.js';
import type { DiscreteDomainOptions } from './options.js';
import { expectedNfe, runDiscreteSampler, type DiscreteUniforms } from './samplers.js';

export function discreteUniforms(n: number, length: number, seed: number, label: string): DiscreteUniforms {
  const rng = createRng(seed, label);
  const order = Float64Array.from({ length: n * length }, () => rng.next());
  const value = Float64Array.from({ length: n * length }, () => rng.next());
  return { n, order, value };
}

export interface DiscreteSetup {
  chain: MarkovChain;
  bigrams: Float64Array;
  uniforms: DiscreteUniforms;
  /** Exact draws from the chain, the two-sample statistic's other side. */
  exact: Int32Array;
}

export function chainOf(options: DiscreteDomainOptions): MarkovChain {
  return createMarkovChain(options.vocab, options.length, options.chainSeed, options.concentration);
}

export function prepareSetup(chain: MarkovChain, samples: number, seed: number): DiscreteSetup {
  const uniforms = discreteUniforms(samples, chain.length, seed, 'discrete-sampler-uniforms');
  const drawUniforms = discreteUniforms(samples, chain.length, seed, 'discrete-sampler-exact-draws').order;
  return { chain, bigrams: exactBigrams(chain), uniforms, exact: sampleChain(chain, drawUniforms, samples) };
}

export function evaluateDiscrete(c: DiscreteCandidate, setup: DiscreteSetup, options: DiscreteDomainOptions): EvalResult {
  const started = performance.now();
  const { chain, uniforms } = setup;
  const run = runDiscreteSampler(c, chain, uniforms);
  const kl = bigramKl(setup.bigrams, run.tokens, uniforms.n, chain.length, chain.vocab);
  const mmd = trigramMmd(run.tokens, uniforms.n, setup.exact, uniforms.n, chain.length, chain.vocab);
  const nfe = expectedNfe(c, chain.length);
  const measured = run.calls.reduce((a, b) => a + b, 0) / uniforms.n;
  return {
    fitness: -(kl + mmd) - options.nfePenalty * Math.max(0, nfe - options.nfe),
    metrics: { bigramKl: kl, trigramMmd: mmd, nfe, measuredNfe: measured, evalMs: performance.now() - started },
  };
}
