/**
 * The discrete sampler candidate: how an absorbing-diffusion sampler walks
 * from the all-masked sequence to a clean one. Plain JSON; zod gives one-line
 * errors naming the field, `normalize` writes defaults out and drops options
 * that do not apply.
 */
import { z } from 'zod';

/** Time-grid samplers (a step count over t from 1 to 0, with a mask schedule) and the step-free ones. */
export const GRID_SAMPLERS = ['euler', 'tau-leaping', 'analytic'] as const;
export const SAMPLERS = [...GRID_SAMPLERS, 'first-hitting', 'unmask-k'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export const MAX_STEPS = 1024;

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('linear') }),
  z.strictObject({ kind: z.literal('cosine') }),
  z.strictObject({ kind: z.literal('log-linear'), eps: finite.refine((v) => v >= 1e-6 && v <= 0.1, 'eps must be in [1e-6, 0.1]').optional() }),
  z.strictObject({ kind: z.literal('power'), p: finite.refine((v) => v >= 0.25 && v <= 4, 'p must be in [0.25, 4]') }),
]);
export type MaskSchedule = z.infer<typeof scheduleSchema>;
export const SCHEDULE_KINDS = ['linear', 'cosine', 'log-linear', 'power'] as const;

export const candidateSchema = z.strictObject({
  sampler: z.enum(SAMPLERS),
  schedule: scheduleSchema.optional(),
  steps: z.number().int().min(1).max(MAX_STEPS).optional(),
  k: z.number().int().min(1).optional(),
  cache: z.boolean().optional(),
});
export type DiscreteCandidate = z.infer<typeof candidateSchema>;

export function isGridSampler(s: SamplerName): boolean {
  return (GRID_SAMPLERS as readonly string[]).includes(s);
}

function issueLine(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length > 0 ? issue.path.join('.') : 'candidate';
  if (issue.code === 'invalid_union' && path.startsWith('schedule')) return `schedule.kind: expected one of ${SCHEDULE_KINDS.join(', ')}`;
  return `${path}: ${issue.message}`;
}

function crossFieldError(c: DiscreteCandidate, length: number): string | null {
  const grid = isGridSampler(c.sampler);
  if (grid && c.steps === undefined) return `steps: required for sampler "${c.sampler}" (an integer from 1 to ${MAX_STEPS})`;
  if (!grid && c.steps !== undefined) return `steps: sampler "${c.sampler}" has no time grid; omit steps`;
  if (c.schedule === undefined && c.sampler !== 'unmask-k') return `schedule: required for sampler "${c.sampler}", e.g. {"kind":"linear"}`;
  if (c.schedule !== undefined && c.sampler === 'unmask-k') return 'schedule: sampler "unmask-k" unmasks a fixed count per step and has no schedule; omit it';
  if (c.sampler === 'unmask-k' && c.k === undefined) return `k: required for sampler "unmask-k" (tokens per step, 1 to ${length})`;
  if (c.k !== undefined && c.sampler !== 'unmask-k') return 'k: only sampler "unmask-k" has k';
  if (c.k !== undefined && c.k > length) return `k: at most the sequence length ${length}`;
  if (c.cache !== undefined && !grid) return `cache: only the time-grid samplers (${GRID_SAMPLERS.join(', ')}) have the RADD cache; every step of "${c.sampler}" changes the sequence`;
  return null;
}

export function validateCandidate(value: unknown, length: number): string | null {
  const parsed = candidateSchema.safeParse(value);
  if (!parsed.success) return issueLine(parsed.error);
  return crossFieldError(parsed.data, length);
}

export const DEFAULT_EPS = 1e-3;

export function normalizeCandidate(c: DiscreteCandidate): DiscreteCandidate {
  const out: DiscreteCandidate = { sampler: c.sampler };
  if (c.schedule) out.schedule = c.schedule.kind === 'log-linear' ? { kind: 'log-linear', eps: c.schedule.eps ?? DEFAULT_EPS } : c.schedule;
  if (isGridSampler(c.sampler)) {
    out.steps = c.steps;
    out.cache = c.cache ?? true;
  }
  if (c.sampler === 'unmask-k') out.k = c.k;
  return out;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

export function describeCandidate(c: DiscreteCandidate): string {
  const parts: string[] = [c.sampler];
  if (c.schedule) parts.push(c.schedule.kind === 'power' ? `power(p=${fmt(c.schedule.p)})` : c.schedule.kind);
  if (c.steps !== undefined) parts.push(`x${c.steps}`);
  if (c.k !== undefined) parts.push(`k=${c.k}`);
  if (isGridSampler(c.sampler)) parts.push((c.cache ?? true) ? 'cache' : 'no-cache');
  return parts.join(' ');
}
