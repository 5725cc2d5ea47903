/**
 * Domain "diffusion-sampler": evolve diffusion samplers (solver x sigma
 * schedule x step count) under an NFE limit, hashing away algebraically
 * equal ones. See docs/domains/diffusion-sampler.md.
 */
import { DomainInputError, defineDomain, type Domain, type DomainFactory } from '../../domain/domain.js';
import { describeCandidate, normalizeCandidate, validateCandidate, type SamplerCandidate } from './candidate.js';
import { evaluateSampler, prepareEvaluation, type EvaluationSetup } from './evaluate.js';
import { buildModel, requireModelPackages } from './models.js';
import { parseOptions } from './options.js';
import { createProbe, probeKey } from './probe.js';
import { mutateCandidate, randomCandidate } from './search-space.js';

/** Probe semantics version: bump when the probe, its inputs or the solvers' arithmetic change. */
export const DOMAIN_VERSION = '1';

/**
 * 24 of 52 mantissa bits (relative resolution ~6e-8): algebraically equal
 * samplers differ by ~1e-15 relative on the probe and collide; the smallest
 * real difference among the pairs the tests check is ~1e-4 relative.
 */
export const DEFAULT_MANTISSA_BITS = 24;

const factory: DomainFactory<SamplerCandidate> = (raw) => {
  const options = parseOptions(raw);
  requireModelPackages(options);
  const range = { sigmaMax: options.sigmaMax, sigmaMin: options.sigmaMin };
  const space = { range, nfeLimit: options.nfe };
  const probe = createProbe(range);
  // Per-thread memo: the model and the reference are built on the first evaluation only.
  let setup: Promise<EvaluationSetup> | undefined;
  const ensureSetup = () => (setup ??= buildModel(options).then((model) => prepareEvaluation(model, options)));

  const domain: Domain<SamplerCandidate> = {
    name: 'diffusion-sampler',
    version: DOMAIN_VERSION,
    description: 'Diffusion samplers (solver x sigma schedule x steps) vs an adaptive reference ODE solve, under an NFE limit',
    probeKey: probeKey(range),
    mantissaBits: DEFAULT_MANTISSA_BITS,
    random: (rng) => randomCandidate(space, rng),
    mutate: (c, rng) => mutateCandidate(c, space, rng),
    probe: (c) => probe(c),
    evaluate: async (c, ctx) => {
      const ready = await ensureSetup();
      if (ctx.signal.aborted) throw new Error('evaluation aborted');
      return evaluateSampler(c, ready, options);
    },
    describe: (c) => describeCandidate(c, range),
    validate: (c) => validateCandidate(c, range),
    parse: (text) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new DomainInputError('candidate: expected a JSON object such as {"solver":"euler","schedule":{"kind":"edm","rho":7},"steps":10}');
      }
      const problem = validateCandidate(value, range);
      if (problem) throw new DomainInputError(problem);
      return value as SamplerCandidate;
    },
    normalize: (c) => normalizeCandidate(c, range),
    close: async () => {
      if (setup) (await setup).model.dispose();
    },
  };
  return defineDomain(domain);
};

export default factory;
