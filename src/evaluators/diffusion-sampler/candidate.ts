/**
 * The sampler candidate: a solver, its order/variant options, a sigma
 * schedule and a step count. Plain JSON; the zod schema gives one-line errors
 * naming the field, and `normalize` produces the canonical stored form.
 */
import { z } from 'zod';

/** Probability-flow ODE samplers for EDM-parameterised models (the original search space). */
export const EDM_SOLVERS = ['euler', 'ddim', 'heun', 'dpmpp-2m', 'dpmpp-2s', 'unipc', 'deis', 'ipndm'] as const;
/** Mean-reverting diffusion: Euler in MR time on the PF-ODE, and the MR Sampler's ODE form. */
export const MR_ODE_SOLVERS = ['mr-euler', 'mrs-ode'] as const;
/** Reverse-SDE samplers (Euler-Maruyama and MRS-SDE): compared with the SDE reference on the same Brownian path. */
export const SDE_SOLVERS = ['mr-em', 'mrs-sde'] as const;
export const SOLVERS = [...EDM_SOLVERS, ...MR_ODE_SOLVERS, ...SDE_SOLVERS] as const;
export type SolverName = (typeof SOLVERS)[number];

export function isSdeSolver(solver: SolverName): boolean {
  return (SDE_SOLVERS as readonly string[]).includes(solver);
}

export const SCHEDULE_KINDS = ['edm', 'uniform-sigma', 'logsnr', 'vp-time', 'u-shaped', 'mr-time', 'explicit'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];
/** Schedules of the original search space (mr-time joins it for mean-reverting models). */
export const EDM_SCHEDULE_KINDS = SCHEDULE_KINDS.filter((k) => k !== 'mr-time');

export const PREDICTIONS = ['data', 'noise'] as const;
const MRS_SOLVERS: readonly string[] = ['mrs-ode', 'mrs-sde'];

export const UNIPC_VARIANTS = ['bh1', 'bh2'] as const;
export const DEIS_VARIANTS = ['tab', 'rhoab', 'rhork'] as const;

/** Allowed orders per solver (absent = the solver has no order option). */
export const ORDER_RANGE: Partial<Record<SolverName, readonly [number, number]>> = {
  'dpmpp-2m': [1, 2],
  unipc: [1, 3],
  deis: [1, 3],
  ipndm: [1, 4],
  'mrs-ode': [1, 2],
  'mrs-sde': [1, 2],
};

/** Default order per solver when `order` is omitted. */
export const DEFAULT_ORDER: Partial<Record<SolverName, number>> = { 'dpmpp-2m': 2, unipc: 2, deis: 3, ipndm: 4, 'mrs-ode': 2, 'mrs-sde': 2 };

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

const scheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('edm'), rho: finite.refine((v) => v >= 0.5 && v <= 20, 'rho must be in [0.5, 20]') }),
  z.strictObject({ kind: z.literal('uniform-sigma') }),
  z.strictObject({ kind: z.literal('logsnr') }),
  z.strictObject({ kind: z.literal('vp-time'), kappa: finite.refine((v) => v >= 0.5 && v <= 4, 'kappa must be in [0.5, 4]') }),
  z.strictObject({ kind: z.literal('u-shaped'), a: finite.refine((v) => v >= 0 && v <= 8, 'a must be in [0, 8]') }),
  z.strictObject({ kind: z.literal('mr-time'), kappa: finite.refine((v) => v >= 0.5 && v <= 4, 'kappa must be in [0.5, 4]') }),
  z.strictObject({ kind: z.literal('explicit'), sigmas: z.array(finite.refine((v) => v > 0, 'sigmas must be > 0')).max(200) }),
]);

export const candidateSchema = z.strictObject({
  solver: z.enum(SOLVERS),
  order: z.number().int().optional(),
  variant: z.string().optional(),
  corrector: z.boolean().optional(),
  lowerOrderFinal: z.boolean().optional(),
  r1: finite.refine((v) => v > 0 && v < 1, 'r1 must be in (0, 1)').optional(),
  prediction: z.enum(PREDICTIONS).optional(),
  schedule: scheduleSchema,
  steps: z.number().int().min(1).max(200).optional(),
  finalDenoise: z.boolean().optional(),
});

export type Schedule = z.infer<typeof scheduleSchema>;
export type SamplerCandidate = z.infer<typeof candidateSchema>;

/** The sigma range every grid spans; the domain takes it from its options. */
export interface SigmaRange {
  sigmaMax: number;
  sigmaMin: number;
}

function issueLine(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length > 0 ? issue.path.join('.') : 'candidate';
  if (issue.code === 'invalid_union' && path === 'schedule') {
    return `schedule.kind: expected one of ${SCHEDULE_KINDS.join(', ')}`;
  }
  return `${path}: ${issue.message}`;
}

/** Options that only make sense for some solvers, so a typo never silently does nothing. */
function crossFieldError(c: SamplerCandidate, range: SigmaRange): string | null {
  const orders = ORDER_RANGE[c.solver];
  if (c.order !== undefined) {
    if (!orders) return `order: solver "${c.solver}" has no order option`;
    if (c.order < orders[0] || c.order > orders[1]) return `order: solver "${c.solver}" allows ${orders[0]} to ${orders[1]}`;
  }
  if (c.variant !== undefined) {
    const allowed = c.solver === 'unipc' ? UNIPC_VARIANTS : c.solver === 'deis' ? DEIS_VARIANTS : undefined;
    if (!allowed) return `variant: solver "${c.solver}" has no variant option`;
    if (!(allowed as readonly string[]).includes(c.variant)) return `variant: solver "${c.solver}" allows ${allowed.join(', ')}`;
  }
  if (c.corrector !== undefined && c.solver !== 'unipc') return `corrector: only solver "unipc" has a corrector`;
  if (c.r1 !== undefined && c.solver !== 'dpmpp-2s') return `r1: only solver "dpmpp-2s" has a midpoint ratio`;
  if (c.prediction !== undefined && !MRS_SOLVERS.includes(c.solver)) return `prediction: only solvers "mrs-ode" and "mrs-sde" have a prediction option`;
  if (c.lowerOrderFinal !== undefined && !['dpmpp-2m', 'unipc', 'deis', 'ipndm'].includes(c.solver)) {
    return `lowerOrderFinal: only multistep solvers (dpmpp-2m, unipc, deis, ipndm) have it`;
  }
  if (c.lowerOrderFinal !== undefined && c.solver === 'deis' && c.variant === 'rhork') {
    return `lowerOrderFinal: deis variant "rhork" is single-step and has no final-order rule`;
  }
  if (c.schedule.kind === 'explicit') {
    for (let i = 0; i < c.schedule.sigmas.length; i++) {
      const s = c.schedule.sigmas[i];
      if (s < range.sigmaMin || s > range.sigmaMax) {
        return `schedule.sigmas.${i}: expected a value in [sigmaMin ${range.sigmaMin}, sigmaMax ${range.sigmaMax}], got ${s}`;
      }
    }
    if (c.steps !== undefined && c.steps !== explicitSteps(c.schedule.sigmas, range, c.finalDenoise ?? false)) {
      return `steps: an explicit schedule fixes the step count (${explicitSteps(c.schedule.sigmas, range, c.finalDenoise ?? false)}); omit steps`;
    }
  } else {
    if (c.steps === undefined) return `steps: required for schedule "${c.schedule.kind}" (an integer from 1 to 200)`;
    if (c.finalDenoise && c.steps < 2) return 'steps: with finalDenoise at least 2 steps are needed (one to sigmaMin, one to 0)';
  }
  return null;
}

/** Null when valid, else one line naming the field and what is allowed. */
export function validateCandidate(value: unknown, range: SigmaRange): string | null {
  const parsed = candidateSchema.safeParse(value);
  if (!parsed.success) return issueLine(parsed.error);
  return crossFieldError(parsed.data, range);
}

/**
 * Canonical explicit grid: sigmaMax and sigmaMin are always included, the
 * rest sorted descending with duplicates merged, so any permutation or
 * duplicate-padded version of a list gives the same grid.
 */
export function canonicalExplicitGrid(sigmas: readonly number[], range: SigmaRange): number[] {
  const all = [range.sigmaMax, ...sigmas, range.sigmaMin].sort((a, b) => b - a);
  const out: number[] = [];
  for (const s of all) if (out.length === 0 || out[out.length - 1] !== s) out.push(s);
  return out;
}

export function explicitSteps(sigmas: readonly number[], range: SigmaRange, finalDenoise: boolean): number {
  return canonicalExplicitGrid(sigmas, range).length - 1 + (finalDenoise ? 1 : 0);
}

/** Total steps (intervals, including a final denoise step to sigma 0). */
export function stepCount(c: SamplerCandidate, range: SigmaRange): number {
  if (c.schedule.kind === 'explicit') return explicitSteps(c.schedule.sigmas, range, c.finalDenoise ?? false);
  return c.steps as number;
}

/** Effective order / variant with defaults filled in. */
export function resolvedOrder(c: SamplerCandidate): number {
  return c.order ?? DEFAULT_ORDER[c.solver] ?? 1;
}

export function resolvedVariant(c: SamplerCandidate): string | undefined {
  if (c.solver === 'unipc') return c.variant ?? 'bh2';
  if (c.solver === 'deis') return c.variant ?? 'rhoab';
  return undefined;
}

/**
 * Canonical stored form: defaults written out, explicit grids sorted and
 * deduplicated (endpoints implicit), options irrelevant to the solver dropped.
 */
export function normalizeCandidate(c: SamplerCandidate, range: SigmaRange): SamplerCandidate {
  const out: SamplerCandidate = { solver: c.solver, schedule: c.schedule, finalDenoise: c.finalDenoise ?? false };
  if (ORDER_RANGE[c.solver]) out.order = resolvedOrder(c);
  const variant = resolvedVariant(c);
  if (variant !== undefined) out.variant = variant;
  if (c.solver === 'unipc') out.corrector = c.corrector ?? true;
  if (c.solver === 'dpmpp-2s') out.r1 = c.r1 ?? 0.5;
  if (MRS_SOLVERS.includes(c.solver)) out.prediction = c.prediction ?? 'data';
  const multistep = ['dpmpp-2m', 'unipc', 'ipndm'].includes(c.solver) || (c.solver === 'deis' && variant !== 'rhork');
  if (multistep) out.lowerOrderFinal = c.lowerOrderFinal ?? false;
  if (c.schedule.kind === 'explicit') {
    const grid = canonicalExplicitGrid(c.schedule.sigmas, range);
    out.schedule = { kind: 'explicit', sigmas: grid.slice(1, -1) };
  } else {
    out.steps = c.steps;
  }
  return out;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

export function describeSchedule(s: Schedule): string {
  switch (s.kind) {
    case 'edm':
      return `edm(rho=${fmt(s.rho)})`;
    case 'vp-time':
      return `vp-time(kappa=${fmt(s.kappa)})`;
    case 'u-shaped':
      return `u-shaped(a=${fmt(s.a)})`;
    case 'mr-time':
      return `mr-time(kappa=${fmt(s.kappa)})`;
    case 'explicit':
      return `explicit[${s.sigmas.map(fmt).join(',')}]`;
    default:
      return s.kind;
  }
}

export function describeCandidate(c: SamplerCandidate, range: SigmaRange): string {
  const parts: string[] = [c.solver];
  if (ORDER_RANGE[c.solver]) parts.push(`o${resolvedOrder(c)}`);
  const variant = resolvedVariant(c);
  if (variant) parts.push(variant);
  if (c.solver === 'unipc') parts.push((c.corrector ?? true) ? 'corr' : 'nocorr');
  if (c.solver === 'dpmpp-2s') parts.push(`r1=${fmt(c.r1 ?? 0.5)}`);
  if (MRS_SOLVERS.includes(c.solver)) parts.push(c.prediction ?? 'data');
  if (c.lowerOrderFinal) parts.push('lof');
  const tail = `${describeSchedule(c.schedule)} x${stepCount(c, range)}${c.finalDenoise ? ' +denoise' : ''}`;
  return `${parts.join(' ')} ${tail}`;
}
