/**
 * Domain "discrete-sampler": evolve samplers for absorbing (masked) discrete
 * diffusion against a first-order Markov chain whose conditionals are exact,
 * under a limit on the expected network calls, with RADD's cache (calls only
 * on changed sequences) as an option. See docs/domains/diffusion-sampler.md.
 */
import { parseJsonCandidate } from '../../domain/domain-options.js';
import { defineDomain, type Domain, type DomainFactory } from '../../domain/domain.js';
import { describeCandidate, normalizeCandidate, validateCandidate, type DiscreteCandidate } from './candidate.js';
import { chainOf, evaluateDiscrete, prepareSetup, type DiscreteSetup } from './evaluate.js';
import { parseOptions } from './options.js';
import { createProbe, probeKey } from './probe.js';
import { mutateCandidate, randomCandidate } from './search-space.js';

export const DOMAIN_VERSION = '1';

/** Probe outputs are integers (tokens, call ranks) and exact NFE values; 24 bits merge rounding-level differences of E[NFE]. */
export const DEFAULT_MANTISSA_BITS = 24;

const factory: DomainFactory<DiscreteCandidate> = (raw) => {
  const options = parseOptions(raw);
  const space = { length: options.length, nfeLimit: options.nfe };
  const probe = createProbe(options.vocab, options.length);
  let setup: DiscreteSetup | undefined;
  let heldOut: DiscreteSetup | undefined;
  const validate = (value: unknown) => validateCandidate(value, options.length);

  const domain: Domain<DiscreteCandidate> = {
    name: 'discrete-sampler',
    version: DOMAIN_VERSION,
    description: 'Absorbing discrete diffusion samplers (Euler / tau-leaping / analytic / unmask-k, RADD cache) vs an exact Markov chain',
    probeKey: probeKey(options.vocab, options.length),
    mantissaBits: DEFAULT_MANTISSA_BITS,
    random: (rng) => randomCandidate(space, rng),
    mutate: (c, rng) => mutateCandidate(c, space, rng),
    probe: (c) => probe(c),
    evaluate: (c) => evaluateDiscrete(c, (setup ??= prepareSetup(chainOf(options), options.samples, options.uniformSeed)), options),
    finalEvaluate: (c) => evaluateDiscrete(c, (heldOut ??= prepareSetup(chainOf(options), options.samples, options.heldOutSeed)), options),
    describe: describeCandidate,
    validate,
    parse: (text) => parseJsonCandidate(text, '{"sampler":"analytic","schedule":{"kind":"linear"},"steps":8}', validate),
    normalize: normalizeCandidate,
  };
  return defineDomain(domain);
};

export default factory;
