/**
 * The functional probe: the sampler on 32 sequences of a fixed probe chain
 * with fixed uniforms. Outputs: every token, the rank of the network call each
 * token was drawn from (so samplers that group positions differently never
 * merge on lucky equal tokens), the measured mean calls and the exact expected
 * NFE (fitness depends on it). All integers or exact functions of the grid:
 * deterministic and finite.
 */
import type { DiscreteCandidate } from './candidate.js';
import { discreteUniforms } from './evaluate.js';
import { createMarkovChain } from './markov-chain.js';
import { expectedNfe, runDiscreteSampler } from './samplers.js';

export const PROBE_SEQUENCES = 32;
export const PROBE_SEED = 20240611;
const PROBE_CONCENTRATION = 0.5;

export function probeKey(vocab: number, length: number): string {
  return `markov|v=${vocab}|L=${length}|conc=${PROBE_CONCENTRATION}|n=${PROBE_SEQUENCES}|seed=${PROBE_SEED}`;
}

export function createProbe(vocab: number, length: number): (c: DiscreteCandidate) => Float64Array {
  const chain = createMarkovChain(vocab, length, PROBE_SEED, PROBE_CONCENTRATION);
  const uniforms = discreteUniforms(PROBE_SEQUENCES, length, PROBE_SEED, 'discrete-sampler-probe');
  return (c) => {
    const run = runDiscreteSampler(c, chain, uniforms);
    const out = new Float64Array(2 * run.tokens.length + 2);
    out.set(run.tokens);
    out.set(run.groups, run.tokens.length);
    out[2 * run.tokens.length] = run.calls.reduce((a, b) => a + b, 0) / PROBE_SEQUENCES;
    out[2 * run.tokens.length + 1] = expectedNfe(c, length);
    return out;
  };
}
