/**
 * Domain "diffusion-sampler": evolve diffusion samplers (solver x sigma
 * schedule x step count) under an NFE limit, hashing away algebraically
 * equal ones. See docs/domains/diffusion-sampler.md.
 */
import { parseJsonCandidate } from '../../domain/domain-options.js';
import { defineDomain, type Domain, type DomainFactory } from '../../domain/domain.js';
import {
  EDM_SOLVERS,
  MR_ODE_SOLVERS,
  SCHEDULE_KINDS,
  SDE_SOLVERS,
  describeCandidate,
  isSdeSolver,
  normalizeCandidate,
  validateCandidate,
  type SamplerCandidate,
} from './candidate.js';
import { evaluateSampler, prepareEvaluation, type EvaluationSetup } from './evaluate.js';
import { buildModel, requireModelPackages } from './models.js';
import { parseOptions, type SamplerDomainOptions } from './options.js';
import { createProbe, probeKey } from './probe.js';
import { mutateCandidate, randomCandidate } from './search-space.js';
import { renderSchedule } from './render-schedule.js';

/** Probe semantics version: bump when the probe, its inputs or the solvers' arithmetic change. */
export const DOMAIN_VERSION = '1';

/**
 * 24 of 52 mantissa bits (relative resolution ~6e-8): algebraically equal
 * samplers differ by ~1e-15 relative on the probe and collide; the smallest
 * real difference among the pairs the tests check is ~1e-4 relative.
 */
export const DEFAULT_MANTISSA_BITS = 24;

/** The search space for the options: the EDM space as before, plus MR solvers and schedules for MR models, or the SDE samplers for target "sde". */
function searchSpace(options: SamplerDomainOptions) {
  const range = { sigmaMax: options.sigmaMax, sigmaMin: options.sigmaMin };
  if (options.target === 'sde') return { range, nfeLimit: options.nfe, solvers: SDE_SOLVERS, scheduleKinds: SCHEDULE_KINDS };
  if (options.model === 'mr-ring') return { range, nfeLimit: options.nfe, solvers: [...EDM_SOLVERS, ...MR_ODE_SOLVERS], scheduleKinds: SCHEDULE_KINDS };
  return { range, nfeLimit: options.nfe };
}

/** An ODE sampler measured against the SDE's reference (or the reverse) compares different things: refused. */
function targetError(c: SamplerCandidate, options: SamplerDomainOptions): string | null {
  const sde = isSdeSolver(c.solver);
  if (sde && options.target !== 'sde') return `solver: "${c.solver}" samples the reverse SDE; set domainOptions.target to "sde" to compare it with the SDE reference`;
  if (!sde && options.target === 'sde') return `solver: "${c.solver}" is an ODE sampler; with domainOptions.target "sde" only ${SDE_SOLVERS.join(', ')} are allowed`;
  return null;
}

const factory: DomainFactory<SamplerCandidate> = (raw) => {
  const options = parseOptions(raw);
  requireModelPackages(options);
  const space = searchSpace(options);
  const range = space.range;
  const validate = (value: unknown) => validateCandidate(value, range) ?? targetError(value as SamplerCandidate, options);
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
    // Everything scores but where the work runs (backend) and where the model memo lives (cacheDir).
    evaluationKey: () => {
      const { backend: _backend, cacheDir: _cacheDir, ...scoring } = options;
      return scoring;
    },
    random: (rng) => randomCandidate(space, rng),
    mutate: (c, rng) => mutateCandidate(c, space, rng),
    probe: (c) => probe(c),
    evaluate: async (c, ctx) => {
      const ready = await ensureSetup();
      if (ctx.signal.aborted) throw new Error('evaluation aborted');
      return evaluateSampler(c, ready, options);
    },
    describe: (c) => describeCandidate(c, range),
    render: (c) => renderSchedule(c, range),
    validate,
    parse: (text) => parseJsonCandidate(text, '{"solver":"euler","schedule":{"kind":"edm","rho":7},"steps":10}', validate),
    normalize: (c) => normalizeCandidate(c, range),
    close: async () => {
      if (setup) (await setup).model.dispose();
    },
  };
  return defineDomain(domain);
};

export default factory;
